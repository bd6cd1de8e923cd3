// Messages: monotonic statuses in every order, exact counters under concurrent batches,
// reactions, outbound recording and sending, and keyset pages under concurrent inserts.
import { status as Code } from '@grpc/grpc-js';
import {
  ActorKind,
  DeliveryStatus,
  MessageContent,
  MessageType,
  OUTBOUND_QUEUE,
  OutboundJob,
  WebhookEvent,
} from '@ue/proto';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, inboundText, reaction, ref, seen, status, t } from './events.js';
import { call, callError, startHarness, type Harness, type ReqOf } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('messages');
});
afterAll(() => h.close());

const apply = (events: WebhookEvent[]) =>
  call(h.client, 'applyWebhookEvents', { events, deliveries: [] });
const userOf = async (waId: string) =>
  (
    await call(h.client, 'getUser', {
      lookup: { $case: 'accountUser', accountUser: { accountId: ACCOUNT, user: ref(waId) } },
    })
  ).user!;
const text = (s: string) => MessageContent.fromPartial({ type: MessageType.TEXT, text: s });

function record(
  wamid: string,
  waId: string,
  extra: Partial<ReqOf<'recordOutboundMessage'>> = {},
): ReqOf<'recordOutboundMessage'> {
  return {
    userId: '',
    recipient: { accountId: ACCOUNT, user: ref(waId) },
    wamid,
    clientId: '',
    content: text(`out ${wamid}`),
    author: { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol' },
    sentAt: t(0),
    bizOpaqueCallbackData: '',
    ...extra,
  };
}

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) =>
    permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]),
  );
}

describe('delivery statuses', () => {
  it('end at the highest state with every transition time, in every order, with repeats and orphans', async () => {
    const steps = [
      { s: DeliveryStatus.SENT, at: t(1) },
      { s: DeliveryStatus.DELIVERED, at: t(2) },
      { s: DeliveryStatus.READ, at: t(3) },
    ];
    let n = 0;
    for (const order of permutations(steps)) {
      n += 1;
      const wamid = `wamid.S${n}`;
      // Half the cases see statuses before the message is recorded (orphans that attach later).
      if (n % 2 === 0)
        await call(
          h.client,
          'recordOutboundMessage',
          record(wamid, '4917000000001', { sentAt: undefined }),
        );
      for (const step of [...order, order[0]!]) await apply([status(wamid, step.s, step.at)]);
      if (n % 2 === 1)
        await call(
          h.client,
          'recordOutboundMessage',
          record(wamid, '4917000000001', { sentAt: undefined }),
        );
      const m = (
        await call(h.client, 'listMessages', {
          userId: (await userOf('4917000000001')).id,
          pageSize: 50,
          pageToken: '',
          personId: '',
        })
      ).messages.find((x) => x.wamid === wamid)!;
      expect(m.status, `order ${order.map((o) => o.s).join(',')}`).toBe(DeliveryStatus.READ);
      expect(m.statusTimes?.deliveredAt).toEqual(t(2));
      expect(m.statusTimes?.readAt).toEqual(t(3));
    }
  });

  it('keeps failed only when nothing better was seen, with the error', async () => {
    await call(h.client, 'recordOutboundMessage', record('wamid.F1', '4917000000002'));
    await call(h.client, 'recordOutboundMessage', record('wamid.F2', '4917000000002'));
    const fail = (w: string, at: Date) =>
      WebhookEvent.fromPartial({
        accountId: ACCOUNT,
        occurredAt: at,
        event: {
          $case: 'status',
          status: {
            wamid: w,
            status: DeliveryStatus.FAILED,
            errors: [{ code: 131047, title: 'Re-engagement message' }],
          },
        },
      });
    await apply([fail('wamid.F1', t(5)), status('wamid.F1', DeliveryStatus.SENT, t(4))]);
    await apply([status('wamid.F2', DeliveryStatus.DELIVERED, t(6)), fail('wamid.F2', t(5))]);
    const u = await userOf('4917000000002');
    const ms = (
      await call(h.client, 'listMessages', {
        userId: u.id,
        pageSize: 10,
        pageToken: '',
        personId: '',
      })
    ).messages;
    const f1 = ms.find((m) => m.wamid === 'wamid.F1')!;
    expect(f1.status).toBe(DeliveryStatus.FAILED);
    expect(f1.errors.map((e) => e.code)).toEqual([131047]);
    expect(f1.statusTimes?.failedAt).toEqual(t(5));
    expect(ms.find((m) => m.wamid === 'wamid.F2')!.status).toBe(DeliveryStatus.DELIVERED);
    expect(u.counters?.failedDeliveries).toBe(2);
  });
});

