// Two profiles processes on one database, fed the same overlapping batches at once, shuffled and
// repeated: the final state is exact. Nothing in-process can coordinate two processes, so this
// holds only because every write is an atomic operator, a guarded update or a transaction.
import {
  ActorKind,
  DeliveryStatus,
  MessageContent,
  MessageType,
  type WebhookEvent,
} from '@ue/proto';
import { testMongoUrl, uniqueName } from '@ue/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, edit, inboundText, reaction, ref, seen, status, t } from './events.js';
import { call, type ReqOf } from './harness.js';
import { startProfilesProcess, type ProfilesProcess } from './process.js';

const USERS = 12;
const INBOUND = 6;
const OUTBOUND = 2;
const EMOJIS = ['👍', '😂', '❤️'];

const waIdOf = (u: number) => `4917650${String(u).padStart(5, '0')}`;
const inWamid = (u: number, k: number) => `wamid.two-proc-in-${u}-${k}`;
const outWamid = (u: number, k: number) => `wamid.two-proc-out-${u}-${k}`;
/** Per user: outbound at minutes 0–1, statuses 2–7, reactions 7–9, inbound 10–15, edit 60. */
const outAt = (u: number, k: number) => t(u * 100 + k);
const inAt = (u: number, k: number) => t(u * 100 + 10 + k);

type Step =
  { kind: 'events'; events: WebhookEvent[] } | { kind: 'record'; user: number; k: number };

function workload(): Step[] {
  const events: WebhookEvent[] = [];
  const records: Step[] = [];
  for (let u = 0; u < USERS; u++) {
    const user = ref(waIdOf(u));
    events.push(seen(user, `Two Proc ${u}`, inAt(u, 0)));
    for (let k = 0; k < INBOUND; k++)
      events.push(inboundText(inWamid(u, k), user, `message ${k} from ${u}`, inAt(u, k)));
    // The newest message is edited: the user's preview must show the edited text.
    events.push(
      edit(`wamid.two-proc-edit-${u}`, user, inWamid(u, INBOUND - 1), `edited ${u}`, inAt(u, 50)),
    );
    for (let k = 0; k < OUTBOUND; k++) {
      records.push({ kind: 'record', user: u, k });
      for (const [i, s] of [
        DeliveryStatus.SENT,
        DeliveryStatus.DELIVERED,
        DeliveryStatus.READ,
      ].entries())
        events.push(status(outWamid(u, k), s, t(u * 100 + 2 + k * 3 + i)));
    }
    // Three reactions by the user on our first message (before its last message): the newest by
    // provider time wins.
    EMOJIS.forEach((emoji, i) =>
      events.push(
        reaction(`wamid.two-proc-react-${u}-${i}`, user, outWamid(u, 0), emoji, inAt(u, i - 3)),
      ),
    );
  }
  return [...chunks(events, 5).map((e): Step => ({ kind: 'events', events: e })), ...records];
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function shuffled<T>(items: T[], seed: number): T[] {
  let s = seed;
  const rand = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

function recordReq(u: number, k: number): ReqOf<'recordOutboundMessage'> {
  return {
    userId: '',
    recipient: { accountId: ACCOUNT, user: ref(waIdOf(u)) },
    wamid: outWamid(u, k),
    clientId: '',
    content: MessageContent.fromPartial({ type: MessageType.TEXT, text: `reminder ${k} for ${u}` }),
    author: { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol' },
    sentAt: outAt(u, k),
    bizOpaqueCallbackData: '',
  };
}

/** Run the steps through one process with a few concurrent callers. */
async function feed(p: ProfilesProcess, steps: Step[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < steps.length) {
      const s = steps[next++]!;
      if (s.kind === 'events')
        await call(p.client, 'applyWebhookEvents', { events: s.events, deliveries: [] });
      else await call(p.client, 'recordOutboundMessage', recordReq(s.user, s.k));
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

let a: ProfilesProcess;
let b: ProfilesProcess;
beforeAll(async () => {
  const mongoUrl = testMongoUrl('two_processes');
  const label = uniqueName('two_proc');
  // One after the other: both create the same indexes on an empty database.
  a = await startProfilesProcess(mongoUrl, label);
  b = await startProfilesProcess(mongoUrl, label);
}, 60_000);
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

describe('two profiles processes on one database', () => {
  it('apply overlapping, shuffled, repeated batches at once and end exact', async () => {
    const steps = workload();
    // Each process gets every step twice, in its own order, both at the same time.
    await Promise.all([
      feed(a, shuffled([...steps, ...steps], 1)),
      feed(b, shuffled([...steps, ...steps], 2)),
    ]);
    for (let u = 0; u < USERS; u++) {
      const { user } = await call(a.client, 'getUser', {
        lookup: { $case: 'accountUser', accountUser: { accountId: ACCOUNT, user: ref(waIdOf(u)) } },
      });
      expect(user?.counters, `user ${u}`).toEqual({
        inboundMessages: INBOUND,
        outboundMessages: OUTBOUND,
        failedDeliveries: 0,
        openFollowUps: 0,
      });
      expect(user?.profile?.name).toBe(`Two Proc ${u}`);
      expect(user?.createdAt).toEqual(outAt(u, 0));
      expect(user?.lastInboundAt).toEqual(inAt(u, INBOUND - 1));
      expect(user?.lastOutboundAt).toEqual(outAt(u, OUTBOUND - 1));
      expect(user?.lastInteractionAt).toEqual(inAt(u, INBOUND - 1));
      expect(user?.lastMessage?.text).toBe(`edited ${u}`);
      expect(user?.needsReply).toBe(true);

      const { messages } = await call(b.client, 'listMessages', {
        userId: user!.id,
        pageSize: 50,
        pageToken: '',
        personId: '',
      });
      expect(messages).toHaveLength(INBOUND + OUTBOUND);
      const outbound = messages.filter((m) => m.wamid.startsWith('wamid.two-proc-out-'));
      expect(outbound.map((m) => m.status)).toEqual([DeliveryStatus.READ, DeliveryStatus.READ]);
      const first = outbound.find((m) => m.wamid === outWamid(u, 0));
      expect(first?.reactions.map((r) => r.emoji)).toEqual([EMOJIS.at(-1)]);
      const edited = messages.find((m) => m.wamid === inWamid(u, INBOUND - 1));
      expect(edited?.content?.text).toBe(`edited ${u}`);
      expect(edited?.edits).toHaveLength(1);
    }
  }, 120_000);
});
