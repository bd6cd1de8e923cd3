// Acceptance: every shared fixture's events, applied in file order once (A) versus shuffled,
// in random batches, twice, the second time concurrently (B), give the same full stored state.
import {
  ActorKind,
  DeliveryStatus,
  Direction,
  MessageContent,
  MessageType,
  type WebhookEvent,
} from '@ue/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureNames, loadFixture, type FixtureBatch } from './fixtures.js';
import { call, startHarness, type Harness, type ReqOf } from './harness.js';

const ACC_A = '117733559900011';
/** Our own outbound messages the fixtures' statuses refer to (recorded by an agent). */
const OUTBOUND: [string, string][] = [
  ['wamid.HBgNNTIxNTUxMjM0NTY3OBUCABEYEjJEOEFFMkM2NEU1REVGRDgxQQA=', '5215512345678'],
  ['wamid.HBgMMzUzODcxMjM0NTY3FQIAERgSQ0IzNjMxMzk1MDZBMjkwNEI0AA==', '353871234567'],
  ['wamid.HBgNNDkxNTExMjM0NTY3OBUCABEYEjU1MTcyQURBMjU1NkU2MTREQQA=', '4915112345678'],
  ['wamid.HBgLMzM2MTIzNDU2NzgVAgARGBI4MzgyQzRGOUFFN0Q0MzY2MkEA', '33612345678'],
];

function recordReq(wamid: string, waId: string): ReqOf<'recordOutboundMessage'> {
  return {
    userId: '',
    recipient: { accountId: ACC_A, user: { waId, bsuid: '', parentBsuid: '' } },
    wamid,
    clientId: '',
    content: MessageContent.fromPartial({ type: MessageType.TEXT, text: `Reminder for ${waId}` }),
    author: { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol' },
    sentAt: new Date(1794300000_000),
    bizOpaqueCallbackData: '',
  };
}

function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], rand: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i -= 1) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

type Step =
  | { kind: 'events'; events: WebhookEvent[] }
  | { kind: 'record'; wamid: string; waId: string }
  | { kind: 'delivery'; batch: FixtureBatch };

function canonical(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v))
    return v.map(canonical).sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1));
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (o._bsontype === 'Binary' || Buffer.isBuffer(v))
      return Buffer.from((o.buffer as Uint8Array | undefined) ?? (v as Buffer)).toString('hex');
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .filter((k) => !['receivedAt', 'storedAt', 'followUpsVersion'].includes(k))
        .map((k) => [k, canonical(o[k])]),
    );
  }
  return v;
}

async function snapshot(h: Harness): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const name of ['users', 'messages', 'orphans', 'identities', 'deliveries'] as const) {
    out[name] = canonical(
      await (
        h.app.cols[name] as unknown as {
          find(): { sort(s: object): { toArray(): Promise<unknown[]> } };
        }
      )
        .find()
        .sort({ _id: 1 })
        .toArray(),
    );
  }
  return out;
}

