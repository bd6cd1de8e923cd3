// Backing stores down: gRPC calls answer UNAVAILABLE (retryable), /healthz answers 503.
import { status as Code } from '@grpc/grpc-js';
import { freePort } from '@ue/testing';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpsApp } from '../src/adapters/http/ops-app.js';
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
    const write = await callError(h.client, 'applyWebhookEvents', { events: [inboundText('wamid.X', ref('4917300000001'), 'hi', t(0))], deliveries: [] });
    expect(write.code).toBe(Code.UNAVAILABLE);
  });

  it('reports 503 on /healthz naming the store that is down', async () => {
    const deadRedis = new Redis(`redis://127.0.0.1:${deadPort}`, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    deadRedis.on('error', () => undefined);
    const app = createOpsApp({ registry: new Registry(), checks: { mongo: () => h.mongo.db.command({ ping: 1 }), redis: () => deadRedis.connect().then(() => deadRedis.ping()) } });
    const res = await app.request('/healthz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unavailable', checks: { mongo: 'down', redis: 'down' } });
    deadRedis.disconnect();
  });
});
