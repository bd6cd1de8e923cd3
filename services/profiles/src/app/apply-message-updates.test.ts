import {
  ActorKind,
  DeliveryStatus,
  MessageContent,
  MessageType,
  RecordOutboundMessageRequest,
  type WebhookEvent,
} from '@ue/proto';
import { describe, expect, it } from 'vitest';
import { createFakePorts, type FakePorts } from '../../test/fakes.js';
import {
  ACCOUNT,
  batch,
  edit,
  failed,
  inboundText,
  providerError,
  reaction,
  ref,
  revoke,
  status,
  t,
} from '../../test/events.js';
import { userIdFor } from '../domain/ids.js';
import { currentReactions, editHistory } from '../domain/message-views.js';
import { applyBatch } from './apply-batch.js';
import { recordOutbound } from './messages.js';

const AGENT = { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol' };
const ANA = ref('4915112345678');
const BEN = ref('447700900123');
const anaId = userIdFor(ACCOUNT, 'wa', ANA.waId);
const benId = userIdFor(ACCOUNT, 'wa', BEN.waId);

/** Record the agent's reply to Ana as sent with this wamid (what ingest does after sending). */
const recordReply = (fx: FakePorts, wamid: string, at: Date) =>
  recordOutbound(
    fx,
    RecordOutboundMessageRequest.fromPartial({
      recipient: { accountId: ACCOUNT, user: ANA },
      wamid,
      content: MessageContent.fromPartial({
        type: MessageType.TEXT,
        text: 'Ja, sie kommt morgen.',
      }),
      sentAt: at,
    }),
    AGENT,
  );

type Step = (fx: FakePorts) => Promise<unknown>;
const alone =
  (e: WebhookEvent): Step =>
  (fx) =>
    applyBatch(fx, batch(e));
const RECORD: Step = (fx) => recordReply(fx, 'wamid.O1', t(2));

const EDIT_A2 = edit('wamid.E1', ANA, 'wamid.A2', 'Danke! Um wie viel Uhr genau?', t(5));

/**
 * Two conversations: Ana writes, gets a reply (recorded outbound with statuses), writes again and
 * edits that, and reacts twice to the reply; Ben writes twice and deletes his second message.
 */
const EVENTS = [
  inboundText('wamid.A1', ANA, 'Ist meine Bestellung unterwegs?', t(1)),
  status('wamid.O1', DeliveryStatus.SENT, t(2)),
  status('wamid.O1', DeliveryStatus.DELIVERED, t(3)),
  inboundText('wamid.A2', ANA, 'Danke! Um wie viel Uhr?', t(4)),
  EDIT_A2,
  status('wamid.O1', DeliveryStatus.READ, t(6)),
  reaction('wamid.R1', ANA, 'wamid.O1', '👍', t(7)),
  reaction('wamid.R2', ANA, 'wamid.O1', '❤️', t(8)),
  inboundText('wamid.B1', BEN, 'Hello', t(1)),
  inboundText('wamid.B2', BEN, 'Wrong chat, sorry', t(2)),
  revoke('wamid.V1', BEN, 'wamid.B2', t(3)),
];
const STEPS: Step[] = [...EVENTS.map(alone), RECORD];

/** A deterministic shuffle (mulberry32), so a failing order can be replayed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let a = seed;
  const random = () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * What a reader of the API sees, independent of how the stored form was written: the text after
 * edits and the edit history (sorted by edit time), the current reaction per reactor, search
 * terms as a set.
 */
function view(fx: FakePorts) {
  const byId = <T extends { _id: string }>(a: T, b: T) => (a._id < b._id ? -1 : 1);
  const users = fx.inspect.users().map(({ searchTerms, ...u }) => ({
    ...u,
    searchTerms: [...searchTerms].sort(),
  }));
  const messages = fx.inspect.messages().map(({ editVersions, terms, reactionsBy, ...m }) => ({
    ...m,
    ...editHistory(m.originalText ?? '', editVersions ?? []),
    reactions: currentReactions(reactionsBy),
    terms: [...(terms ?? [])].sort(),
  }));
  return { users: users.sort(byId), messages: messages.sort(byId), orphans: fx.inspect.orphans() };
}

async function run(steps: Step[]) {
  const fx = createFakePorts();
  for (const step of steps) await step(fx);
  return view(fx);
}

const message = (v: Awaited<ReturnType<typeof run>>, wamid: string) =>
  v.messages.find((m) => m.wamid === wamid);
const user = (v: Awaited<ReturnType<typeof run>>, id: string) => v.users.find((u) => u._id === id);

describe('events about messages, in any order', () => {
  it('end in the state their provider times say, whatever the arrival order', async () => {
    const v = await run(STEPS);
    const ana = user(v, anaId)!;
    expect(ana.counters).toMatchObject({ inboundMessages: 2, outboundMessages: 1 });
    expect(ana.lastMessage).toMatchObject({ text: 'Danke! Um wie viel Uhr genau?' });
    expect(ana).toMatchObject({ needsReply: true, createdAt: t(1), lastInteractionAt: t(8) });
    expect(ana.serviceWindowExpiresAt).toEqual(new Date(t(4).getTime() + 24 * 3600_000));
    expect(message(v, 'wamid.A2')?.text).toBe('Danke! Um wie viel Uhr genau?');
    expect(message(v, 'wamid.A2')?.edits.map((e) => e.previousText)).toEqual([
      'Danke! Um wie viel Uhr?',
    ]);
    const reply = message(v, 'wamid.O1')!;
    expect(reply.status).toBe(DeliveryStatus.READ);
    expect(reply.reactions.map((r) => r.emoji)).toEqual(['❤️']);
    expect(reply.statusTimes).toMatchObject({ sentAt: t(2), deliveredAt: t(3), readAt: t(6) });
    const ben = user(v, benId)!;
    expect(ben.lastMessage?.text).toBe('[deleted]');
    expect(ben.counters?.inboundMessages).toBe(2);
    expect(message(v, 'wamid.B2')).toMatchObject({ revoked: true, revokedAt: t(3) });
    expect(v.orphans).toEqual([]);

    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) {
      expect(await run(shuffled(STEPS, seed)), `order of seed ${seed}`).toEqual(v);
    }
    // Every update before its message: each waits as an orphan first.
    expect(await run([...[...EVENTS].reverse().map(alone), RECORD])).toEqual(v);
  });

  it('end in the same state when events repeat, or arrive in one concurrent batch', async () => {
    const reference = await run(STEPS);
    const twice = STEPS.flatMap((s) => [s, s]);
    expect(await run(shuffled(twice, 42))).toEqual(reference);
    for (const seed of [7, 8, 9]) {
      const events = shuffled([...EVENTS, ...EVENTS], seed);
      const inOneBatch: Step = (fx) => applyBatch(fx, batch(...events));
      expect(await run([inOneBatch, RECORD]), `reply after, seed ${seed}`).toEqual(reference);
      expect(await run([RECORD, inOneBatch]), `reply first, seed ${seed}`).toEqual(reference);
    }
  });

  // A user created by RecordOutboundMessage (no WABA id in the request) learns it from the next
  // event, whatever arrived first.
  it('learn the WABA id whatever arrived first', async () => {
    const fx = createFakePorts();
    await recordReply(fx, 'wamid.O1', t(2));
    const first = inboundText('wamid.A1', ANA, 'Hallo', t(3));
    await applyBatch(fx, batch(first));
    expect((await fx.users.findById(anaId))?.wabaId).toBe(first.wabaId);
  });

  it('apply an update whose message is stored between reading it and keeping the orphan', async () => {
    const fx = createFakePorts();
    const message = inboundText('wamid.A2', ANA, 'Um wie viel Uhr?', t(4));
    let arrived = false;
    const racing: FakePorts = {
      ...fx,
      messages: {
        ...fx.messages,
        async findByWamid(accountId, wamid) {
          const found = await fx.messages.findByWamid(accountId, wamid);
          // A concurrent batch stores the message right after this read missed it.
          if (!arrived) {
            arrived = true;
            await applyBatch(fx, batch(message));
          }
          return found;
        },
      },
    };
    const res = await applyBatch(racing, batch(EDIT_A2));
    expect(res.orphaned).toBe(1);
    const [m] = fx.inspect.messages();
    expect(editHistory(m!.originalText!, m!.editVersions!).text).toBe(
      'Danke! Um wie viel Uhr genau?',
    );
    expect((await fx.users.findById(anaId))?.lastMessage?.text).toBe(
      'Danke! Um wie viel Uhr genau?',
    );
    expect(fx.inspect.orphans()).toEqual([]);
  });

  it('keep a status that arrives before its message and apply it once the message is recorded', async () => {
    const fx = createFakePorts();
    const res = await applyBatch(fx, batch(status('wamid.O9', DeliveryStatus.DELIVERED, t(3))));
    expect(res.orphaned).toBe(1);
    await recordReply(fx, 'wamid.O9', t(2));
    const [m] = fx.inspect.messages();
    expect(m).toMatchObject({
      status: DeliveryStatus.DELIVERED,
      statusTimes: { deliveredAt: t(3) },
    });
    expect(fx.inspect.orphans()).toEqual([]);
  });
});