async function run(h: Harness, steps: Step[], concurrency: number): Promise<void> {
  let i = 0;
  const worker = async () => {
    while (i < steps.length) {
      const s = steps[i++]!;
      if (s.kind === 'events')
        await call(h.client, 'applyWebhookEvents', { events: s.events, deliveries: [] });
      else if (s.kind === 'record')
        await call(h.client, 'recordOutboundMessage', recordReq(s.wamid, s.waId));
      else
        await call(h.client, 'applyWebhookEvents', { events: [], deliveries: [s.batch.delivery] });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

let a: Harness;
let b: Harness;
const batches = fixtureNames().map(loadFixture);
beforeAll(async () => {
  [a, b] = await Promise.all([startHarness('replay_a'), startHarness('replay_b')]);
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

describe('replaying every fixture', () => {
  it('gives the same state in file order and shuffled, applied twice, concurrently', async () => {
    expect(batches.length).toBeGreaterThanOrEqual(28);
    for (const [wamid, waId] of OUTBOUND)
      await call(a.client, 'recordOutboundMessage', recordReq(wamid, waId));
    for (const batch of batches)
      await call(a.client, 'applyWebhookEvents', {
        events: batch.events,
        deliveries: [batch.delivery],
      });

    const rand = rng(20261110);
    const single: Step[] = [
      ...batches.flatMap((batch) =>
        batch.events.map((e): Step => ({ kind: 'events', events: [e] })),
      ),
      ...OUTBOUND.map(([wamid, waId]): Step => ({ kind: 'record', wamid, waId })),
      ...batches.map((batch): Step => ({ kind: 'delivery', batch })),
    ];
    await run(b, shuffle(single, rand), 1);
    const events = shuffle(
      batches.flatMap((x) => x.events),
      rand,
    );
    const chunks: Step[] = [];
    for (let i = 0; i < events.length; i += 3)
      chunks.push({ kind: 'events', events: events.slice(i, i + 3) });
    await run(b, [...chunks, ...shuffle(single, rand)], 4);

    const [sa, sb] = await Promise.all([snapshot(a), snapshot(b)]);
    expect(sb).toEqual(sa);
    expect((sa.messages as unknown[]).length).toBeGreaterThan(25);
  });

  it('stores what the fixture README says a correct receiver stores', async () => {
    const get = async (waId: string, account = ACC_A) =>
      (
        await call(a.client, 'getUser', {
          lookup: {
            $case: 'accountUser',
            accountUser: { accountId: account, user: { waId, bsuid: '', parentBsuid: '' } },
          },
        })
      ).user!;
    const msgs = async (userId: string) =>
      (await call(a.client, 'listMessages', { userId, pageSize: 200, pageToken: '' })).messages;

    const maria = await get('5215512345678');
    expect(maria.profile?.name).toBe('María José Núñez');
    const mm = await msgs(maria.id);
    const reminder = mm.find((m) => m.wamid.endsWith('U1REVGRDgxQQA='))!;
    expect(reminder.status).toBe(DeliveryStatus.READ);
    expect(reminder.statusTimes?.sentAt?.getTime()).toBe(1794300000_000);
    expect(reminder.statusTimes?.deliveredAt?.getTime()).toBe(1794300660_000);
    expect(reminder.statusTimes?.readAt?.getTime()).toBe(1794301170_000);
    expect(reminder.bizOpaqueCallbackData).toBe('ticket=88231;agent=42');
    const edited = mm.find((m) => m.wamid.endsWith('ZDM0VCNzdEAA=='))!;
    expect(edited.content?.text).toBe('Sí, confirmo la cita del jueves a las 11:00 👍');
    expect(edited.edits.map((e) => e.previousText)).toEqual([
      'Sí, confirmo la cita del jueves a las 10:30 👍',
    ]);
    expect(edited.context?.replyToMessageId).toBe(reminder.id);
    const revoked = mm.find((m) => m.wamid.endsWith('cyOUM4OTgzAA=='))!;
    expect(revoked.revoked).toBe(true);
    expect(maria.lastMessage?.messageId).toBe(revoked.id);
    expect(maria.lastMessage?.text).toBe('[deleted]');
    expect(revoked.content?.text).toBe('Perdón, era para otra persona 🙈');

    const tomas = await get('353871234567');
    const tm = await msgs(tomas.id);
    const failed = tm.find((m) => m.wamid.endsWith('ZBMjkwNEI0AA=='))!;
    expect(failed.status).toBe(DeliveryStatus.FAILED);
    expect(failed.errors[0]?.code).toBe(131047);
    expect(tomas.counters?.failedDeliveries).toBe(1);
    const poll = tm.find((m) => m.content?.type === MessageType.UNSUPPORTED)!;
    expect(poll.content?.unsupportedType).toBe('poll_creation');
    expect(poll.rawJson).toContain('poll_creation');
    expect(poll.errors[0]?.code).toBe(131051);

    const priya = await get('919812345670');
    expect(priya.previousWaIds).toEqual(['919876543210']);
    expect((await get('919876543210')).id).toBe(priya.id);
    expect(priya.profile?.phoneE164).toBe('+919812345670');
    const pm = await msgs(priya.id);
    const cards = pm.find((m) => m.content?.type === MessageType.CONTACTS)!;
    expect(cards.content?.contacts.map((c) => c.formattedName)).toEqual([
      'Dr. Ananya Iyer',
      'Rahul',
    ]);
    await expect(get('919840012345')).rejects.toMatchObject({ code: 5 });

    const noName = await get('447700900123');
    expect(noName.profile?.name).toBeUndefined();
    const lucas = (
      await call(a.client, 'getUser', {
        lookup: {
          $case: 'accountUser',
          accountUser: {
            accountId: ACC_A,
            user: { waId: '', bsuid: 'BR.8734521098765432101', parentBsuid: '' },
          },
        },
      })
    ).user!;
    expect(lucas.waId).toBe('');
    expect(lucas.profile?.username).toBe('@lucas.m');
    expect(lucas.profile?.phoneE164).toBeUndefined();

    const jurgenA = await get('4915112345678');
    const jurgenB = await get('4915112345678', '228844661100022');
    expect(jurgenB.id).not.toBe(jurgenA.id);
    const doc = (await msgs(jurgenA.id)).find((m) => m.content?.type === MessageType.DOCUMENT)!;
    expect(doc.content?.media?.mediaId).toBe('27251809591113344');
    expect(doc.direction).toBe(Direction.INBOUND);

    const aiko = await get('819012345678');
    const img = (await msgs(aiko.id)).find((m) => m.content?.type === MessageType.IMAGE)!;
    expect(img.content?.text).toBe('届いた商品が破損していました 📦💔');
    const kat = await get('380671234567');
    expect(kat.referral?.ctwaClid).toMatch(/^ARAk/);
    expect(kat.referral?.sourceId).toBe('120244556677889900');
  });
});