describe('concurrency', () => {
  it('keeps counters, last times and preview exact under concurrent overlapping batches', async () => {
    const from = ref('4917000000003');
    const all = Array.from({ length: 30 }, (_, i) =>
      inboundText(`wamid.K${i}`, from, `msg ${i}`, t(10 + i)),
    );
    const batches = Array.from({ length: 8 }, (_, b) => all.filter((_, i) => (i + b) % 3 !== 0));
    const results = await Promise.all(batches.map((events) => apply(events)));
    expect(results.reduce((a, r) => a + r.applied, 0)).toBe(30);
    const u = await userOf('4917000000003');
    expect(u.counters?.inboundMessages).toBe(30);
    expect(u.lastInboundAt).toEqual(t(39));
    expect(u.lastMessage?.text).toBe('msg 29');
    expect(u.needsReply).toBe(true);
    expect(u.serviceWindowExpiresAt).toEqual(new Date(t(39).getTime() + 86_400_000));
  });
});

describe('profile names', () => {
  it('keeps the name seen latest by provider time, whatever the arrival order', async () => {
    const who = ref('4917000000008');
    await apply([seen(who, 'Newer Name', t(20)), seen(who, 'Older Name', t(10))]);
    await apply([seen(who, 'Older Name', t(10))]);
    expect((await userOf('4917000000008')).profile?.name).toBe('Newer Name');
    await apply([seen(who, 'Newest Name', t(30))]);
    expect((await userOf('4917000000008')).profile?.name).toBe('Newest Name');
  });
});

describe('reactions', () => {
  it('keeps one current reaction per reactor, newest by provider time, in any order', async () => {
    const from = ref('4917000000004');
    await apply([inboundText('wamid.R0', from, 'react to me', t(0))]);
    await apply([
      reaction('wamid.R2', from, 'wamid.R0', '', t(2)),
      reaction('wamid.R1', from, 'wamid.R0', '❤️', t(1)),
    ]);
    const u = await userOf('4917000000004');
    let m = (
      await call(h.client, 'listMessages', {
        userId: u.id,
        pageSize: 5,
        pageToken: '',
        personId: '',
      })
    ).messages[0]!;
    expect(m.reactions).toEqual([]);
    await apply([
      reaction('wamid.R3', from, 'wamid.R0', '👍', t(3)),
      reaction('wamid.R1', from, 'wamid.R0', '❤️', t(1)),
    ]);
    m = (
      await call(h.client, 'listMessages', {
        userId: u.id,
        pageSize: 5,
        pageToken: '',
        personId: '',
      })
    ).messages[0]!;
    expect(m.reactions.map((r) => r.emoji)).toEqual(['👍']);
  });
});

