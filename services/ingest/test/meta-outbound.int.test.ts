// Acceptance for Messenger and Instagram beyond the webhook: replies queued with profiles'
// SendMessage are sent by ingest through the same outbound queue to a local stand-in of Meta's
// Send API (each account with its own token; HUMAN_AGENT after the 24-hour window; a rate limit
// retried; a refusal recorded; no token for an account; an attachment uploaded first, its
// caption sent after it); and inbound attachments are fetched from their URLs into profiles.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createProfilesClient, type ProfilesClient } from '@ue/profiles-client';
import {
  ActorKind,
  DeliveryStatus,
  DownloadMediaRequest,
  GetMessageRequest,
  MediaState,
  MessageContent,
  MessageType,
  SendMessageRequest,
  UploadMediaHeader,
  type Actor,
  type Message,
} from '@ue/proto';
import { freePort } from '@ue/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_TOKEN, eventually, postMeta } from './helpers.js';
import { startPipeline, type Pipeline } from './pipeline.js';

const PAGE = '1029384756';
const IG = '17841400000000001';
/** An Instagram account ingest has no token for. */
const IG_NO_TOKEN = '17841400000000002';
const PAGE_TOKEN = 'page-token-4f1d9c';
const IG_TOKEN = 'ig-token-77ab20';

interface Seen {
  path: string;
  authorization?: string;
  body: Record<string, unknown>;
  form?: { message: string; filename: string; type: string; bytes: Buffer };
}

/** Meta's Send API, Attachment Upload API and CDN, as far as ingest needs them. */
class StandIn {
  readonly seen: Seen[] = [];
  readonly files = new Map<string, { mime: string; bytes: Buffer }>();
  server!: Server;
  base = '';

  async start(): Promise<void> {
    const port = await freePort();
    this.base = `http://127.0.0.1:${port}`;
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(port, '127.0.0.1', r));
  }

  /** A CDN URL of the kind Meta puts in webhooks: signed, expiring. */
  cdnUrl(name: string, o: { expired?: boolean } = {}): string {
    const oe = Date.now() + (o.expired ? -60_000 : 3_600_000);
    return `${this.base}/cdn/${name}?oe=${oe}&oh=00_secret-signature`;
  }

  sendsOf(text: string): Seen[] {
    return this.seen.filter((s) => JSON.stringify(s.body).includes(text));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.base);
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const cdn = /^\/cdn\/([\w.-]+)$/.exec(url.pathname);
    if (cdn && req.method === 'GET') {
      const file = this.files.get(cdn[1]!);
      if (!file || Number(url.searchParams.get('oe')) < Date.now())
        return void (res.writeHead(403), res.end('URL signature expired'));
      res.writeHead(200, { 'content-type': file.mime, 'content-length': file.bytes.length });
      return void res.end(file.bytes);
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const account = /^\/v24\.0\/(\d+)\/(messages|message_attachments)$/.exec(url.pathname);
    if (!account || req.method !== 'POST') return json(404, { error: { code: 100 } });
    const seen: Seen = { path: url.pathname, authorization: req.headers.authorization, body: {} };
    this.seen.push(seen);
    if (account[2] === 'message_attachments') {
      const form = await new Request(url, {
        method: 'POST',
        headers: { 'content-type': req.headers['content-type'] ?? '' },
        body: raw,
      }).formData();
      const file = form.get('filedata') as Blob & { name: string };
      seen.form = {
        message: form.get('message') as string,
        filename: file.name,
        type: file.type,
        bytes: Buffer.from(await file.arrayBuffer()),
      };
      return json(200, { attachment_id: `att-${this.seen.length}` });
    }
    seen.body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    const text = JSON.stringify(seen.body);
    const error = (code: number, subcode?: number) =>
      json(400, {
        error: {
          message: `(#${code}) refused by the stand-in`,
          type: 'OAuthException',
          code,
          ...(subcode ? { error_subcode: subcode } : {}),
          fbtrace_id: 'AbC',
        },
      });
    if (text.includes('[busy]') && this.sendsOf('[busy]').length === 1) return error(613);
    if (text.includes('[window]')) return error(10, 2018278);
    const to = (seen.body.recipient as { id: string }).id;
    json(200, { recipient_id: to, message_id: `m_STANDIN${this.seen.length}` });
  }
}

