// A crash between storing a message and counting it on its user must not lose the count: the
// writer is killed (SIGKILL) while it holds the first step and waits on the second, and the retry
// through a fresh process ends exact. The second step is made to wait by an open transaction of
// the test's own that holds the user's document.
import { status as Code, type ServiceError } from '@grpc/grpc-js';
import { testMongoUrl, uniqueName } from '@ue/testing';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, inboundText, ref, t } from './events.js';
import { call } from './harness.js';
import { startProfilesProcess, type ProfilesProcess } from './process.js';

const user = ref('4917655500001');
const batch = (k: number) => ({
  events: [inboundText(`wamid.crash-window-${k}`, user, `message ${k}`, t(k))],
  deliveries: [],
});

let mongo: MongoClient;
let mongoUrl: string;
let label: string;
let lifetime: number;
const running: ProfilesProcess[] = [];

async function setTransactionLifetime(seconds: number): Promise<void> {
  await mongo.db('admin').command({ setParameter: 1, transactionLifetimeLimitSeconds: seconds });
}

beforeAll(async () => {
  mongoUrl = testMongoUrl('crash_window');
  label = uniqueName('crash_window');
  mongo = await new MongoClient(mongoUrl).connect();
  const got = await mongo
    .db('admin')
    .command({ getParameter: 1, transactionLifetimeLimitSeconds: 1 });
  lifetime = Number(got.transactionLifetimeLimitSeconds);
});
afterAll(async () => {
  await setTransactionLifetime(lifetime).catch(() => undefined);
  await Promise.all(running.map((p) => p.stop('SIGKILL')));
  await mongo?.db().dropDatabase();
  await mongo?.close();
});

async function start(): Promise<ProfilesProcess> {
  const p = await startProfilesProcess(mongoUrl, label);
  running.push(p);
  return p;
}

const lookup = {
  lookup: { $case: 'accountUser' as const, accountUser: { accountId: ACCOUNT, user } },
};

describe('a crash between storing a message and counting it', () => {
  it('loses no count: the retry after a SIGKILL ends exact', async () => {
    const first = await start();
    await call(first.client, 'applyWebhookEvents', batch(1));
    const before = (await call(first.client, 'getUser', lookup)).user!;
    expect(before.counters?.inboundMessages).toBe(1);

    // Hold the user's document in an open transaction: profiles can store message 2 but cannot
    // write the user until this transaction ends.
    const blocker = mongo.startSession();
    blocker.startTransaction();
    await mongo
      .db()
      .collection<{ _id: string }>('users')
      .updateOne({ _id: before.id }, { $set: { heldByTest: true } }, { session: blocker });
    const pending = call(first.client, 'applyWebhookEvents', batch(2)).then(
      () => undefined,
      (e: ServiceError) => e,
    );
    // Until the message is visible (a writer without a transaction stored it and now waits on
    // the user), or long enough for the writer to be inside its transaction.
    const messages = mongo.db().collection('messages');
    const deadline = Date.now() + 1500;
    while (Date.now() < deadline && (await messages.countDocuments()) < 2)
      await new Promise((r) => setTimeout(r, 50));
    await first.stop('SIGKILL');
    const failed = await pending;
    expect(failed?.code).toBe(Code.UNAVAILABLE);
    await blocker.abortTransaction();
    await blocker.endSession();
    // The killed writer's own open transaction is reaped by the server after this lifetime.
    await setTransactionLifetime(1);

    // The sender (ingest) retries the same batch, here through a new process.
    const second = await start();
    await call(second.client, 'applyWebhookEvents', batch(2));
    await call(second.client, 'applyWebhookEvents', batch(2));
    const after = (await call(second.client, 'getUser', lookup)).user!;
    expect(after.counters?.inboundMessages).toBe(2);
    expect(after.lastMessage?.text).toBe('message 2');
    expect(after.lastInboundAt).toEqual(t(2));
    expect(await messages.countDocuments({ userId: before.id })).toBe(2);
  }, 90_000);
});
