// The order-independence property of src/app/order-independence.test.ts, in a smaller run
// against the real server and database: any interleaving with repeats (some batches concurrent)
// ends in the state of applying each delivery once, in order.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collection, Document } from 'mongodb';
import { applySchedule, DELIVERIES, REPLY, schedules, view } from './deliveries.js';
import { call, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('order');
});
afterAll(() => h.close());

async function run(waves: number[][]) {
  // A fresh state per run: every collection emptied (the indexes stay).
  for (const c of Object.values(h.mongo.cols) as Collection<Document>[]) await c.deleteMany({});
  await call(h.client, 'recordOutboundMessage', REPLY);
  await applySchedule(waves, (req) => call(h.client, 'applyWebhookEvents', req));
  const { users, messages, orphans } = h.mongo.cols;
  return view({
    users: await users.find().toArray(),
    messages: await messages.find().toArray(),
    orphans: await orphans.find().toArray(),
  });
}

describe('order independence on the real server (property)', () => {
  it('any interleaving with repeats ends as applying each delivery once, in order', async () => {
    const reference = await run(DELIVERIES.map((_, i) => [i]));
    expect(reference.users).toHaveLength(3);
    await fc.assert(
      fc.asyncProperty(schedules, async (waves) => {
        expect(await run(waves)).toEqual(reference);
      }),
      { seed: 8008, numRuns: 12, interruptAfterTimeLimit: 20_000, markInterruptAsFailure: false },
    );
  });
});