describe('delivery statuses', () => {
  const reply = async (fx: FakePorts) => (await recordReply(fx, 'wamid.O1', t(1))).doc;
  const current = async (fx: FakePorts) => (await fx.messages.findByWamid(ACCOUNT, 'wamid.O1'))!;

  it('never move back: read stays read when delivered or sent arrive later', async () => {
    const fx = createFakePorts();
    await reply(fx);
    await applyBatch(fx, batch(status('wamid.O1', DeliveryStatus.READ, t(3))));
    const late = await applyBatch(
      fx,
      batch(
        status('wamid.O1', DeliveryStatus.DELIVERED, t(2)),
        status('wamid.O1', DeliveryStatus.SENT, t(1)),
        status('wamid.O1', DeliveryStatus.READ, t(9)),
      ),
    );
    // The late delivered is news (its time was not known), the rest changes nothing.
    expect(late).toMatchObject({ applied: 1, duplicates: 2 });
    const m = await current(fx);
    expect(m.status).toBe(DeliveryStatus.READ);
    expect(m.statusTimes).toMatchObject({ sentAt: t(1), deliveredAt: t(2), readAt: t(3) });
  });

  it('count a failure once however often it is reported, and let delivered evidence win', async () => {
    const fx = createFakePorts();
    await reply(fx);
    const err = providerError(131026, 'Message undeliverable');
    const fail = failed('wamid.O1', t(2), [err]);
    await applyBatch(fx, batch(fail, fail));
    await applyBatch(fx, batch(fail, status('wamid.O1', DeliveryStatus.SENT, t(3))));
    const m = await current(fx);
    expect(m.status).toBe(DeliveryStatus.FAILED);
    expect(m.errors).toEqual([err]);
    expect((await fx.users.findById(anaId))?.counters?.failedDeliveries).toBe(1);

    await applyBatch(fx, batch(status('wamid.O1', DeliveryStatus.DELIVERED, t(4)), fail));
    expect((await current(fx)).status).toBe(DeliveryStatus.DELIVERED);
    expect((await fx.users.findById(anaId))?.counters?.failedDeliveries).toBe(1);
  });
});
