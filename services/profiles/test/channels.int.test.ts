// Messenger and Instagram: users named by scoped ids, message updates on mids, watermarks in any
// order, echoes (ours and the page's), and SendMessage's window rules with the OutboundJob fields.
import { createHash } from 'node:crypto';
import { status as Code } from '@grpc/grpc-js';
import {
  ActorKind,
  Channel,
  DeliveryStatus,
  Direction,
  ListUsersRequest,
  MessageContent,
  MessageType,
  OUTBOUND_QUEUE,
  OutboundJob,
  type Message,
  type User,
  type UserRef,
  type WebhookEvent,
} from '@ue/proto';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  echo,
  edit,
  IG,
  inboundText,
  on,
  PAGE,
  reaction,
  referralSeen,
  revoke,
  scoped,
  seen,
  sendResult,
  t,
  watermark,
} from './events.js';
import { call, callError, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('channels');
});
afterAll(() => h.close());

const applyTo = (x: Harness, events: WebhookEvent[]) =>
  call(x.client, 'applyWebhookEvents', { events, deliveries: [] });
const apply = (...events: WebhookEvent[]) => applyTo(h, events);
const userOf = async (account: { accountId: string }, user: UserRef, x = h): Promise<User> =>
  (
    await call(x.client, 'getUser', {
      lookup: { $case: 'accountUser', accountUser: { accountId: account.accountId, user } },
    })
  ).user!;
const messagesOf = async (userId: string, x = h): Promise<Message[]> =>
  (await call(x.client, 'listMessages', { userId, pageSize: 200, pageToken: '', personId: '' }))
    .messages;
const byMid = async (userId: string, mid: string) =>
  (await messagesOf(userId)).find((m) => m.wamid === mid);
const text = (s: string) => MessageContent.fromPartial({ type: MessageType.TEXT, text: s });
const ago = (hours: number) => new Date(Date.now() - hours * 3_600_000);

describe('Messenger and Instagram identities', () => {
  it('are users named by their scoped ids, per account, found by id and by search', async () => {
    const lena = scoped('6100000000000001');
    const noor = scoped('17841400000000009');
    await apply(
      on(PAGE, seen(lena, 'Lena Hoffmann', t(0))),
      on(PAGE, inboundText('m_L1', lena, 'Habt ihr heute offen?', t(1))),
      on(IG, inboundText('m_N1', noor, 'hi! do you ship to Dubai?', t(1))),
      // A PSID is scoped to its page: the same digits on Instagram are another person.
      on(IG, inboundText('m_N2', lena, 'hello', t(2))),
    );
    const u = await userOf(PAGE, lena);
    expect(u).toMatchObject({
      accountId: PAGE.accountId,
      channel: Channel.MESSENGER,
      scopedId: '6100000000000001',
      sourcePlatform: 'messenger',
      waId: '',
      bsuid: '',
      // No phone on Messenger and Instagram.
      profile: { name: 'Lena Hoffmann', phoneE164: undefined },
      counters: { inboundMessages: 1 },
      needsReply: true,
    });
    const n = await userOf(IG, noor);
    expect(n).toMatchObject({ channel: Channel.INSTAGRAM, sourcePlatform: 'instagram' });
    const other = await userOf(IG, lena);
    expect(other.id).not.toBe(u.id);
    expect(other.channel).toBe(Channel.INSTAGRAM);
    const found = await call(
      h.client,
      'listUsers',
      ListUsersRequest.fromPartial({ query: '6100000000000001', pageSize: 10 }),
    );
    expect(found.users.map((x) => x.id).sort()).toEqual([u.id, other.id].sort());
  });

  it('react, unreact, edit and delete on mids like on WhatsApp', async () => {
    const marta = scoped('6100000000000002');
    await apply(
      on(PAGE, inboundText('m_M1', marta, 'Tisch für 4 um 19 Uhr?', t(10))),
      on(PAGE, echo('m_P1', marta, 'Gerne, bis heute Abend!', t(11))),
      on(PAGE, reaction('m_R1', marta, 'm_P1', '❤️', t(12))),
    );
    const u = await userOf(PAGE, marta);
    expect((await byMid(u.id, 'm_P1'))?.reactions.map((r) => r.emoji)).toEqual(['❤️']);
    await apply(
      on(PAGE, reaction('m_R2', marta, 'm_P1', '', t(13))),
      on(PAGE, edit('m_E1', marta, 'm_M1', 'Tisch für 5 um 19 Uhr?', t(14))),
      on(PAGE, inboundText('m_M2', marta, 'ups, falscher Chat', t(15))),
      on(PAGE, revoke('m_D1', marta, 'm_M2', t(16))),
    );
    const page = await byMid(u.id, 'm_P1');
    expect(page?.reactions).toEqual([]);
    const edited = await byMid(u.id, 'm_M1');
    expect(edited?.content?.text).toBe('Tisch für 5 um 19 Uhr?');
    expect(edited?.edits).toHaveLength(1);
    expect((await byMid(u.id, 'm_M2'))?.revoked).toBe(true);
    // The preview follows the delete of the newest message.
    expect((await userOf(PAGE, marta)).lastMessage?.text).toBe('[deleted]');
  });

  it('keep a referral without a message as the first attribution', async () => {
    const jo = scoped('6100000000000003');
    const ad = { sourceType: 'ad', sourceId: '120208', headline: 'Pasta night' };
    await apply(on(PAGE, referralSeen(jo, ad, t(20))));
    await apply(
      on(PAGE, referralSeen(jo, { sourceType: 'post', sourceId: '999' }, t(21))),
      on(PAGE, inboundText('m_J1', jo, 'Ist das Angebot noch da?', t(22))),
    );
    expect((await userOf(PAGE, jo)).referral).toMatchObject(ad);
  });
});

