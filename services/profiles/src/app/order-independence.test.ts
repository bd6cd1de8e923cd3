// Property: any interleaving and repetition of a fixed set of deliveries (inbound messages,
// edits, revokes, reactions, statuses, a number change), some applied concurrently, ends in the
// state of applying each once in order (ADR 0008). On the in-memory fakes; the same property runs
// against the real server in test/order-independence.int.test.ts.
import { ActorKind } from '@ue/proto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFakePorts, type FakePorts } from '../../test/fakes.js';
import { applySchedule, DELIVERIES, REPLY, schedules, view } from '../../test/deliveries.js';
import { applyBatch } from './apply-batch.js';
import { recordOutbound } from './messages.js';

const AGENT = { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol' };

async function run(waves: number[][]) {
  const fx: FakePorts = createFakePorts();
  await recordOutbound(fx, REPLY, AGENT);
  await applySchedule(waves, (req) => applyBatch(fx, req));
  return view({
    users: fx.inspect.users(),
    messages: fx.inspect.messages(),
    orphans: fx.inspect.orphans(),
  });
}

describe('order independence (property)', () => {
  it('any interleaving with repeats ends as applying each delivery once, in order', async () => {
    const reference = await run(DELIVERIES.map((_, i) => [i]));
    expect(reference.users).toHaveLength(3);
    expect(reference.orphans).toHaveLength(1);
    await fc.assert(
      fc.asyncProperty(schedules, async (waves) => {
        expect(await run(waves)).toEqual(reference);
      }),
      { seed: 8008, numRuns: 200 },
    );
  });
});
