// Acceptance for the outbound path: a reply queued with profiles' SendMessage is sent by ingest
// to a local stand-in of the Cloud API, its wamid recorded, then moved by signed status
// webhooks; a 429 is retried after Retry-After; a 400 ends as a failed message with the reason.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { ActorKind, DeliveryStatus, MessageContent, MessageType, type Message } from '@ue/proto';
import { freePort, requireEnv, testMongoUrl, uniqueName } from '@ue/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AGENT_TOKEN,
  APP_SECRET,
  eventually,
  fixture,
  ingestEnv,
  postWebhook,
  signBody,
  startIngest,
  startProfiles,
  type Ingest,
  type Profiles,
} from './helpers.js';
import { testProfilesClient, type TestProfilesClient } from './profiles-client.js';

const A = '117733559900011';
const WA_ID = '4917640286153';

interface Seen {
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
  at: number;
}

/** The Cloud API send endpoint, as far as ingest needs it; behaviour chosen by message text. */
function startStandIn(port: number): Promise<{ server: Server; seen: Seen[] }> {
  const seen: Seen[] = [];
  let n = 0;
  const read = async (req: IncomingMessage): Promise<string> => {
    let s = '';
    for await (const chunk of req) s += String(chunk);
    return s;
  };
  const server = createServer((req, res) => {
    void read(req).then((raw) => {
      const body = JSON.parse(raw) as Record<string, unknown>;
      seen.push({
        path: req.url ?? '',
        authorization: req.headers.authorization,
        body,
        at: Date.now(),
      });
      const text = (body.text as { body?: string } | undefined)?.body ?? '';
      const tries = seen.filter(
        (s) => (s.body.text as { body?: string } | undefined)?.body === text,
      ).length;
      res.setHeader('content-type', 'application/json');
      if (text.includes('[busy]') && tries === 1) {
        res.writeHead(429, { 'retry-after': '1' });
        res.end(
          JSON.stringify({
            error: { message: '(#130429) Rate limit hit', type: 'OAuthException', code: 130429 },
          }),
        );
      } else if (text.includes('[refuse]')) {
        res.writeHead(400);
        res.end(
          JSON.stringify({
            error: {
              message: '(#131026) Message undeliverable',
              type: 'OAuthException',
              code: 131026,
              error_data: {
                messaging_product: 'whatsapp',
                details: 'Receiver is incapable of receiving this message',
              },
              fbtrace_id: 'AbC',
            },
          }),
        );
      } else {
        n += 1;
        res.writeHead(200);
        res.end(
          JSON.stringify({
            messaging_product: 'whatsapp',
            contacts: [{ input: body.to, wa_id: body.to }],
            messages: [{ id: `wamid.STANDIN${n}AAAA==` }],
          }),
        );
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () => resolve({ server, seen })),
  );
}

const prefix = uniqueName('ingest_outbound');
let profiles: Profiles;
let ingest: Ingest;
let client: TestProfilesClient;
let standIn: { server: Server; seen: Seen[] };
let userId: string;
let inbound: Message;

async function postSigned(body: Buffer): Promise<void> {
  const res = await postWebhook(ingest.url, body, signBody(body, APP_SECRET));
  expect(res.status).toBe(200);
}

/** A status webhook for one of our messages, shaped like status-*.json, at time `unix`. */
function statusBody(wamid: string, status: string, unix: number): Buffer {
  const json = JSON.parse(fixture('status-delivered.json').toString()) as {
    entry: Array<{ changes: Array<{ value: { statuses: Array<Record<string, unknown>> } }> }>;
  };
  const s = json.entry[0]!.changes[0]!.value.statuses[0]!;
  Object.assign(s, {
    id: wamid,
    status,
    timestamp: String(unix),
    recipient_id: WA_ID,
    recipient_user_id: 'DE.5830194726350817264',
  });
  return Buffer.from(JSON.stringify(json));
}

async function sendText(text: string, clientId: string): Promise<string> {
  const res = await client.send({
    userId,
    content: MessageContent.fromPartial({ type: MessageType.TEXT, text }),
    author: { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol' },
    clientId,
  });
  return res.message!.id;
}

async function message(id: string): Promise<Message | undefined> {
  return (await client.messages(userId)).find((m) => m.id === id);
}

beforeAll(async () => {
  const redisUrl = requireEnv('REDIS_URL');
  const apiPort = await freePort();
  standIn = await startStandIn(apiPort);
  profiles = await startProfiles({ mongoUrl: testMongoUrl('ingest_outbound'), redisUrl, prefix });
  ingest = await startIngest(
    ingestEnv({
      redisUrl,
      prefix,
      profilesAddr: profiles.addr,
      extra: { WHATSAPP_API_BASE_URL: `http://127.0.0.1:${apiPort}/v24.0` },
    }),
  );
  client = testProfilesClient(profiles.addr, AGENT_TOKEN);
  // Björn writes now, so the 24 h customer-service window is open for free text.
  const now = Math.floor(Date.now() / 1000);
  await postSigned(
    Buffer.from(
      fixture('text-basic.json')
        .toString()
        .replace('"1793877015"', `"${now}"`)
        .replace('ZEQjhBN0ZCAA==', 'ZEQjhBN0ZCAB=='),
    ),
  );
  const user = await eventually(() => client.user(A, { waId: WA_ID }), 15_000, 'inbound user');
  userId = user.id;
  inbound = await eventually(
    async () => (await client.messages(userId))[0],
    15_000,
    'inbound message',
  );
}, 90_000);

afterAll(async () => {
  client?.close();
  await ingest?.proc.stop();
  await profiles?.proc.stop();
  await new Promise((r) => standIn?.server.close(r));
});

describe('outbound replies', () => {
  it('sends a reply through the provider, records its wamid, and follows its statuses to read', async () => {
    const id = await client
      .send({
        userId,
        content: MessageContent.fromPartial({
          type: MessageType.TEXT,
          text: 'Ja, Ihre Bestellung ist unterwegs 🚚',
        }),
        author: { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol' },
        clientId: 'reply-1',
        replyToMessageId: inbound.id,
      })
      .then((r) => r.message!.id);
    const sent = await eventually(
      async () => {
        const m = await message(id);
        return m?.wamid && m.status === DeliveryStatus.SENT ? m : undefined;
      },
      15_000,
      'wamid recorded',
    );
    const req = standIn.seen.find((s) =>
      (s.body.text as { body: string }).body.startsWith('Ja, Ihre'),
    );
    expect(req).toMatchObject({
      path: `/v24.0/${A}/messages`,
      authorization: 'Bearer test-access-token',
    });
    expect(req?.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: WA_ID,
      type: 'text',
      text: { body: 'Ja, Ihre Bestellung ist unterwegs 🚚', preview_url: false },
      context: { message_id: inbound.wamid },
    });
    expect(sent.wamid).toMatch(/^wamid\.STANDIN\d+AAAA==$/);
    expect(sent.status).toBe(DeliveryStatus.SENT);

    const t = Math.floor(Date.now() / 1000);
    // Out of order, like the provider: read first, then delivered, then sent.
    for (const [status, at] of [
      ['read', t + 3],
      ['delivered', t + 2],
      ['sent', t + 1],
    ] as const)
      await postSigned(statusBody(sent.wamid, status, at));
    const read = await eventually(
      async () => {
        const m = await message(id);
        return m?.status === DeliveryStatus.READ && m.statusTimes?.deliveredAt ? m : undefined;
      },
      15_000,
      'status read',
    );
    expect(read.statusTimes?.readAt).toEqual(new Date((t + 3) * 1000));
  });

  it('retries a 429 after Retry-After, then records the wamid', async () => {
    const id = await sendText('Einen Moment bitte [busy]', 'busy-1');
    const m = await eventually(
      async () => {
        const x = await message(id);
        return x?.wamid && x.status === DeliveryStatus.SENT ? x : undefined;
      },
      20_000,
      'sent after retry',
    );
    const tries = standIn.seen.filter(
      (s) => (s.body.text as { body: string }).body === 'Einen Moment bitte [busy]',
    );
    expect(tries).toHaveLength(2);
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(900);
    expect(m.status).toBe(DeliveryStatus.SENT);
  });

  it('records a 400 as a failed message showing the provider’s reason, without retrying', async () => {
    const id = await sendText('Dieses Angebot gilt nur heute [refuse]', 'refuse-1');
    const m = await eventually(
      async () => {
        const x = await message(id);
        return x?.status === DeliveryStatus.FAILED ? x : undefined;
      },
      15_000,
      'failed',
    );
    expect(m.errors[0]).toMatchObject({
      code: 131026,
      message: '(#131026) Message undeliverable',
      details: 'Receiver is incapable of receiving this message',
    });
    expect(m.wamid).toBe('');
    await new Promise((r) => setTimeout(r, 500));
    expect(
      standIn.seen.filter((s) => (s.body.text as { body: string }).body.includes('[refuse]')),
    ).toHaveLength(1);
  });
});
