// Acceptance for media: inbound files fetched from a local stand-in of the Cloud API's media
// endpoints and stored in real profiles (checked byte for byte through DownloadMedia); every
// way a fetch can go wrong ends as the docs say; a reply with an image is uploaded to the
// provider first and sent by the id it returned.
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
  type Message,
} from '@ue/proto';
import { freePort, requireEnv } from '@ue/testing';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mediaJobId } from '../src/queue/media-queue.js';
import { ACCOUNT, contact, delivery, newWaId, newWamid } from './bodies.js';
import { AGENT_TOKEN, APP_SECRET, eventually, postWebhook, signBody } from './helpers.js';
import { startPipeline, type Pipeline } from './pipeline.js';

const TOKEN = 'test-access-token';
const IMAGE_CAP = 700_000;

interface File {
  bytes: Buffer;
  mime: string;
  /** What the metadata says, when it differs from the truth. */
  metaSize?: number;
  metaSha?: string;
  /** What the download serves instead of the bytes. */
  served?: Buffer;
  /** Sent in pieces without Content-Length, so only counting finds the size. */
  chunked?: boolean;
}

/** The media side of the Cloud API, as far as ingest needs it, with request counts. */
class StandIn {
  readonly files = new Map<string, File>();
  /** Per media id: metadata requests, download requests. */
  readonly meta = new Map<string, number>();
  readonly downloads = new Map<string, number>();
  readonly uploads: Array<{ type: string; filename: string; bytes: Buffer; auth?: string }> = [];
  readonly sends: Array<Record<string, unknown>> = [];
  /** Media ids answered with a status for the next n metadata requests. */
  readonly metaFailures = new Map<string, { status: number; left: number }>();
  /** Media ids whose first download URL is already expired. */
  readonly expireFirstUrl = new Set<string>();
  refuseToken = false;
  server!: Server;
  base = '';

  async start(): Promise<void> {
    const port = await freePort();
    this.base = `http://127.0.0.1:${port}`;
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(port, '127.0.0.1', r));
  }

  private count(map: Map<string, number>, id: string): number {
    const n = (map.get(id) ?? 0) + 1;
    map.set(id, n);
    return n;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.base);
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const graphError = (status: number, message: string, code: number): void =>
      json(status, { error: { message, type: 'OAuthException', code, fbtrace_id: 'AbC' } });
    if (req.headers.authorization !== `Bearer ${TOKEN}` || this.refuseToken)
      return graphError(401, 'Error validating access token', 190);

    const download = /^\/download\/([^/]+)$/.exec(url.pathname);
    if (download && req.method === 'GET') {
      const id = download[1]!;
      this.count(this.downloads, id);
      const file = this.files.get(id);
      if (!file || Number(url.searchParams.get('exp')) < Date.now())
        return void (res.writeHead(404), res.end());
      const body = file.served ?? file.bytes;
      if (!file.chunked) {
        res.writeHead(200, { 'content-type': file.mime, 'content-length': String(body.length) });
        return void res.end(body);
      }
      res.writeHead(200, { 'content-type': file.mime });
      for (let i = 0; i < body.length && !res.destroyed; i += 64 * 1024) {
        if (!res.write(body.subarray(i, i + 64 * 1024)))
          await new Promise((r) => res.once('drain', r).once('close', r));
      }
      return void res.end();
    }
    const upload = /^\/v24\.0\/(\d+)\/media$/.exec(url.pathname);
    if (upload && req.method === 'POST') {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const form = await new Request(url, {
        method: 'POST',
        headers: { 'content-type': req.headers['content-type'] ?? '' },
        body: Buffer.concat(chunks),
      }).formData();
      const file = form.get('file') as Blob & { name: string };
      this.uploads.push({
        type: form.get('type') as string,
        filename: file.name,
        bytes: Buffer.from(await file.arrayBuffer()),
        auth: req.headers.authorization,
      });
      if (form.get('messaging_product') !== 'whatsapp')
        return graphError(400, 'messaging_product is required', 100);
      return json(200, { id: `uploaded-${this.uploads.length}` });
    }
    const send = /^\/v24\.0\/(\d+)\/messages$/.exec(url.pathname);
    if (send && req.method === 'POST') {
      let raw = '';
      for await (const c of req) raw += String(c);
      const body = JSON.parse(raw) as Record<string, unknown>;
      this.sends.push(body);
      const caption = (body.image as { caption?: string } | undefined)?.caption ?? '';
      const tries = this.sends.filter(
        (b) => (b.image as { caption?: string } | undefined)?.caption === caption,
      ).length;
      if (caption.includes('[busy]') && tries === 1)
        return graphError(503, 'Service temporarily unavailable', 2);
      return json(200, {
        messaging_product: 'whatsapp',
        contacts: [{ input: body.to, wa_id: body.to }],
        messages: [{ id: `wamid.MEDIASTANDIN${this.sends.length}==` }],
      });
    }
    const meta = /^\/v24\.0\/([^/]+)$/.exec(url.pathname);
    if (meta && req.method === 'GET') {
      const id = meta[1]!;
      const n = this.count(this.meta, id);
      const failing = this.metaFailures.get(id);
      if (failing && failing.left > 0) {
        failing.left -= 1;
        return graphError(failing.status, `failure ${failing.status}`, failing.status);
      }
      const file = this.files.get(id);
      if (!file)
        return graphError(
          404,
          `Unsupported get request. Object with ID '${id}' does not exist`,
          100,
        );
      const expired = this.expireFirstUrl.has(id) && n === 1;
      const exp = expired ? Date.now() - 1000 : Date.now() + 300_000;
      return json(200, {
        messaging_product: 'whatsapp',
        url: `${this.base}/download/${id}?exp=${exp}`,
        mime_type: file.mime,
        sha256: file.metaSha ?? createHash('sha256').update(file.bytes).digest('hex'),
        file_size: file.metaSize ?? file.bytes.length,
        id,
      });
    }
    graphError(404, 'Unknown path', 100);
  }
}

