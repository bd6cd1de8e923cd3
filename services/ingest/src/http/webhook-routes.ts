// GET/POST /webhooks/<provider>, per shared/docs/whatsapp-webhooks.md §2, §3, §7, §8: the
// handshake, then verify → one durable enqueue → 200. No content parsing, no database, no gRPC.
// WhatsApp, Messenger and Instagram are all Meta webhooks: same handshake, same
// X-Hub-Signature-256 over the raw bytes; only the token, the secrets and the job's provider differ.
import { timingSafeEqual } from 'node:crypto';
import type { Logger } from '@ue/kit';
import { Hono } from 'hono';
import type { Metrics } from '../ops/metrics.js';
import { jsonProblem } from '../providers/whatsapp/json.js';
import { checkSignature } from '../providers/whatsapp/signature.js';
import { sha256Hex, type WebhookJobData, type WebhookProvider } from '../queue/webhook-queue.js';
import { readBodyLimited } from './read-body.js';

/** What one route checks requests against. */
export interface RouteSecrets {
  verifyToken: string;
  appSecrets: readonly string[];
}

export interface WebhookDeps {
  maxBytes: number;
  /** One durable add; rejects when Redis is unreachable (within a bounded time). */
  enqueue: (job: WebhookJobData) => Promise<void>;
  metrics: Metrics;
  log: Logger;
  now?: () => Date;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function webhookRoutes(
  deps: WebhookDeps,
  route: RouteSecrets & { provider: WebhookProvider },
): Hono {
  const app = new Hono();
  const { provider } = route;
  const log = deps.log.child({ provider });
  const now = deps.now ?? (() => new Date());
  const reject = (reason: 'signature' | 'json' | 'size' | 'redis') =>
    deps.metrics.webhooksRejected.inc({ reason });

  app.get('/', (c) => {
    const mode = c.req.query('hub.mode');
    const token = c.req.query('hub.verify_token') ?? '';
    const challenge = c.req.query('hub.challenge') ?? '';
    if (mode === 'subscribe' && sameText(token, route.verifyToken)) {
      log.info('webhook subscription verified');
      return c.text(challenge, 200);
    }
    log.warn({ mode }, 'webhook verification refused');
    return c.text('Forbidden', 403);
  });

  app.post('/', async (c) => {
    deps.metrics.webhooksReceived.inc({ provider });
    const receivedAt = now();
    const body = await readBodyLimited(c.req.raw, deps.maxBytes);
    if (!body.ok) {
      reject('size');
      log.warn({ maxBytes: deps.maxBytes }, 'webhook refused: body too large');
      // The rest of the body may still be on its way: this connection carries no further request.
      return c.text('Payload Too Large', 413, { Connection: 'close' });
    }
    const problem = checkSignature(
      body.bytes,
      c.req.header('x-hub-signature-256'),
      route.appSecrets,
    );
    if (problem) {
      reject('signature');
      log.warn({ problem, bytes: body.bytes.byteLength }, 'webhook refused: bad signature');
      return c.text('Unauthorized', 401);
    }
    // The worker's own reader: a body accepted here is one the worker can read.
    const unreadable = jsonProblem(body.bytes);
    if (unreadable) {
      reject('json');
      log.warn({ bytes: body.bytes.byteLength, problem: unreadable }, 'webhook refused: not JSON');
      return c.text('Bad Request', 400);
    }
    const sha256 = sha256Hex(body.bytes);
    try {
      await deps.enqueue({
        provider,
        bodyBase64: Buffer.from(body.bytes).toString('base64'),
        sha256,
        receivedAt: receivedAt.toISOString(),
      });
      deps.metrics.webhooksEnqueued.inc();
      log.info({ sha256, bytes: body.bytes.byteLength }, 'webhook accepted');
    } catch (err) {
      reject('redis');
      log.error({ err: (err as Error).message, sha256 }, 'webhook not queued: Redis unavailable');
      return c.text('Service Unavailable', 503, { 'Retry-After': '5' });
    }
    return c.text('EVENT_RECEIVED', 200);
  });

  return app;
}
