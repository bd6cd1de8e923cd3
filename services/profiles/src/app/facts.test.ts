import type { AppError } from '@ue/kit';
import { ActorKind, ListFactsRequest, ListUsersRequest, UpsertFactsRequest } from '@ue/proto';
import { beforeEach, describe, expect, it } from 'vitest';
import { createFakePorts, type FakePorts } from '../../test/fakes.js';
import { ACCOUNT, batch, inboundText, ref, t } from '../../test/events.js';
import { userIdFor } from '../domain/ids.js';
import { applyBatch } from './apply-batch.js';
import { listFacts, upsertFacts } from './facts.js';
import { listUsers } from './users.js';

const AGENT = { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol' };
const MEI = ref('819012345678');
const userId = userIdFor(ACCOUNT, 'wa', MEI.waId);

let now: Date;
let fx: FakePorts;
beforeEach(async () => {
  now = t(0);
  fx = createFakePorts({ now: () => now });
  await applyBatch(fx, batch(inboundText('wamid.M1', MEI, 'こんにちは', t(0))));
});

type Input = { key: string; value?: string; retract?: boolean; confidence?: number };
/** Write facts at `minute` (the clock of the recording). */
async function write(minute: number, ...facts: Input[]) {
  now = t(minute);
  const req = UpsertFactsRequest.fromPartial({
    userId,
    facts: facts.map((f) => ({ confidence: 0.9, ...f })),
  });
  return upsertFacts(fx, req, AGENT);
}
const list = (q: Partial<ListFactsRequest> = {}) =>
  listFacts(fx, ListFactsRequest.fromPartial({ userId, ...q }));

describe('agent memory (facts)', () => {
  it('skips a version the counter hands out again (it fell behind after a database restart)', async () => {
    await write(1, { key: 'company', value: 'Acme' });
    const next = fx.facts.nextVersion.bind(fx.facts);
    let stale = true;
    fx.facts.nextVersion = async (u, k) => (stale ? ((stale = false), 1) : next(u, k));
    const [again] = await write(2, { key: 'company', value: 'Acme GmbH' });
    expect(again).toMatchObject({ version: 2, value: 'Acme GmbH' });
    expect((await list()).current).toMatchObject([{ key: 'company', version: 2 }]);
  });

  it('numbers the versions of a key 1, 2, 3; the current value is the newest', async () => {
    const versions = [
      ...(await write(1, { key: 'company', value: 'Acme' })),
      ...(await write(2, { key: 'company', value: 'Acme GmbH' }, { key: 'city', value: 'Kyoto' })),
      ...(await write(3, { key: 'company', value: 'Globex' })),
    ];
    expect(versions.map((f) => [f.key, f.version])).toEqual([
      ['company', 1],
      ['company', 2],
      ['city', 1],
      ['company', 3],
    ]);
    const { current, history } = await list();
    expect(current.map((f) => [f.key, f.value])).toEqual([
      ['city', 'Kyoto'],
      ['company', 'Globex'],
    ]);
    expect(history).toEqual([]);
    expect(current[1]).toMatchObject({ author: AGENT, recordedAt: t(3), version: 3 });
  });

  it('keeps every version as history and answers "as of" an earlier time', async () => {
    await write(1, { key: 'company', value: 'Acme' });
    await write(2, { key: 'company', value: 'Acme GmbH' });
    await write(3, { key: 'company', value: 'Globex' });
    const all = await list({ keys: ['company'], includeHistory: true });
    expect(all.history.map((f) => f.value)).toEqual(['Acme', 'Acme GmbH', 'Globex']);
    const then = await list({ asOf: t(2) });
    expect(then.current.map((f) => [f.value, f.version])).toEqual([['Acme GmbH', 2]]);
    expect((await list({ asOf: t(0) })).current).toEqual([]);
  });

  it('retracts with a new version: gone from the current view, kept in the history', async () => {
    await write(1, { key: 'budget', value: '5000 EUR' }, { key: 'city', value: 'Kyoto' });
    const [retraction] = await write(2, { key: 'budget', retract: true });
    expect(retraction).toMatchObject({ version: 2, retracted: true, value: '' });
    expect((await list()).current.map((f) => f.key)).toEqual(['city']);
    const withRetracted = await list({ includeRetracted: true, includeHistory: true });
    expect(withRetracted.current.map((f) => [f.key, f.retracted])).toEqual([
      ['budget', true],
      ['city', false],
    ]);
    expect(withRetracted.history.filter((f) => f.key === 'budget')).toHaveLength(2);
    expect((await list({ asOf: t(1) })).current.map((f) => f.key)).toEqual(['budget', 'city']);
  });

  it('makes fact values searchable in the user list', async () => {
    await write(1, { key: 'company', value: 'Globex Corporation' });
    const { docs } = await listUsers(fx, ListUsersRequest.fromPartial({ query: 'globex' }), 1000);
    expect(docs.map((u) => u._id)).toEqual([userId]);
  });

  it('refuses a bad request before writing any of it', async () => {
    const before = fx.inspect.snapshot();
    const refusal = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: unknown) => e as AppError,
      );
    const dup = write(1, { key: 'city', value: 'Kyoto' }, { key: 'city', value: 'Osaka' });
    expect(await refusal(dup)).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'facts[1].key' });
    const badKey = write(1, { key: 'company', value: 'Acme' }, { key: 'Bad Key', value: 'x' });
    expect(await refusal(badKey)).toMatchObject({ field: 'facts[1].key' });
    const unsure = write(1, { key: 'city', value: 'Kyoto', confidence: 1.5 });
    expect(await refusal(unsure)).toMatchObject({ field: 'facts[0].confidence' });
    expect(fx.inspect.snapshot()).toEqual(before);
  });
});