const standIn = new StandIn();
let pipe: Pipeline;
let client: ProfilesClient;
let media: Queue;
let mediaSeq = 0;

function addFile(file: File): string {
  const id = String(7_000_000_000_000 + ++mediaSeq);
  standIn.files.set(id, file);
  return id;
}

/** A PNG-named file of random bytes (profiles checks type and size, not the picture). */
const imageBytes = (n: number): Buffer => randomBytes(n);

interface Sent {
  waId: string;
  wamid: string;
  body: Buffer;
}

/** An inbound media message from a new user, its sha256 as the webhook carries it (base64). */
function mediaWebhook(o: {
  kind: string;
  mediaId: string;
  mime: string;
  bytes?: Buffer;
  extra?: Record<string, unknown>;
}): Sent {
  const waId = newWaId();
  const wamid = newWamid();
  const sha = o.bytes ? createHash('sha256').update(o.bytes).digest('base64') : undefined;
  const value = {
    contacts: [contact({ waId, name: 'Media Sender' })],
    messages: [
      {
        from: waId,
        id: wamid,
        timestamp: String(Math.floor(Date.now() / 1000)),
        type: o.kind,
        [o.kind]: { id: o.mediaId, mime_type: o.mime, ...(sha ? { sha256: sha } : {}), ...o.extra },
      },
    ],
  };
  return { waId, wamid, body: Buffer.from(JSON.stringify(delivery(value))) };
}

async function post(body: Buffer): Promise<void> {
  const res = await postWebhook(pipe.ingest.url, body, signBody(body, APP_SECRET));
  expect(res.status).toBe(200);
}

async function messageOf(wamid: string): Promise<Message | undefined> {
  const req = GetMessageRequest.fromPartial({ message: { accountId: ACCOUNT, wamid } });
  return (await client.call('getMessage', req)).message;
}

/** Wait until the message's media is in `state`; returns the message. */
function mediaState(wamid: string, state: MediaState, timeoutMs = 20_000): Promise<Message> {
  return eventually(
    async () => {
      const m = await messageOf(wamid);
      return m?.content?.media?.stored?.state === state ? m : undefined;
    },
    timeoutMs,
    `media ${MediaState[state]}`,
  );
}

async function downloaded(wamid: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  const req = DownloadMediaRequest.fromPartial({ message: { accountId: ACCOUNT, wamid } });
  for await (const r of client.stream('downloadMedia', req, { deadlineMs: 10_000 }))
    if (r.part?.$case === 'chunk') parts.push(Buffer.from(r.part.chunk));
  return Buffer.concat(parts);
}

async function metric(line: string): Promise<number> {
  const text = await (await fetch(`${pipe.ingest.url}/metrics`)).text();
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found ? Number(found.slice(found.lastIndexOf(' ') + 1)) : 0;
}