describe('outbound', () => {
  it('records idempotently by wamid and by client id', async () => {
    const a = await call(h.client, 'recordOutboundMessage', record('wamid.O1', '4917000000005'));
    const b = await call(h.client, 'recordOutboundMessage', record('wamid.O1', '4917000000005'));
    expect(a.created).toBe(true);
    expect(b.created).toBe(false);
    expect(b.message?.id).toBe(a.message?.id);
    const c1 = await call(
      h.client,
      'recordOutboundMessage',
      record('', '4917000000005', { clientId: 'carol-42' }),
    );
    const c2 = await call(
      h.client,
      'recordOutboundMessage',
      record('', '4917000000005', { clientId: 'carol-42' }),
    );
    expect(c2.message?.id).toBe(c1.message?.id);
    expect((await userOf('4917000000005')).counters?.outboundMessages).toBe(2);
    const bad = await callError(h.client, 'recordOutboundMessage', record('', '4917000000005'));
    expect(bad.code).toBe(Code.INVALID_ARGUMENT);
    expect(bad.details).toMatch(/^wamid:/);
  });

  it("keeps the provider's callback data from a later status of a recorded message", async () => {
    const sent = (wamid: string) => {
      const ev = status(wamid, DeliveryStatus.SENT, t(1));
      if (ev.event?.$case === 'status')
        ev.event.status.bizOpaqueCallbackData = 'ticket=88231;agent=42';
      return ev;
    };
    // Recorded first, statuses later; and statuses first (kept as orphans), recorded later.
    await call(h.client, 'recordOutboundMessage', record('wamid.CB1', '4917000000006'));
    await apply([sent('wamid.CB1'), status('wamid.CB1', DeliveryStatus.DELIVERED, t(2))]);
    await apply([sent('wamid.CB2'), status('wamid.CB2', DeliveryStatus.DELIVERED, t(2))]);
    await call(h.client, 'recordOutboundMessage', record('wamid.CB2', '4917000000006'));
    const page = await call(h.client, 'listMessages', {
      userId: (await userOf('4917000000006')).id,
      pageSize: 10,
      pageToken: '',
      personId: '',
    });
    for (const wamid of ['wamid.CB1', 'wamid.CB2']) {
      const msg = page.messages.find((m) => m.wamid === wamid);
      expect(msg?.status).toBe(DeliveryStatus.DELIVERED);
      expect(msg?.bizOpaqueCallbackData).toBe('ticket=88231;agent=42');
    }
  });

  it('sends: refuses free text outside the window, queues a job, and follows send results', async () => {
    const queue = new Queue(OUTBOUND_QUEUE, {
      prefix: h.bullPrefix,
      connection: { url: h.redisUrl },
    });
    try {
      const from = ref('4917000000006');
      await apply([inboundText('wamid.W1', from, 'hi', new Date(Date.now() - 25 * 3600_000))]);
      const u = await userOf('4917000000006');
      const req = {
        userId: u.id,
        content: text('Hello!'),
        author: { kind: ActorKind.ADMIN, id: 'ana', displayName: 'Ana' },
        clientId: 'ui-1',
        replyToMessageId: '',
      };
      const closed = await callError(h.client, 'sendMessage', req);
      expect(closed.code).toBe(Code.FAILED_PRECONDITION);
      expect(closed.details).toContain('24 h');
      const tpl = await call(h.client, 'sendMessage', {
        ...req,
        clientId: 'ui-tpl',
        content: MessageContent.fromPartial({
          type: MessageType.TEMPLATE,
          template: { name: 'follow_up', language: 'en' },
        }),
      });
      expect(tpl.message?.status).toBe(DeliveryStatus.PENDING);

      await apply([inboundText('wamid.W2', from, 'still there?', new Date())]);
      const sent = await call(h.client, 'sendMessage', req);
      const again = await call(h.client, 'sendMessage', req);
      expect(again.message?.id).toBe(sent.message?.id);
      const job = await queue.getJob(sent.message!.id);
      const payload = OutboundJob.fromJSON(job?.data);
      expect(payload).toMatchObject({
        messageId: sent.message!.id,
        accountId: ACCOUNT,
        toWaId: '4917000000006',
      });
      expect(payload.content?.text).toBe('Hello!');
      expect((await userOf('4917000000006')).needsReply).toBe(false);

      const result = (wamid: string, errors: { code: number; title: string }[] = []) =>
        WebhookEvent.fromPartial({
          accountId: ACCOUNT,
          occurredAt: new Date(),
          event: {
            $case: 'sendResult',
            sendResult: { messageId: sent.message!.id, wamid, errors },
          },
        });
      await apply([status('wamid.SENT1', DeliveryStatus.DELIVERED, new Date())]);
      await apply([result('wamid.SENT1')]);
      const after = (
        await call(h.client, 'listMessages', {
          userId: u.id,
          pageSize: 10,
          pageToken: '',
          personId: '',
        })
      ).messages.find((m) => m.id === sent.message!.id)!;
      expect(after.wamid).toBe('wamid.SENT1');
      expect(after.status).toBe(DeliveryStatus.DELIVERED);
      await apply([
        WebhookEvent.fromPartial({
          accountId: ACCOUNT,
          occurredAt: new Date(),
          event: {
            $case: 'sendResult',
            sendResult: {
              messageId: tpl.message!.id,
              errors: [{ code: 132001, title: 'Template does not exist' }],
            },
          },
        }),
      ]);
      const failed = (
        await call(h.client, 'listMessages', {
          userId: u.id,
          pageSize: 10,
          pageToken: '',
          personId: '',
        })
      ).messages.find((m) => m.id === tpl.message!.id)!;
      expect(failed.status).toBe(DeliveryStatus.FAILED);
      expect(failed.errors[0]?.code).toBe(132001);
    } finally {
      await queue.close();
    }
  });
});

describe('keyset pagination', () => {
  it('never skips or repeats while newer messages arrive concurrently', async () => {
    const from = ref('4917000000007');
    const initial = Array.from({ length: 23 }, (_, i) =>
      inboundText(`wamid.P${i}`, from, `p ${i}`, t(100 + i)),
    );
    await apply(initial);
    const u = await userOf('4917000000007');
    const seen: string[] = [];
    let token = '';
    let k = 0;
    do {
      const page = await call(h.client, 'listMessages', {
        userId: u.id,
        personId: '',
        pageSize: 4,
        pageToken: token,
      });
      seen.push(...page.messages.map((m) => m.wamid));
      // Newer messages land between page fetches.
      await apply([inboundText(`wamid.N${k}`, from, `new ${k}`, t(500 + k))]);
      k += 1;
      token = page.nextPageToken;
    } while (token);
    const original = seen.filter((w) => w.startsWith('wamid.P'));
    expect(original).toEqual(initial.map((_, i) => `wamid.P${22 - i}`));
    expect(new Set(seen).size).toBe(seen.length);
    const bad = await callError(h.client, 'listMessages', {
      userId: u.id,
      personId: '',
      pageSize: 4,
      pageToken: 'not-a-token',
    });
    expect(bad.details).toBe('page_token: malformed or foreign page token');
    const big = await callError(h.client, 'listMessages', {
      userId: u.id,
      pageSize: 500,
      pageToken: '',
      personId: '',
    });
    expect(big.details).toBe('page_size: must be between 1 and 200');
  });
});
