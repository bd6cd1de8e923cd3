// Acceptance: every fixture's events, applied in file order once (A) versus shuffled,
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
  ['wamid.HBgNNTIxMzMxNjQ4MDI3NRUCABEYEkIyQjJDM0I2NDA5MkU5MzQ0QwA=', '5213316480275'],
  ['wamid.HBgMMzUzODY3MDQxMjk1FQIAERgSM0I5RjZERUQxNDM4OUNBMkZEAA==', '353867041295'],
  ['wamid.HBgNNDkxNzY0MDI4NjE1MxUCABEYEkIzNjAzMjgwN0U2NzlEODA2OAA=', '4917640286153'],
  ['wamid.HBgLMzM3NDU4MTIwOTMVAgARGBI3MkVBRjFGRjE5OUNGNEVCQzcA', '33745812093'],
];

function recordReq(wamid: string, waId: string): ReqOf<'recordOutboundMessage'> {
  return {
    userId: '',
    recipient: { accountId: ACC_A, user: { waId, bsuid: '', parentBsuid: '', scopedId: '' } },
    wamid,
    clientId: '',
    content: MessageContent.fromPartial({ type: MessageType.TEXT, text: `Reminder for ${waId}` }),
    author: { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol' },
    sentAt: new Date(1793875500_000),
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
        h.mongo.cols[name] as unknown as {
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
            accountUser: {
              accountId: account,
              user: { waId, bsuid: '', parentBsuid: '', scopedId: '' },
            },
          },
        })
      ).user!;
    const msgs = async (userId: string) =>
      (await call(a.client, 'listMessages', { userId, pageSize: 200, pageToken: '', personId: '' }))
        .messages;

    const guadalupe = await get('5213316480275');
    expect(guadalupe.profile?.name).toBe('Guadalupe Ibáñez Peña');
    const mm = await msgs(guadalupe.id);
    const reminder = mm.find((m) => m.wamid.endsWith('A5MkU5MzQ0QwA='))!;
    expect(reminder.status).toBe(DeliveryStatus.READ);
    expect(reminder.statusTimes?.sentAt?.getTime()).toBe(1793875500_000);
    expect(reminder.statusTimes?.deliveredAt?.getTime()).toBe(1793875845_000);
    expect(reminder.statusTimes?.readAt?.getTime()).toBe(1793876790_000);
    expect(reminder.bizOpaqueCallbackData).toBe('case=50417;queue=billing');
    const edited = mm.find((m) => m.wamid.endsWith('Q2QUVEOEREAA=='))!;
    expect(edited.content?.text).toBe('Claro, ahí estaré el martes a las 16:30 🙌');
    expect(edited.edits.map((e) => e.previousText)).toEqual([
      'Claro, ahí estaré el martes a las 16:00 🙌',
    ]);
    expect(edited.context?.replyToMessageId).toBe(reminder.id);
    const revoked = mm.find((m) => m.wamid.endsWith('AzNjJCOTA1AA=='))!;
    expect(revoked.revoked).toBe(true);
    expect(guadalupe.lastMessage?.messageId).toBe(revoked.id);
    expect(guadalupe.lastMessage?.text).toBe('[deleted]');
    expect(revoked.content?.text).toBe('Uy, ese mensaje no era para ustedes 😅');

    const siobhan = await get('353867041295');
    const tm = await msgs(siobhan.id);
    const failed = tm.find((m) => m.wamid.endsWith('M4OUNBMkZEAA=='))!;
    expect(failed.status).toBe(DeliveryStatus.FAILED);
    expect(failed.errors[0]?.code).toBe(131047);
    expect(siobhan.counters?.failedDeliveries).toBe(1);
    const poll = tm.find((m) => m.content?.type === MessageType.UNSUPPORTED)!;
    expect(poll.content?.unsupportedType).toBe('poll_creation');
    expect(poll.rawJson).toContain('poll_creation');
    expect(poll.errors[0]?.code).toBe(131051);

    const karthik = await get('917760213984');
    expect(karthik.previousWaIds).toEqual(['919845012376']);
    expect((await get('919845012376')).id).toBe(karthik.id);
    expect(karthik.profile?.phoneE164).toBe('+917760213984');
    const pm = await msgs(karthik.id);
    const cards = pm.find((m) => m.content?.type === MessageType.CONTACTS)!;
    expect(cards.content?.contacts.map((c) => c.formattedName)).toEqual([
      'Prof. Lakshmi Venkatesh',
      'Anil',
    ]);
    await expect(get('919900417263')).rejects.toMatchObject({ code: 5 });

    const noName = await get('886912470385');
    expect(noName.profile?.name).toBeUndefined();
    const rafa = (
      await call(a.client, 'getUser', {
        lookup: {
          $case: 'accountUser',
          accountUser: {
            accountId: ACC_A,
            user: { waId: '', bsuid: 'BR.5092837461029384756', parentBsuid: '', scopedId: '' },
          },
        },
      })
    ).user!;
    expect(rafa.waId).toBe('');
    expect(rafa.profile?.username).toBe('@rafa.oliv');
    expect(rafa.profile?.phoneE164).toBeUndefined();

    const bjoernA = await get('4917640286153');
    const bjoernB = await get('4917640286153', '228844661100022');
    expect(bjoernB.id).not.toBe(bjoernA.id);
    const doc = (await msgs(bjoernA.id)).find((m) => m.content?.type === MessageType.DOCUMENT)!;
    expect(doc.content?.media?.mediaId).toBe('38815270463390217');
    expect(doc.direction).toBe(Direction.INBOUND);

    const kenta = await get('817034561289');
    const img = (await msgs(kenta.id)).find((m) => m.content?.type === MessageType.IMAGE)!;
    expect(img.content?.text).toBe('箱がつぶれて中身が割れていました 😢📦');
    const olena = await get('380503817264');
    expect(olena.referral?.ctwaClid).toMatch(/^ARBx/);
    expect(olena.referral?.sourceId).toBe('120215530981274466');
  });
});