describe('echoes', () => {
  it('without our metadata are outbound messages from the page inbox', async () => {
    const kim = scoped('6100000000000004');
    await apply(on(PAGE, inboundText('m_K1', kim, 'Noch Plätze frei?', t(30))));
    const before = await userOf(PAGE, kim);
    const r = await apply(on(PAGE, echo('m_K2', kim, 'Ja, zwei!', t(31))));
    expect(r.applied).toBe(1);
    expect((await apply(on(PAGE, echo('m_K2', kim, 'Ja, zwei!', t(31))))).duplicates).toBe(1);
    const u = await userOf(PAGE, kim);
    const m = await byMid(u.id, 'm_K2');
    expect(m).toMatchObject({
      direction: Direction.OUTBOUND,
      status: DeliveryStatus.SENT,
      author: { kind: ActorKind.SYSTEM, id: 'page', displayName: 'Page inbox' },
    });
    expect(u.counters).toMatchObject({ inboundMessages: 1, outboundMessages: 1 });
    expect(u.lastOutboundAt).toEqual(t(31));
    expect(u.lastMessage?.text).toBe('Ja, zwei!');
    // An echo answers: no reply needed, and it does not extend the 24 h window.
    expect(u.needsReply).toBe(false);
    expect(u.serviceWindowExpiresAt).toEqual(before.serviceWindowExpiresAt);
  });
});

