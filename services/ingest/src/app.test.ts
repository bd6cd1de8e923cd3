import { createLogger } from '@ue/kit';
import { describe, expect, it } from 'vitest';
import { createApp, type AppDeps } from './app.js';
import { createMetrics } from './ops/metrics.js';
import { MAX_JSON_DEPTH } from './providers/whatsapp/json.js';
import { parseWhatsappDelivery } from './providers/whatsapp/parser.js';
import { sign } from './providers/whatsapp/signature.js';
import type { WebhookJobData } from './queue/webhook-queue.js';

function app(over: Partial<AppDeps> = {}) {
  const queued: WebhookJobData[] = [];
  const metrics = createMetrics();
  const deps: AppDeps = {
    whatsapp: { verifyToken: 'tok', appSecrets: ['s1'] },
    meta: { verifyToken: 'meta-tok', appSecrets: ['m1', 'm2'] },
    maxBytes: 1000,
    metrics,
    log: createLogger('test', 'silent'),
    enqueue: (j) => (queued.push(j), Promise.resolve()),
    health: () => Promise.resolve({ redis: true, profiles: true }),
    now: () => new Date('2026-11-10T12:00:00Z'),
    ...over,
  };
  return { http: createApp(deps), queued, metrics };
}

const body = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');
const post = (b: Uint8Array, signature: string) =>
  ({
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
    body: b,
  }) as RequestInit;

describe('webhook endpoint', () => {
  it('queues a signed body with its hash and receipt time, answering 200', async () => {
    const { http, queued } = app();
    const res = await http.request('/webhooks/whatsapp', post(body, sign(body, 's1')));
    expect([res.status, await res.text()]).toEqual([200, 'EVENT_RECEIVED']);
    expect(queued).toEqual([
      {
        provider: 'whatsapp',
        bodyBase64: body.toString('base64'),
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
        receivedAt: '2026-11-10T12:00:00.000Z',
      },
    ]);
  });

  it('answers 503 (the provider retries) when the queue cannot take it, and counts why', async () => {
    const { http, metrics } = app({
      enqueue: () => Promise.reject(new Error("Stream isn't writeable")),
    });
    const res = await http.request('/webhooks/whatsapp', post(body, sign(body, 's1')));
    expect(res.status).toBe(503);
    expect(await metrics.registry.metrics()).toMatch(
      /ingest_webhooks_rejected_total\{reason="redis"\} 1/,
    );
  });

  it('refuses oversized, unsigned and non-JSON bodies before queueing anything', async () => {
    const { http, queued } = app();
    const big = Buffer.alloc(1001, 0x20);
    const notJson = Buffer.from('not json');
    const statuses = [
      (await http.request('/webhooks/whatsapp', post(big, sign(big, 's1')))).status,
      (await http.request('/webhooks/whatsapp', post(body, sign(body, 'other')))).status,
      (await http.request('/webhooks/whatsapp', post(notJson, sign(notJson, 's1')))).status,
    ];
    expect(statuses).toEqual([413, 401, 400]);
    expect(queued).toEqual([]);
  });

  it('says Connection: close on a 413 (the rest of the body is not read as a next request)', async () => {
    const big = Buffer.alloc(1001, 0x20);
    const res = await app().http.request('/webhooks/whatsapp', post(big, sign(big, 's1')));
    expect([res.status, res.headers.get('connection')]).toEqual([413, 'close']);
  });

  it('answers 400 to nesting deeper than the worker reads; what it queues, the worker reads', async () => {
    const { http, queued } = app({ maxBytes: 100_000 });
    const nested = (depth: number) =>
      Buffer.from(
        `{"object":"whatsapp_business_account","entry":[${'['.repeat(depth - 2)}${']'.repeat(depth - 2)}]}`,
      );
    const send = async (b: Buffer) =>
      (await http.request('/webhooks/whatsapp', post(b, sign(b, 's1')))).status;
    expect(await send(nested(10_000))).toBe(400);
    expect(await send(nested(MAX_JSON_DEPTH + 1))).toBe(400);
    expect(queued).toEqual([]);
    expect(await send(nested(MAX_JSON_DEPTH))).toBe(200);
    const bytes = Buffer.from(queued[0]!.bodyBase64, 'base64');
    expect(parseWhatsappDelivery(bytes, new Date()).problems).toEqual([]);
  });
});

describe('Messenger and Instagram routes', () => {
  const page = Buffer.from('{"object":"page","entry":[]}');

  it('answer the handshake with their own token, not WhatsApp’s', async () => {
    const { http } = app();
    const hs = (route: string, token: string) =>
      http.request(
        `/webhooks/${route}?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=7`,
      );
    const answers = await Promise.all([
      hs('messenger', 'meta-tok'),
      hs('instagram', 'meta-tok'),
      hs('messenger', 'tok'),
    ]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 403]);
    expect(await answers[0].text()).toBe('7');
  });

  it('queue a body signed with any Meta secret, under the route’s provider', async () => {
    const { http, queued } = app();
    const m = await http.request('/webhooks/messenger', post(page, sign(page, 'm2')));
    const i = await http.request('/webhooks/instagram', post(page, sign(page, 'm1')));
    expect([m.status, i.status]).toEqual([200, 200]);
    expect(queued.map((j) => j.provider)).toEqual(['messenger', 'instagram']);
    expect(queued[0]!.sha256).toBe(queued[1]!.sha256);
  });

  it('refuse WhatsApp’s secret, a missing signature and non-JSON, as the WhatsApp route does', async () => {
    const { http, queued, metrics } = app();
    const notJson = Buffer.from('{');
    const statuses = [
      (await http.request('/webhooks/messenger', post(page, sign(page, 's1')))).status,
      (await http.request('/webhooks/instagram', post(page, ''))).status,
      (await http.request('/webhooks/instagram', post(notJson, sign(notJson, 'm1')))).status,
    ];
    expect(statuses).toEqual([401, 401, 400]);
    expect(queued).toEqual([]);
    expect(await metrics.registry.metrics()).toMatch(
      /ingest_webhooks_received_total\{provider="instagram"\} 2/,
    );
  });
});

describe('health', () => {
  it('is 200 only when Redis and profiles are both up, with detail', async () => {
    expect((await app().http.request('/healthz')).status).toBe(200);
    const down = await app({
      health: () => Promise.resolve({ redis: true, profiles: false }),
    }).http.request('/healthz');
    expect([down.status, await down.json()]).toEqual([
      503,
      { status: 'degraded', redis: 'up', profiles: 'down' },
    ]);
  });
});
