// Backing stores down: gRPC calls answer UNAVAILABLE (retryable), /healthz answers 503.
import { status as Code } from '@grpc/grpc-js';
import { createLogger } from '@ue/kit';
import { freePort, requireEnv, testMongoUrl, uniqueName } from '@ue/testing';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpsApp } from '../src/adapters/http/ops-app.js';
import { connectMongo, ensureIndexes } from '../src/adapters/mongo/db.js';
import { createEventOutbox } from '../src/adapters/mongo/event-outbox.js';
import { createEventPublisher } from '../src/adapters/redis/event-stream.js';
import { applyEvent } from '../src/app/apply-events.js';
import { createPorts } from '../src/create-ports.js';
import { inboundText, ref, t } from './events.js';
import { callError, startHarness, type Harness } from './harness.js';

let h: Harness;
let deadPort: number;
beforeAll(async () => {
  deadPort = await freePort();
  h = await startHarness('outage', { deadMongoUrl: `mongodb://127.0.0.1:${deadPort}/nothing` });
});
afterAll(() => h.close());

describe('database outage', () => {
  it('answers UNAVAILABLE with a retry hint for reads and writes', async () => {
    const read = await callError(h.client, 'getUser', { lookup: { $case: 'id', id: 'u_1' } });
    expect(read.code).toBe(Code.UNAVAILABLE);
    expect(read.details).toBe('database unavailable, retry later');
    const write = await callError(h.client, 'applyWebhookEvents', {
      events: [inboundText('wamid.X', ref('4917300000001'), 'hi', t(0))],
      deliveries: [],
    });
    expect(write.code).toBe(Code.UNAVAILABLE);
  });

  it('reports 503 on /healthz naming the store that is down', async () => {
    const deadRedis = new Redis(`redis://127.0.0.1:${deadPort}`, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    deadRedis.on('error', () => undefined);
    const app = createOpsApp({
      registry: new Registry(),
      checks: {
        mongo: () => h.mongo.db.command({ ping: 1 }),
        redis: () => deadRedis.connect().then(() => deadRedis.ping()),
      },
    });
    const res = await app.request('/healthz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: 'unavailable',
      checks: { mongo: 'down', redis: 'down' },
    });
    deadRedis.disconnect();
  });
});

describe('redis outage', () => {
  it('keeps the change and its event: the outbox publishes it once Redis answers', async () => {
    const mongo = await connectMongo(testMongoUrl('outbox'));
    await ensureIndexes(mongo.cols);
    const dead = new Redis(`redis://127.0.0.1:${deadPort}`, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    dead.on('error', () => undefined);
    const live = new Redis(requireEnv('REDIS_URL'));
    const stream = uniqueName('outbox_events');
    const log = createLogger('outbox-test', 'silent');
    const outbound = {
      enqueue: () => Promise.reject(new Error('unused')),
      remove: () => Promise.reject(new Error('unused')),
      close: () => Promise.resolve(),
    };
    try {
      const { ports } = createPorts({
        mongo,
        redis: dead,
        outbound,
        log,
        stream: { name: stream, maxLen: 1000 },
      });
      expect(
        await applyEvent(
          ports,
          inboundText('wamid.OB1', ref('4917300000002'), 'while redis is down', t(0)),
        ),
      ).toBe('applied');
      expect(await mongo.cols.messages.countDocuments({ wamid: 'wamid.OB1' })).toBe(1);
      const kept = await mongo.cols.outbox.countDocuments();
      expect(kept).toBeGreaterThanOrEqual(2); // message created + user updated

      const recovered = createEventOutbox(
        mongo.cols,
        createEventPublisher(live, stream, 1000),
        log,
      );
      expect(await recovered.flush()).toBe(kept);
      expect(await recovered.flush()).toBe(0);
      const entries = await live.xrange(stream, '-', '+');
      expect(entries.length).toBe(kept);
    } finally {
      dead.disconnect();
      await live.del(stream);
      live.disconnect();
      await mongo.db.dropDatabase();
      await mongo.client.close();
    }
  });
});