describe('watermarks', () => {
  /** Two outbound messages (t(41), t(43)) and one after both receipts (t(46)). */
  const messages = (to: UserRef) => [
    on(PAGE, echo(`m_W1${to.scopedId}`, to, 'one', t(41))),
    on(PAGE, echo(`m_W2${to.scopedId}`, to, 'two', t(43))),
    on(PAGE, echo(`m_W3${to.scopedId}`, to, 'three', t(46))),
  ];
  const receipts = (to: UserRef) => [
    on(PAGE, watermark(to, DeliveryStatus.DELIVERED, t(42))),
    on(PAGE, watermark(to, DeliveryStatus.READ, t(44))),
  ];
  const states = async (user: UserRef) => {
    const u = await userOf(PAGE, user);
    return (await messagesOf(u.id)).map((m) => ({
      mid: m.wamid.replace(user.scopedId, ''),
      status: m.status,
      times: m.statusTimes,
    }));
  };

  it('raise the messages they cover, before or after those are stored, to the same state', async () => {
    const a = scoped('6100000000000005');
    const b = scoped('6100000000000006');
    await apply(on(PAGE, inboundText('m_A0', a, 'hi', t(40))), ...messages(a));
    for (const r of receipts(a)) await apply(r);
    await apply(on(PAGE, inboundText('m_B0', b, 'hi', t(40))));
    for (const r of receipts(b)) await apply(r);
    await apply(...messages(b));
    const first = await states(a);
    expect(first.filter((m) => m.mid !== 'm_A0')).toEqual([
      { mid: 'm_W3', status: DeliveryStatus.SENT, times: { sentAt: t(46) } },
      {
        mid: 'm_W2',
        status: DeliveryStatus.READ,
        times: { sentAt: t(43), deliveredAt: t(44), readAt: t(44) },
      },
      {
        mid: 'm_W1',
        status: DeliveryStatus.READ,
        times: { sentAt: t(41), deliveredAt: t(42), readAt: t(44) },
      },
    ]);
    const norm = (xs: typeof first) => xs.filter((m) => !m.mid.endsWith('0'));
    expect(norm(await states(b))).toEqual(norm(first));
  });

  it('apply to a message an agent records after the receipt, by scoped id', async () => {
    const d = scoped('6100000000000008');
    await apply(on(PAGE, watermark(d, DeliveryStatus.READ, t(52))));
    const recorded = (accountId: string, mid: string) => ({
      userId: '',
      recipient: { accountId, user: d },
      wamid: mid,
      clientId: '',
      content: text('Ihr Tisch ist reserviert.'),
      author: { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol' },
      sentAt: t(51),
      bizOpaqueCallbackData: '',
    });
    const r = await call(h.client, 'recordOutboundMessage', recorded(PAGE.accountId, 'm_RC1'));
    expect(r.created).toBe(true);
    expect(r.message).toMatchObject({
      status: DeliveryStatus.READ,
      statusTimes: { readAt: t(52) },
    });
    expect((await userOf(PAGE, d)).id).toBe(r.message?.userId);
    // A scoped id names a user of a known Page or Instagram account only.
    const e = await callError(h.client, 'recordOutboundMessage', recorded('unknown-page', 'm_RC2'));
    expect(e.code).toBe(Code.INVALID_ARGUMENT);
    expect(e.details).toMatch(/^recipient\.user\.scoped_id: /);
  });

  it('count as duplicates when nothing rises', async () => {
    const c = scoped('6100000000000007');
    await apply(on(PAGE, echo('m_C1', c, 'hello', t(41))));
    const mark = on(PAGE, watermark(c, DeliveryStatus.READ, t(42)));
    expect(await apply(mark)).toMatchObject({ applied: 1, duplicates: 0 });
    expect(await apply(mark)).toMatchObject({ applied: 0, duplicates: 1 });
    // A delivery receipt after the read: the user's delivered mark is new once, the message
    // (read, delivered at t(42) already) does not change.
    const older = on(PAGE, watermark(c, DeliveryStatus.DELIVERED, t(42)));
    expect((await apply(older)).applied).toBe(1);
    expect((await apply(older)).duplicates).toBe(1);
  });
});

describe('a mixed Messenger event list', () => {
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
    const out = [...items];
    for (let i = out.length - 1; i > 0; i -= 1) {
      const j = Math.floor(rand() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
  const ana = scoped('6200000000000001');
  const ben = scoped('6200000000000002');
  const events = [
    on(PAGE, seen(ana, 'Ana Lima', t(0))),
    on(PAGE, referralSeen(ana, { sourceType: 'ad', sourceId: '77' }, t(0))),
    on(PAGE, inboundText('m_a1', ana, 'Oi, vocês entregam?', t(1))),
    on(PAGE, echo('m_p1', ana, 'Sim, até as 22h.', t(2))),
    on(PAGE, reaction('m_r1', ana, 'm_p1', '👍', t(3))),
    on(PAGE, reaction('m_r2', ana, 'm_p1', '😍', t(4))),
    on(PAGE, watermark(ana, DeliveryStatus.DELIVERED, t(3))),
    on(PAGE, watermark(ana, DeliveryStatus.READ, t(5))),
    on(PAGE, inboundText('m_a2', ana, 'Perfeito, obrigado', t(6))),
    on(PAGE, edit('m_e1', ana, 'm_a2', 'Perfeito, obrigada!', t(7))),
    on(PAGE, seen(ben, 'Ben', t(1))),
    on(PAGE, seen(ben, 'Ben Okafor', t(8))),
    on(PAGE, inboundText('m_b1', ben, 'Is the kitchen open?', t(8))),
    on(PAGE, echo('m_p2', ben, 'Until 11 pm.', t(9))),
    on(PAGE, echo('m_p3', ben, 'See you!', t(11))),
    on(PAGE, watermark(ben, DeliveryStatus.READ, t(10))),
    on(PAGE, inboundText('m_b2', ben, 'oops', t(12))),
    on(PAGE, revoke('m_d1', ben, 'm_b2', t(13))),
  ];

  /** Users and their conversations as the contract shows them, without arrival times. */
  async function state(x: Harness) {
    const out = [];
    for (const user of [ana, ben]) {
      const u = await userOf(PAGE, user, x);
      const ms = (await messagesOf(u.id, x)).map(({ receivedAt: _r, ...m }) => m);
      out.push({ user: u, messages: ms });
    }
    return out;
  }

  it('ends the same in file order and shuffled in random batches, applied twice', async () => {
    const other = await startHarness('channels_replay');
    try {
      for (const e of events) await applyTo(h, [e]);
      const rand = rng(14);
      for (const pass of [1, 2]) {
        const order = shuffle(events, rand);
        while (order.length) await applyTo(other, order.splice(0, 1 + Math.floor(rand() * 4)));
        expect(await state(other), `pass ${pass}`).toEqual(await state(h));
      }
      const [a] = await state(h);
      expect(a!.messages.find((m) => m.wamid === 'm_p1')).toMatchObject({
        status: DeliveryStatus.READ,
        reactions: [{ emoji: '😍' }],
      });
    } finally {
      await other.close();
    }
  });
});

describe('SendMessage on Messenger and Instagram', () => {
  const AGENT = { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol' };
  const ADMIN = { kind: ActorKind.ADMIN, id: 'ana', displayName: 'Ana' };
  const send = (userId: string, author = AGENT, content = text('Olá!')) =>
    call(h.client, 'sendMessage', {
      userId,
      content,
      author,
      clientId: '',
      replyToMessageId: '',
    });
  const refused = (userId: string, author = AGENT, content = text('Olá!')) =>
    callError(h.client, 'sendMessage', {
      userId,
      content,
      author,
      clientId: '',
      replyToMessageId: '',
    });
  const wrote = async (account: typeof PAGE, id: string, hours: number) => {
    await apply(on(account, inboundText(`m_in_${id}`, scoped(id), 'hi', ago(hours))));
    return (await userOf(account, scoped(id))).id;
  };

  it('answer within 24 h, let a person answer with HUMAN_AGENT for 7 days, and queue the fields', async () => {
    const queue = new Queue(OUTBOUND_QUEUE, {
      prefix: h.bullPrefix,
      connection: { url: h.redisUrl },
    });
    try {
      const fresh = await wrote(PAGE, '6300000000000001', 1);
      const r = await send(fresh);
      expect(r.tag).toBe('');
      const job = OutboundJob.fromJSON((await queue.getJob(r.message!.id))?.data);
      expect(job).toMatchObject({
        messageId: r.message!.id,
        accountId: PAGE.accountId,
        channel: Channel.MESSENGER,
        toScopedId: '6300000000000001',
        toWaId: '',
        toBsuid: '',
        tag: '',
      });

      const late = await wrote(IG, '6300000000000002', 30);
      const agent = await refused(late);
      expect(agent.code).toBe(Code.FAILED_PRECONDITION);
      expect(agent.details).toBe(
        'outside the 24 h window; a person may answer for 7 days with the HUMAN_AGENT tag',
      );
      const human = await send(late, ADMIN);
      expect(human.tag).toBe('HUMAN_AGENT');
      const tagged = OutboundJob.fromJSON((await queue.getJob(human.message!.id))?.data);
      expect(tagged).toMatchObject({ channel: Channel.INSTAGRAM, tag: 'HUMAN_AGENT' });

      const gone = await wrote(PAGE, '6300000000000003', 8 * 24);
      for (const author of [AGENT, ADMIN])
        expect((await refused(gone, author)).code).toBe(Code.FAILED_PRECONDITION);
    } finally {
      await queue.close();
    }
  });

  it('refuses templates, naming the content', async () => {
    const u = await wrote(PAGE, '6300000000000004', 1);
    const template = MessageContent.fromPartial({
      type: MessageType.TEMPLATE,
      template: { name: 'order_update', language: 'en' },
    });
    const e = await refused(u, ADMIN, template);
    expect(e.code).toBe(Code.INVALID_ARGUMENT);
    expect(e.details).toMatch(/^content: /);
  });

  it('takes our echo as the send result in either order: one message with that mid', async () => {
    const id = '6300000000000005';
    const u = await wrote(PAGE, id, 1);
    const x = (await send(u)).message!;
    const y = (await send(u, AGENT, text('Mais alguma coisa?'))).message!;
    // x: the send result first, then the echo; y: the echo first, a read receipt before either.
    await apply(on(PAGE, sendResult(x.id, { wamid: 'm_SX' }, new Date())));
    const echoX = on(PAGE, echo('m_SX', scoped(id), 'Olá!', new Date(), `ue:${x.id}`));
    expect((await apply(echoX)).duplicates).toBe(1);
    await apply(on(PAGE, watermark(scoped(id), DeliveryStatus.READ, new Date(Date.now() + 1000))));
    const echoY = on(PAGE, echo('m_SY', scoped(id), 'Mais?', new Date(), `ue:${y.id}`));
    expect((await apply(echoY)).applied).toBe(1);
    const late = await apply(on(PAGE, sendResult(y.id, { wamid: 'm_SY' }, new Date())));
    expect(late.duplicates).toBe(1);
    const all = await messagesOf(u);
    expect(
      all
        .filter((m) => m.direction === Direction.OUTBOUND)
        .map((m) => m.wamid)
        .sort(),
    ).toEqual(['m_SX', 'm_SY']);
    expect(all.find((m) => m.wamid === 'm_SY')?.status).toBe(DeliveryStatus.READ);
    expect(all.find((m) => m.wamid === 'm_SX')?.status).toBe(DeliveryStatus.READ);
    expect(all.some((m) => m.author?.id === 'page')).toBe(false);
    expect((await userOf(PAGE, scoped(id))).counters?.outboundMessages).toBe(2);
  });
});

describe('erasing a Messenger user', () => {
  it('removes its raw deliveries and links: the same PSID writing again is a new user', async () => {
    const zoe = scoped('6400000000000001');
    const body = Buffer.from(
      JSON.stringify({
        object: 'page',
        entry: [
          {
            id: PAGE.accountId,
            messaging: [{ sender: { id: zoe.scopedId }, message: { mid: 'm_Z1', text: 'Hallo' } }],
          },
        ],
      }),
    );
    await call(h.client, 'applyWebhookEvents', {
      events: [on(PAGE, inboundText('m_Z1', zoe, 'Hallo', t(60)))],
      deliveries: [{ sha256: '', body, receivedAt: t(60), provider: 'messenger' }],
    });
    const sha = createHash('sha256').update(body).digest('hex');
    expect(await h.mongo.cols.deliveries.countDocuments({ _id: sha })).toBe(1);
    const u = await userOf(PAGE, zoe);
    await call(h.client, 'eraseUser', {
      userId: u.id,
      actor: { kind: ActorKind.ADMIN, id: 'ana', displayName: 'Ana' },
      reason: 'asked to be forgotten',
    });
    expect(await h.mongo.cols.deliveries.countDocuments({ _id: sha })).toBe(0);
    const found = await call(
      h.client,
      'listUsers',
      ListUsersRequest.fromPartial({ query: zoe.scopedId, pageSize: 10 }),
    );
    expect(found.users).toEqual([]);
    await apply(on(PAGE, inboundText('m_Z2', zoe, 'Wieder da', t(61))));
    const again = await userOf(PAGE, zoe);
    expect(again.id).not.toBe(u.id);
    expect(again.counters?.inboundMessages).toBe(1);
  });
});