const standIn = new StandIn();
let pipe: Pipeline;
let client: ProfilesClient;
const carol: Actor = { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol' };
const admin: Actor = { kind: ActorKind.ADMIN, id: 'ana', displayName: 'Ana Admin' };
let psidSeq = 0;

/** A customer's message now (or `agoMs` ago) on a page / IG account: that user's id. */
async function customerWrites(o: {
  account: string;
  text: string;
  agoMs?: number;
  attachments?: unknown[];
}): Promise<{ userId: string; scopedId: string; mid: string }> {
  const instagram = o.account !== PAGE;
  const scopedId = `${instagram ? 77 : 65}000000000${String(++psidSeq).padStart(5, '0')}`;
  const mid = `m_${randomBytes(12).toString('hex')}`;
  const body = Buffer.from(
    JSON.stringify({
      object: instagram ? 'instagram' : 'page',
      entry: [
        {
          id: o.account,
          time: Date.now(),
          messaging: [
            {
              sender: { id: scopedId },
              recipient: { id: o.account },
              timestamp: Date.now() - (o.agoMs ?? 0),
              message: {
                mid,
                text: o.text,
                ...(o.attachments ? { attachments: o.attachments } : {}),
              },
            },
          ],
        },
      ],
    }),
  );
  const res = await postMeta(pipe.ingest.url, {
    route: instagram ? 'instagram' : 'messenger',
    body,
  });
  expect(res.status).toBe(200);
  const user = await eventually(
    () => pipe.client.user(o.account, { scopedId }),
    15_000,
    `user ${scopedId}`,
  );
  return { userId: user.id, scopedId, mid };
}

async function message(id: string): Promise<Message | undefined> {
  const req = GetMessageRequest.fromPartial({ message: { messageId: id } });
  return (await client.call('getMessage', req)).message;
}

async function settled(id: string, what: string): Promise<Message> {
  return eventually(
    async () => {
      const m = await message(id);
      return m && (m.status === DeliveryStatus.SENT || m.status === DeliveryStatus.FAILED)
        ? m
        : undefined;
    },
    20_000,
    what,
  );
}

async function send(o: { userId: string; text: string; author?: Actor }) {
  return client.call(
    'sendMessage',
    SendMessageRequest.fromPartial({
      userId: o.userId,
      content: MessageContent.fromPartial({ type: MessageType.TEXT, text: o.text }),
      author: o.author ?? carol,
      clientId: `c-${randomBytes(6).toString('hex')}`,
    }),
  );
}

beforeAll(async () => {
  await standIn.start();
  pipe = await startPipeline('ingest_meta_out', {
    META_API_BASE_URL: `${standIn.base}/v24.0`,
    MESSENGER_PAGE_TOKENS: `${PAGE}:${PAGE_TOKEN}`,
    INSTAGRAM_TOKENS: `${IG}:${IG_TOKEN}`,
  });
  client = createProfilesClient({
    addr: pipe.profiles.addr,
    token: AGENT_TOKEN,
    deadlineMs: 10_000,
  });
}, 90_000);

afterAll(async () => {
  client?.close();
  await pipe?.stop();
  await new Promise((r) => standIn.server?.close(r));
});

describe('sending on Messenger and Instagram', () => {
  it('a Messenger reply: the page’s token, RESPONSE, our message id as metadata; message_id recorded', async () => {
    const lena = await customerWrites({ account: PAGE, text: 'Habt ihr Samstag offen?' });
    const sent = await send({ userId: lena.userId, text: 'Ja, 9 bis 14 Uhr.' });
    expect(sent.tag).toBe('');
    const m = await settled(sent.message!.id, 'Messenger reply sent');
    expect([m.status, m.wamid]).toEqual([
      DeliveryStatus.SENT,
      expect.stringMatching(/^m_STANDIN\d+$/),
    ]);
    const [req] = standIn.sendsOf('Ja, 9 bis 14 Uhr.');
    expect(req).toEqual({
      path: `/v24.0/${PAGE}/messages`,
      authorization: `Bearer ${PAGE_TOKEN}`,
      body: {
        recipient: { id: lena.scopedId },
        messaging_type: 'RESPONSE',
        message: { text: 'Ja, 9 bis 14 Uhr.', metadata: `ue:${sent.message!.id}` },
      },
    });
  });

  it('the echo of our own send and its receipts: still one message, then delivered and read', async () => {
    const u = await customerWrites({ account: PAGE, text: 'Und am Sonntag?' });
    const sent = await send({ userId: u.userId, text: 'Sonntags geschlossen.' });
    const m = await settled(sent.message!.id, 'reply sent');
    const item = (o: Record<string, unknown>, fromPage = false) => ({
      sender: { id: fromPage ? PAGE : u.scopedId },
      recipient: { id: fromPage ? u.scopedId : PAGE },
      timestamp: m.sentAt!.getTime() + 1000,
      ...o,
    });
    const page = (i: Record<string, unknown>) =>
      Buffer.from(JSON.stringify({ object: 'page', entry: [{ id: PAGE, messaging: [i] }] }));
    const later = m.sentAt!.getTime() + 5000;
    // Receipts first, the echo last: any order must end the same.
    for (const body of [
      page(item({ read: { watermark: later } })),
      page(item({ delivery: { watermark: later } })),
      page(
        item(
          {
            message: {
              mid: m.wamid,
              is_echo: true,
              app_id: 1234567890123456,
              metadata: `ue:${m.id}`,
              text: 'Sonntags geschlossen.',
            },
          },
          true,
        ),
      ),
    ])
      expect((await postMeta(pipe.ingest.url, { route: 'messenger', body })).status).toBe(200);
    const read = await eventually(
      async () => {
        const x = await message(m.id);
        return x?.status === DeliveryStatus.READ ? x : undefined;
      },
      15_000,
      'read by watermark',
    );
    expect(read.statusTimes?.readAt).toEqual(new Date(later));
    const mine = (await pipe.client.messages(u.userId)).filter(
      (x) => x.content?.text === 'Sonntags geschlossen.',
    );
    expect(mine.map((x) => x.id)).toEqual([m.id]);
  });

  it('an Instagram reply: the Instagram account’s own token', async () => {
    const sofia = await customerWrites({ account: IG, text: 'Ciao!' });
    const sent = await send({ userId: sofia.userId, text: 'Ciao Sofia!' });
    await settled(sent.message!.id, 'Instagram reply sent');
    expect(standIn.sendsOf('Ciao Sofia!')[0]).toMatchObject({
      path: `/v24.0/${IG}/messages`,
      authorization: `Bearer ${IG_TOKEN}`,
      body: { recipient: { id: sofia.scopedId }, messaging_type: 'RESPONSE' },
    });
  });

  it('a person answering after the 24-hour window (within 7 days) sends with the HUMAN_AGENT tag', async () => {
    const late = await customerWrites({
      account: PAGE,
      text: 'Ist mein Auto fertig?',
      agoMs: 2 * 24 * 3600_000,
    });
    const sent = await send({ userId: late.userId, text: 'Ja, heute ab 16 Uhr.', author: admin });
    expect(sent.tag).toBe('HUMAN_AGENT');
    const m = await settled(sent.message!.id, 'tagged reply sent');
    expect(m.status).toBe(DeliveryStatus.SENT);
    expect(standIn.sendsOf('Ja, heute ab 16 Uhr.')[0]!.body).toMatchObject({
      messaging_type: 'MESSAGE_TAG',
      tag: 'HUMAN_AGENT',
    });
  });

  it('retries a rate limit (613) with the usual backoff, then records the message id', async () => {
    const u = await customerWrites({ account: PAGE, text: 'Hallo' });
    const sent = await send({ userId: u.userId, text: 'Einen Moment bitte [busy]' });
    const m = await settled(sent.message!.id, 'sent after the retry');
    expect([m.status, standIn.sendsOf('[busy]').length]).toEqual([DeliveryStatus.SENT, 2]);
  });

  it('records a refusal (10 / 2018278, outside the window) as failed, with the provider’s error, without retrying', async () => {
    const u = await customerWrites({ account: PAGE, text: 'Hallo' });
    const sent = await send({ userId: u.userId, text: 'Angebot [window]' });
    const m = await settled(sent.message!.id, 'failed');
    expect(m.status).toBe(DeliveryStatus.FAILED);
    expect(m.errors[0]).toMatchObject({
      code: 10,
      message: '(#10) refused by the stand-in',
      details: 'error_subcode 2018278',
    });
    expect(standIn.sendsOf('[window]')).toHaveLength(1);
  });

  it('fails for good, naming the variable, when no token is configured for the account', async () => {
    const u = await customerWrites({ account: IG_NO_TOKEN, text: 'Ciao' });
    const before = standIn.seen.length;
    const sent = await send({ userId: u.userId, text: 'Nessun token' });
    const m = await settled(sent.message!.id, 'failed without a token');
    expect(m.status).toBe(DeliveryStatus.FAILED);
    expect(m.errors[0]!.details).toBe(
      `no access token is configured for Instagram account ${IG_NO_TOKEN} (INSTAGRAM_TOKENS)`,
    );
    expect(standIn.seen.length).toBe(before);
    const log = pipe.ingest.proc.output();
    expect(log).not.toContain(PAGE_TOKEN);
    expect(log).not.toContain(IG_TOKEN);
  });

  it('uploads an attachment first (message_attachments), sends it by id, then its caption', async () => {
    const u = await customerWrites({ account: PAGE, text: 'Schicken Sie mir das Angebot?' });
    const bytes = randomBytes(5000);
    const up = await client.upload(
      UploadMediaHeader.fromPartial({
        userId: u.userId,
        mimeType: 'image/png',
        filename: 'angebot.png',
        sizeBytes: bytes.length,
        sha256Hex: createHash('sha256').update(bytes).digest('hex'),
      }),
      (async function* () {
        yield await Promise.resolve(bytes);
      })(),
      { deadlineMs: 10_000 },
    );
    const sent = await client.call(
      'sendMessage',
      SendMessageRequest.fromPartial({
        userId: u.userId,
        content: MessageContent.fromPartial({
          type: MessageType.IMAGE,
          text: 'Ihr Angebot im Anhang',
          media: { stored: { fileId: up.fileId } },
        }),
        author: carol,
        clientId: 'meta-attachment-1',
      }),
    );
    const m = await settled(sent.message!.id, 'attachment sent');
    const i = standIn.seen.findIndex((s) => s.form?.filename === 'angebot.png');
    const [upload, file, caption] = standIn.seen.slice(i, i + 3);
    expect(upload).toMatchObject({
      path: `/v24.0/${PAGE}/message_attachments`,
      authorization: `Bearer ${PAGE_TOKEN}`,
      form: {
        message: '{"attachment":{"type":"image","payload":{"is_reusable":true}}}',
        type: 'image/png',
      },
    });
    expect(upload!.form!.bytes.equals(bytes)).toBe(true);
    expect(file!.body).toEqual({
      recipient: { id: u.scopedId },
      messaging_type: 'RESPONSE',
      message: {
        attachment: { type: 'image', payload: { attachment_id: `att-${i + 1}` } },
        metadata: `ue:${m.id}`,
      },
    });
    expect(caption!.body).toMatchObject({
      message: { text: 'Ihr Angebot im Anhang', metadata: `ue:${m.id}` },
    });
    // The message is the file's: its id is the first part's.
    expect([m.status, m.wamid]).toEqual([DeliveryStatus.SENT, `m_STANDIN${i + 2}`]);
  });
});

describe('inbound attachments on Messenger and Instagram', () => {
  async function mediaOf(userId: string, state: MediaState): Promise<Message> {
    return eventually(
      async () => {
        const list = await pipe.client.messages(userId);
        const m = list.find((x) => x.content?.media);
        return m?.content?.media?.stored?.state === state ? m : undefined;
      },
      30_000,
      `media ${MediaState[state]}`,
    );
  }

  it('fetches the file from its URL (no token sent) and stores it in profiles', async () => {
    const bytes = randomBytes(20_000);
    standIn.files.set('foto.jpg', { mime: 'image/jpeg', bytes });
    const u = await customerWrites({
      account: IG,
      text: '',
      attachments: [{ type: 'image', payload: { url: standIn.cdnUrl('foto.jpg') } }],
    });
    const m = await mediaOf(u.userId, MediaState.STORED);
    expect(m.content?.media?.stored).toMatchObject({
      mimeType: 'image/jpeg',
      sizeBytes: bytes.length,
      sha256Hex: createHash('sha256').update(bytes).digest('hex'),
    });
    const parts: Buffer[] = [];
    const req = DownloadMediaRequest.fromPartial({ fileId: m.content!.media!.stored!.fileId });
    for await (const r of client.stream('downloadMedia', req))
      if (r.part?.$case === 'chunk') parts.push(Buffer.from(r.part.chunk));
    expect(Buffer.concat(parts).equals(bytes)).toBe(true);
  });

  it('records an expired URL as unavailable with the reason, the signature never in it', async () => {
    standIn.files.set('alt.jpg', { mime: 'image/jpeg', bytes: randomBytes(100) });
    const u = await customerWrites({
      account: PAGE,
      text: '',
      attachments: [
        { type: 'image', payload: { url: standIn.cdnUrl('alt.jpg', { expired: true }) } },
      ],
    });
    const m = await mediaOf(u.userId, MediaState.UNAVAILABLE);
    const reason = m.content?.media?.stored?.reason ?? '';
    expect(reason).toMatch(/HTTP 403: the link expired/);
    expect(reason).not.toContain('secret-signature');
    expect(pipe.ingest.proc.output()).not.toContain('secret-signature');
  });
});
