// Acceptance (issue 14): Messenger and Instagram fixtures replayed in any order, twice, give the
// same final state. Every fixture is posted through the real signed webhook endpoints to a real
// ingest and a real profiles: once in order; then in two shuffled orders, every fixture twice
// (the second copy on the other Meta route: either route takes either object) and some a third
// time at once (concurrent duplicates). Users and messages, with their statuses, reactions,
// edits and deletions, must come out identical.
import { Channel, DeliveryStatus, Direction, type Message, type User } from '@ue/proto';
import { beforeAll, describe, expect, it } from 'vitest';
import { drained, postMeta } from './helpers.js';
import { allMetaFixtures, metaFixture, type MetaFolder } from './meta-fixtures.js';
import { startPipeline, type Pipeline } from './pipeline.js';

type Delivery = [MetaFolder, string];

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

const other = (f: MetaFolder): MetaFolder => (f === 'messenger' ? 'instagram' : 'messenger');

/** Post in groups of four at once, like a provider with several connections open. */
async function postAll(p: Pipeline, deliveries: Array<Delivery & { route?: MetaFolder }>) {
  for (let i = 0; i < deliveries.length; i += 4) {
    await Promise.all(
      deliveries.slice(i, i + 4).map(async (d) => {
        const [folder, name] = d;
        const res = await postMeta(p.ingest.url, {
          route: d.route ?? folder,
          body: metaFixture(folder, name),
        });
        expect(res.status, `${folder}/${name}`).toBe(200);
      }),
    );
  }
  await drained(p.queue, 60_000);
}

// Fields that record when or under which random id profiles stored something, not what was sent.
const VOLATILE = new Set([
  'id',
  'userId',
  'messageId',
  'personId',
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

interface Snapshot {
  users: User[];
  messages: Map<string, Message[]>;
  normalized: unknown[];
}

async function snapshot(p: Pipeline): Promise<Snapshot> {
  const users = (await p.client.users()).sort((a, b) =>
    `${a.accountId}|${a.scopedId}`.localeCompare(`${b.accountId}|${b.scopedId}`),
  );
  const messages = new Map<string, Message[]>();
  const normalized = [];
  for (const u of users) {
    const list = (await p.client.messages(u.id)).sort((a, b) => a.wamid.localeCompare(b.wamid));
    messages.set(u.scopedId, list);
    normalized.push({ user: normalize(u), messages: list.map(normalize) });
  }
  return { users, messages, normalized };
}

/** Start a fresh stack, post, read the final state, stop (one stack at a time: two cores). */
async function run(label: string, deliveries: Array<Delivery & { route?: MetaFolder }>) {
  const p = await startPipeline(label, { INGEST_ROLES: 'http,webhook-worker' });
  try {
    await postAll(p, deliveries);
    const counts = await p.queue.getJobCounts('completed', 'failed');
    return { snap: await snapshot(p), counts };
  } finally {
    await p.stop();
  }
}

const ALL = allMetaFixtures();
const twiceShuffled = (seed: number) => {
  const copies = [
    ...ALL.map((d): Delivery & { route?: MetaFolder } => d),
    ...ALL.map((d) => Object.assign([...d] as Delivery, { route: other(d[0]) })),
  ];
  const order = shuffled(copies, seed);
  // Every fifth delivery is also sent a third time in the same group (concurrent duplicates).
  return order.flatMap((d, i) => (i % 5 === 0 ? [d, d] : [d]));
};

let once: Awaited<ReturnType<typeof run>>;
let replays: Array<Awaited<ReturnType<typeof run>>>;

beforeAll(async () => {
  once = await run('ingest_meta_once', ALL);
  replays = [];
  for (const seed of [20261106, 7])
    replays.push(await run(`ingest_meta_${seed}`, twiceShuffled(seed)));
}, 600_000);

describe('Messenger and Instagram fixtures, replayed', () => {
  it('once in order: every delivery applied, none dead-lettered', () => {
    // Identical bytes on either Meta route are one delivery (one job id).
    expect(once.counts).toEqual({ completed: ALL.length, failed: 0 });
    expect(once.snap.users).toHaveLength(11);
  });

  it('in two shuffled orders, every fixture twice, with duplicates: the same final state', () => {
    expect(replays.map((r) => r.counts)).toEqual(
      replays.map(() => ({ completed: ALL.length, failed: 0 })),
    );
    expect(replays.map((r) => r.snap.normalized)).toEqual(replays.map(() => once.snap.normalized));
  });
  it('and that state is what the fixtures say (README): statuses, reactions, edits, deletions', () => {
    const { users, messages } = once.snap;
    expect(users.map((u) => [u.channel, u.scopedId])).toEqual([
      ...[1, 2, 3, 4, 5, 6, 7].map((n) => [Channel.MESSENGER, `650000000000000${n}`]),
      ...[1, 2, 3, 4].map((n) => [Channel.INSTAGRAM, `770000000000000${n}`]),
    ]);
    const count = [...messages.values()].reduce((n, l) => n + l.length, 0);
    expect(count).toBe(33);

    const lena = messages.get('6500000000000001')!;
    const text = (t: string) => lena.find((m) => m.content?.text.startsWith(t))!;
    const echo1 = text('Ja, samstags');
    const echo2 = text('Gern geschehen');
    expect([echo1.direction, echo1.status, echo1.reactions]).toEqual([
      Direction.OUTBOUND,
      DeliveryStatus.READ,
      [],
    ]);
    expect([echo2.direction, echo2.status]).toEqual([Direction.OUTBOUND, DeliveryStatus.READ]);
    const first = text('Hallo! Habt ihr');
    expect(first.content?.text).toContain('wechseln und auswuchten');
    expect(first.edits.map((e) => e.previousText)).toEqual([
      'Hallo! Habt ihr am Samstag geöffnet? Ich würde gern die Winterreifen wechseln lassen 🙂',
    ]);
    expect(text('Perfekt, bis Samstag!').revoked).toBe(true);

    const jonas = messages.get('6500000000000002')!;
    expect(jonas.filter((m) => m.wamid.includes('#')).map((m) => m.wamid.slice(-2))).toEqual([
      '#2',
      '#3',
    ]);

    const sofia = messages.get('7700000000000001')!;
    const igEcho = sofia.find((m) => m.direction === Direction.OUTBOUND)!;
    expect([igEcho.status, igEcho.reactions]).toEqual([DeliveryStatus.READ, []]);

    const marta = users.find((u) => u.scopedId === '6500000000000004')!;
    expect(marta.referral).toMatchObject({ sourceType: 'ad', sourceId: '120210000000000001' });
  });
});