beforeAll(async () => {
  await standIn.start();
  pipe = await startPipeline('ingest_media', {
    WHATSAPP_API_BASE_URL: `${standIn.base}/v24.0`,
    WHATSAPP_ACCESS_TOKEN: TOKEN,
    MEDIA_MAX_BYTES_IMAGE: String(IMAGE_CAP),
    MEDIA_CHECKSUM_RETRIES: '1',
    MEDIA_TOKEN_RETRY_MS: '300',
  });
  client = createProfilesClient({ addr: pipe.profiles.addr, token: AGENT_TOKEN });
  media = new Queue('media', { connection: { url: requireEnv('REDIS_URL') }, prefix: pipe.prefix });
}, 90_000);

afterAll(async () => {
  client?.close();
  await media?.close();
  await pipe?.stop();
  await new Promise((r) => standIn.server?.close(r));
});

describe('inbound media', () => {
  it('fetches an image at once and stores exactly its bytes; a replay fetches nothing again', async () => {
    const bytes = imageBytes(600_000); // more than two of profiles' 256 KiB chunks
    const mediaId = addFile({ bytes, mime: 'image/jpeg' });
    const sent = mediaWebhook({ kind: 'image', mediaId, mime: 'image/jpeg', bytes });
    await post(sent.body);
    const m = await mediaState(sent.wamid, MediaState.STORED);
    expect(m.content?.media?.stored).toMatchObject({
      mimeType: 'image/jpeg',
      sizeBytes: bytes.length,
      sha256Hex: createHash('sha256').update(bytes).digest('hex'),
    });
    expect((await downloaded(sent.wamid)).equals(bytes)).toBe(true);
    expect([standIn.meta.get(mediaId), standIn.downloads.get(mediaId)]).toEqual([1, 1]);

    // The same delivery again (another POST body, same message): the job id is still kept.
    await post(Buffer.from(` ${sent.body.toString()}`));
    // And once the job is gone, a replay finds the file stored and asks the provider nothing.
    await eventually(
      async () =>
        (await media.getJobState(mediaJobId(ACCOUNT, sent.wamid))) === 'completed'
          ? true
          : undefined,
      10_000,
      'media job completed',
    );
    await media.remove(mediaJobId(ACCOUNT, sent.wamid));
    const skipped = 'ingest_media_fetches_total{kind="image",outcome="skipped"}';
    const before = await metric(skipped);
    await post(Buffer.from(`  ${sent.body.toString()}`));
    await eventually(
      async () => ((await metric(skipped)) > before ? true : undefined),
      15_000,
      'replay skipped',
    );
    expect([standIn.meta.get(mediaId), standIn.downloads.get(mediaId)]).toEqual([1, 1]);
    expect(await metric('ingest_media_bytes_total{kind="image"}')).toBeGreaterThanOrEqual(
      bytes.length,
    );
  });

  it('stores a voice note and a PDF document with its file name', async () => {
    const voice = randomBytes(20_000);
    const voiceId = addFile({ bytes: voice, mime: 'audio/ogg; codecs=opus' });
    const a = mediaWebhook({
      kind: 'audio',
      mediaId: voiceId,
      mime: 'audio/ogg; codecs=opus',
      bytes: voice,
      extra: { voice: true },
    });
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(5000)]);
    const pdfId = addFile({ bytes: pdf, mime: 'application/pdf' });
    const d = mediaWebhook({
      kind: 'document',
      mediaId: pdfId,
      mime: 'application/pdf',
      bytes: pdf,
      extra: { filename: 'Rechnung_4713.pdf' },
    });
    await post(a.body);
    await post(d.body);
    const doc = await mediaState(d.wamid, MediaState.STORED);
    await mediaState(a.wamid, MediaState.STORED);
    expect(doc.content?.media?.filename).toBe('Rechnung_4713.pdf');
    expect((await downloaded(a.wamid)).equals(voice)).toBe(true);
    expect((await downloaded(d.wamid)).equals(pdf)).toBe(true);
  });

  it('gives up on bytes that do not match the checksum after retrying the download', async () => {
    const bytes = imageBytes(3000);
    const served = Buffer.from(bytes);
    served[100] = served[100]! ^ 0xff;
    const mediaId = addFile({ bytes, mime: 'image/png', served });
    const sent = mediaWebhook({ kind: 'image', mediaId, mime: 'image/png', bytes });
    await post(sent.body);
    const m = await mediaState(sent.wamid, MediaState.UNAVAILABLE);
    expect(m.content?.media?.stored?.reason).toMatch(/checksum mismatch/);
    // MEDIA_CHECKSUM_RETRIES=1: the first download and one more.
    expect(standIn.downloads.get(mediaId)).toBe(2);
  });

  it('refuses a file over the cap without downloading it', async () => {
    const bytes = imageBytes(1000);
    const mediaId = addFile({ bytes, mime: 'image/jpeg', metaSize: IMAGE_CAP + 1 });
    const sent = mediaWebhook({ kind: 'image', mediaId, mime: 'image/jpeg' });
    await post(sent.body);
    const m = await mediaState(sent.wamid, MediaState.UNAVAILABLE);
    expect(m.content?.media?.stored?.reason).toBe(
      `${IMAGE_CAP + 1} bytes is over the image limit of ${IMAGE_CAP}`,
    );
    expect(standIn.downloads.get(mediaId)).toBeUndefined();
  });

  it('cuts a download off past the cap when the provider announced no size', async () => {
    const bytes = imageBytes(IMAGE_CAP + 100_000);
    const mediaId = addFile({ bytes, mime: 'image/jpeg', metaSize: 0, chunked: true });
    const sent = mediaWebhook({ kind: 'image', mediaId, mime: 'image/jpeg', bytes });
    await post(sent.body);
    const m = await mediaState(sent.wamid, MediaState.UNAVAILABLE);
    expect(m.content?.media?.stored?.reason).toBe(
      `more than the image limit of ${IMAGE_CAP} bytes`,
    );
    expect(m.content?.media?.stored?.fileId).toBe('');
    expect(standIn.downloads.get(mediaId)).toBe(1);
  });

  it('refuses a MIME type the declared kind cannot carry (an "image" that is HTML)', async () => {
    const bytes = Buffer.from('<html><script>alert(1)</script></html>');
    const mediaId = addFile({ bytes, mime: 'text/html' });
    const sent = mediaWebhook({ kind: 'image', mediaId, mime: 'image/jpeg', bytes });
    await post(sent.body);
    const m = await mediaState(sent.wamid, MediaState.UNAVAILABLE);
    expect(m.content?.media?.stored?.reason).toBe('MIME type text/html is not allowed for image');
    expect(standIn.downloads.get(mediaId)).toBeUndefined();
  });

  it('records media the provider no longer has (404) as unavailable with the reason', async () => {
    const sent = mediaWebhook({ kind: 'image', mediaId: '7999999999999999', mime: 'image/jpeg' });
    await post(sent.body);
    const m = await mediaState(sent.wamid, MediaState.UNAVAILABLE);
    expect(m.content?.media?.stored?.reason).toMatch(/does not have this media \(HTTP 404/);
    expect(standIn.meta.get('7999999999999999')).toBe(1);
  });

  it('asks for fresh metadata when the download URL has expired, then stores the file', async () => {
    const bytes = imageBytes(4000);
    const mediaId = addFile({ bytes, mime: 'image/webp' });
    standIn.expireFirstUrl.add(mediaId);
    const sent = mediaWebhook({ kind: 'sticker', mediaId, mime: 'image/webp', bytes });
    await post(sent.body);
    await mediaState(sent.wamid, MediaState.STORED);
    expect([standIn.meta.get(mediaId), standIn.downloads.get(mediaId)]).toEqual([2, 2]);
    expect((await downloaded(sent.wamid)).equals(bytes)).toBe(true);
  });

  it('retries after a 500, then stores the file', async () => {
    const bytes = imageBytes(2000);
    const mediaId = addFile({ bytes, mime: 'image/jpeg' });
    standIn.metaFailures.set(mediaId, { status: 500, left: 1 });
    const sent = mediaWebhook({ kind: 'image', mediaId, mime: 'image/jpeg', bytes });
    await post(sent.body);
    await mediaState(sent.wamid, MediaState.STORED);
    expect(standIn.meta.get(mediaId)).toBe(2);
    expect(
      await metric('ingest_media_fetches_total{kind="image",outcome="retried"}'),
    ).toBeGreaterThan(0);
  });

  it('counts a refused access token per number and tries again until it is accepted', async () => {
    const bytes = imageBytes(2000);
    const mediaId = addFile({ bytes, mime: 'image/jpeg' });
    standIn.refuseToken = true;
    const sent = mediaWebhook({ kind: 'image', mediaId, mime: 'image/jpeg', bytes });
    const failures = `ingest_media_token_failures_total{account="${ACCOUNT}"}`;
    try {
      await post(sent.body);
      await eventually(
        async () => ((await metric(failures)) >= 2 ? true : undefined),
        15_000,
        'token failures counted',
      );
      const pending = await mediaState(sent.wamid, MediaState.PENDING);
      expect(pending.content?.media?.stored?.reason).toMatch(/access token refused/);
    } finally {
      standIn.refuseToken = false;
    }
    await mediaState(sent.wamid, MediaState.STORED);
    expect((await downloaded(sent.wamid)).equals(bytes)).toBe(true);
    const log = pipe.ingest.proc.output();
    expect(log).toContain('provider refused the access token');
    expect(log).not.toContain(TOKEN);
  });
});

