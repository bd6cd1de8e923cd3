// Acceptance: the provider retries, duplicates and reorders. Posting every fixture twice, in a
// shuffled order, must leave profiles in exactly the state of posting each once, in order.
import { ActorKind, MessageContent, MessageType, type Message, type User } from '@ue/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_SECRET, drained, fixture, fixtureNames, postWebhook, signBody } from './helpers.js';
import { startPipeline, type Pipeline } from './pipeline.js';

type Stack = Pipeline;

const stacks: Stack[] = [];

async function startStack(label: string): Promise<Stack> {
  const stack = await startPipeline(label);
  stacks.push(stack);
  return stack;
}

/** Deterministic shuffle (mulberry32), so a failure can be reproduced. */
function shuffled<T>(items: T[], seed: number): T[] {
  let a = seed;
  const rand = (): number => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

async function postAll(stack: Stack, names: string[]): Promise<void> {
  // A few at a time, like a provider with several connections open.
  for (let i = 0; i < names.length; i += 4) {
    await Promise.all(
      names.slice(i, i + 4).map(async (name) => {
        const body = fixture(name);
        const res = await postWebhook(stack.ingest.url, body, signBody(body, APP_SECRET));
        expect(res.status, name).toBe(200);
      }),
    );
  }
  await drained(stack.queue);
}

async function recordOurMessages(stack: Stack): Promise<void> {
  const sends = [
    ['5213316480275', 'wamid.HBgNNTIxMzMxNjQ4MDI3NRUCABEYEkIyQjJDM0I2NDA5MkU5MzQ0QwA=', 1793875800],
    ['353867041295', 'wamid.HBgMMzUzODY3MDQxMjk1FQIAERgSM0I5RjZERUQxNDM4OUNBMkZEAA==', 1793880070],
    ['817034561289', 'wamid.HBgMODE3MDM0NTYxMjg5FQIAERgSRjA0NjMxNDE2RUVFMzdGMzUxAA==', 1793879140],
  ] as const;
  for (const [waId, wamid, sentAt] of sends) {
    await stack.client.record({
      recipient: {
        accountId: '117733559900011',
        user: { waId, bsuid: '', parentBsuid: '', scopedId: '' },
      },
      wamid,
      content: MessageContent.fromPartial({
        type: MessageType.TEXT,
        text: `our message ${wamid.slice(-6)}`,
      }),
      author: { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol' },
      sentAt: new Date(sentAt * 1000),
    });
  }
}

// Fields that record when profiles happened to store something, not what was sent.
const VOLATILE = new Set([
  'id',
  'userId',
  'messageId',
  'receivedAt',
  'createdAt',
  'updatedAt',
  'replyToMessageId',
]);

function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalize);
  if (v instanceof Date || v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v)
      .filter(([k]) => !VOLATILE.has(k))
      .map(([k, x]) => [k, normalize(x)]),
  );
}

async function snapshot(stack: Stack): Promise<unknown[]> {
  const users: User[] = await stack.client.users();
  users.sort((a, b) =>
    `${a.accountId}|${a.waId}|${a.bsuid}`.localeCompare(`${b.accountId}|${b.waId}|${b.bsuid}`),
  );
  const out = [];
  for (const u of users) {
    const messages: Message[] = await stack.client.messages(u.id);
    out.push({
      user: normalize(u),
      messages: messages.sort((a, b) => a.wamid.localeCompare(b.wamid)).map(normalize),
    });
  }
  return out;
}

let inOrder: unknown[];
let replayed: unknown[];

beforeAll(async () => {
  const [once, twice] = await Promise.all([
    startStack('ingest_order_once'),
    startStack('ingest_order_twice'),
  ]);
  const names = fixtureNames();
  await postAll(once, names);
  await postAll(twice, shuffled([...names, ...names], 20261121));
  await Promise.all([recordOurMessages(once), recordOurMessages(twice)]);
  [inOrder, replayed] = await Promise.all([snapshot(once), snapshot(twice)]);
}, 180_000);

afterAll(async () => {
  for (const s of stacks) await s.stop();
});

describe('duplicates and disorder', () => {
  it('every fixture twice, shuffled, gives the same users, messages, statuses and reactions as once in order', () => {
    expect(inOrder).toHaveLength(13);
    const messages = (inOrder as Array<{ messages: unknown[] }>).reduce(
      (n, u) => n + u.messages.length,
      0,
    );
    expect(messages).toBe(27 + 3); // inbound chat messages in the fixtures + our three sends
    expect(replayed).toEqual(inOrder);
  });

  it('an identical retry is queued once: the second copy of each body adds no job', async () => {
    const [, twice] = stacks;
    const counts = await twice!.queue.getJobCounts('completed', 'failed');
    expect(counts).toEqual({ completed: fixtureNames().length, failed: 0 });
  });
});