describe('outbound attachments', () => {
  let userId: string;
  let waId: string;

  beforeAll(async () => {
    // A customer writes first (the 24 h window), with a photo.
    const bytes = imageBytes(1500);
    const mediaId = addFile({ bytes, mime: 'image/jpeg' });
    const inbound = mediaWebhook({ kind: 'image', mediaId, mime: 'image/jpeg', bytes });
    await post(inbound.body);
    userId = (await mediaState(inbound.wamid, MediaState.STORED)).userId;
    waId = inbound.waId;
  }, 30_000);

  /** Upload an image to profiles as an unsent attachment and send it; the message id. */
  async function sendImage(o: { bytes: Buffer; caption: string; clientId: string }) {
    const header = UploadMediaHeader.fromPartial({
      userId,
      mimeType: 'image/png',
      filename: 'label.png',
      sizeBytes: o.bytes.length,
      sha256Hex: createHash('sha256').update(o.bytes).digest('hex'),
    });
    const up = await client.upload(
      header,
      (async function* () {
        yield await Promise.resolve(o.bytes);
      })(),
      { deadlineMs: 10_000 },
    );
    const sent = await client.call(
      'sendMessage',
      SendMessageRequest.fromPartial({
        userId,
        content: MessageContent.fromPartial({
          type: MessageType.IMAGE,
          text: o.caption,
          media: { stored: { fileId: up.fileId } },
        }),
        author: { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol' },
        clientId: o.clientId,
      }),
    );
    const id = sent.message!.id;
    return eventually(
      async () => {
        const req = GetMessageRequest.fromPartial({ message: { messageId: id } });
        const m = (await client.call('getMessage', req)).message;
        return m?.wamid && m.status === DeliveryStatus.SENT ? m : undefined;
      },
      20_000,
      'attachment sent',
    );
  }

  it('uploads an image reply to the provider first and sends it by the returned id', async () => {
    const reply = imageBytes(300_000);
    const accepted = await sendImage({
      bytes: reply,
      caption: 'Ihr Rücksendeetikett',
      clientId: 'media-reply-1',
    });
    expect(accepted.wamid).toMatch(/^wamid\.MEDIASTANDIN\d+==$/);
    expect(standIn.uploads).toHaveLength(1);
    expect(standIn.uploads[0]).toMatchObject({
      type: 'image/png',
      filename: 'label.png',
      auth: `Bearer ${TOKEN}`,
    });
    expect(standIn.uploads[0]!.bytes.equals(reply)).toBe(true);
    expect(standIn.sends.at(-1)).toMatchObject({
      to: waId,
      type: 'image',
      image: { id: 'uploaded-1', caption: 'Ihr Rücksendeetikett' },
    });
  });

  it('does not upload again when the send itself is retried', async () => {
    const before = standIn.uploads.length;
    await sendImage({ bytes: imageBytes(2000), caption: 'Foto [busy]', clientId: 'media-reply-2' });
    expect(standIn.uploads.length - before).toBe(1);
    const tries = standIn.sends.filter(
      (b) => (b.image as { caption?: string } | undefined)?.caption === 'Foto [busy]',
    );
    expect(tries.map((b) => (b.image as { id: string }).id)).toEqual([
      `uploaded-${before + 1}`,
      `uploaded-${before + 1}`,
    ]);
  });
});
