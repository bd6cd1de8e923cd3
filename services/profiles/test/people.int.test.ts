// People over real gRPC against the MongoDB-wire server: the same phone on WhatsApp numbers of
// one business joins one person (any arrival order, never across businesses, not with the rule
// off), LinkIdentities / UnlinkIdentities restore every identity exactly, splits, suggestions,
// validation, idempotency, the person timeline and lists grouped by person.
import { status as Code } from '@grpc/grpc-js';
import {
  ActorKind,
  Channel,
  EventKind,
  LogEntryKind,
  MessageContent,
  MessageType,
  PersonRule,
  WebhookEvent,
  type ExportUserResponse,
  type Person,
  type ProfilesServiceClient,
  type User,
} from '@ue/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillPersonIds } from '../src/adapters/mongo/people-repo.js';
import { newAccountRecord } from '../src/app/new-account.js';
import { samePhonePersonId } from '../src/domain/person.js';
import { inboundText, on, PAGE, ref, scoped, t } from './events.js';
import { auth, call, callError, startHarness, type Harness, type ReqOf } from './harness.js';

let h: Harness;
let c: ProfilesServiceClient;
beforeAll(async () => {
  h = await startHarness('people');
  c = h.client;
});
afterAll(() => h.close());

/** Two numbers of one business (WABA 1), one of another (WABA 2). */
const WABA_1 = '300000000000001';
const WABA_2 = '300000000000002';
const NUM_A = { accountId: '400000000000001', wabaId: WABA_1 };
const NUM_B = { accountId: '400000000000002', wabaId: WABA_1 };
const NUM_C = { accountId: '400000000000003', wabaId: WABA_2 };
const NUM_C2 = { accountId: '400000000000004', wabaId: WABA_2 };

type Num = typeof NUM_A;
const admin = { kind: ActorKind.ADMIN, id: 'ana', displayName: 'Ana Admin' };
let seq = 0;

function inbound(num: Num, waId: string, text: string, at: Date): WebhookEvent {
  seq += 1;
  return WebhookEvent.fromPartial({
    ...num,
    occurredAt: at,
    event: {
      $case: 'inboundMessage',
      inboundMessage: {
        wamid: `wamid.P${seq}.${waId}`,
        from: ref(waId),
        content: MessageContent.fromPartial({ type: MessageType.TEXT, text }),
      },
    },
  });
}

const apply = (...events: WebhookEvent[]) =>
  call(c, 'applyWebhookEvents', { events, deliveries: [] });
const userOf = async (num: Num, waId: string): Promise<User> =>
  (
    await call(c, 'getUser', {
      lookup: {
        $case: 'accountUser',
        accountUser: { accountId: num.accountId, user: ref(waId) },
      },
    })
  ).user!;
const getUser = async (id: string) =>
  (await call(c, 'getUser', { lookup: { $case: 'id', id } })).user!;
const personOfUser = async (userId: string): Promise<Person> =>
  (await call(c, 'getPerson', { lookup: { $case: 'userId', userId } })).person!;
const personById = async (personId: string): Promise<Person> =>
  (await call(c, 'getPerson', { lookup: { $case: 'personId', personId } })).person!;

const link = (userIds: string[], extra: Partial<ReqOf<'linkIdentities'>> = {}) =>
  call(c, 'linkIdentities', {
    userIds,
    actor: admin,
    reason: 'customer said so',
    rule: PersonRule.UNSPECIFIED,
    clientId: '',
    ...extra,
  });
const unlinkLink = (linkId: string, reason = 'joined by mistake') =>
  call(c, 'unlinkIdentities', { target: { $case: 'linkId', linkId }, actor: admin, reason });
const split = (userId: string, reason = 'not the same customer') =>
  call(c, 'unlinkIdentities', { target: { $case: 'userId', userId }, actor: admin, reason });

/** Every message of a listing, page by page (next = older). */
async function allMessages(q: { userId?: string; personId?: string }, pageSize: number) {
  const ids: string[] = [];
  let pageToken = '';
  for (let i = 0; i < 50; i += 1) {
    const r = await call(c, 'listMessages', {
      userId: q.userId ?? '',
      personId: q.personId ?? '',
      pageSize,
      pageToken,
    });
    expect(r.messages.length).toBeLessThanOrEqual(pageSize);
    ids.push(...r.messages.map((m) => m.id));
    if (!r.nextPageToken) return ids;
    pageToken = r.nextPageToken;
  }
  throw new Error('too many pages');
}

describe('the same phone on WhatsApp numbers of one business', () => {
  it('joins one automatic person in either arrival order, and in one batch', async () => {
    await apply(inbound(NUM_A, '4915100000001', 'hi on A', t(0)));
    await apply(inbound(NUM_B, '4915100000001', 'hi on B', t(1)));
    await apply(inbound(NUM_B, '4915100000002', 'hi on B', t(0)));
    await apply(inbound(NUM_A, '4915100000002', 'hi on A', t(1)));
    await apply(
      inbound(NUM_A, '4915100000003', 'both at once', t(0)),
      inbound(NUM_B, '4915100000003', 'both at once', t(0)),
    );
    for (const waId of ['4915100000001', '4915100000002', '4915100000003']) {
      const [a, b] = [await userOf(NUM_A, waId), await userOf(NUM_B, waId)];
      expect(a.id).not.toBe(b.id);
      expect(a.personId).toBe(samePhonePersonId(WABA_1, `+${waId}`));
      expect(b.personId).toBe(a.personId);
      const p = await personById(a.personId);
      expect(p.identities.map((u) => u.id).sort()).toEqual([a.id, b.id].sort());
      // The rule's joins are shown, one per identity, attributed to the rules.
      const auto = p.links.filter((l) => l.rule === PersonRule.SAME_PHONE);
      expect(auto.map((l) => l.id).sort()).toEqual([`auto:${a.id}`, `auto:${b.id}`].sort());
      expect(auto[0]!.by).toMatchObject({ kind: ActorKind.SYSTEM, id: 'rules' });
      expect(auto[0]!.reason).toBe(
        `same phone +49…${waId.slice(-3)} on WhatsApp numbers of one business`,
      );
    }
  });

  it('never joins across businesses, and suggests the shared phone instead', async () => {
    await apply(
      inbound(NUM_A, '4915100000011', 'on A', t(0)),
      inbound(NUM_C, '4915100000011', 'on C', t(1)),
    );
    const [a, other] = [await userOf(NUM_A, '4915100000011'), await userOf(NUM_C, '4915100000011')];
    expect(a.personId).not.toBe(other.personId);
    const p = await personOfUser(a.id);
    expect(p.identities.map((u) => u.id)).toEqual([a.id]);
    expect(p.links).toEqual([]); // one identity: no automatic join to show
    expect(p.suggestions).toEqual([
      {
        userId: other.id,
        personId: other.personId,
        rule: PersonRule.PHONE_IN_FACTS,
        reason: '+49…011: profile on WhatsApp +49…011, profile on WhatsApp +49…011',
      },
    ]);
  });

  it("follows the business an account's document names", async () => {
    const x = { accountId: '400000000000021', wabaId: '300000000000021' };
    const y = { accountId: '400000000000022', wabaId: '300000000000022' };
    // Two WABAs an admin filed under one business (UpdateAccount business_id).
    for (const num of [x, y]) {
      const a = { ...num, channel: Channel.WHATSAPP, display: '' };
      await h.mongo.cols.accounts.insertOne({
        ...newAccountRecord(a, t(0)),
        businessId: 'biz-shops',
      });
    }
    await apply(
      inbound(x, '4915100000021', 'on x', t(0)),
      inbound(y, '4915100000021', 'on y', t(0)),
    );
    const [ux, uy] = [await userOf(x, '4915100000021'), await userOf(y, '4915100000021')];
    expect(ux.personId).toBe(samePhonePersonId('biz-shops', '+4915100000021'));
    expect(uy.personId).toBe(ux.personId);
  });

  it('settles an identity created before anything named its business, whatever came first', async () => {
    // An agent records a message to a number on an account no webhook has named yet.
    const early = { accountId: '400000000000031', wabaId: WABA_1 };
    const recorded = await call(c, 'recordOutboundMessage', {
      userId: '',
      recipient: { accountId: early.accountId, user: ref('4915100000032') },
      wamid: 'wamid.EARLY1',
      clientId: '',
      content: MessageContent.fromPartial({ type: MessageType.TEXT, text: 'Ihre Bestellung' }),
      author: { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol' },
      sentAt: t(0),
      bizOpaqueCallbackData: '',
    });
    const before = await getUser(recorded.message!.userId);
    expect(before.personId).toBe(samePhonePersonId(early.accountId, '+4915100000032'));
    // Its first webhook names the WABA: it moves where that webhook would have created it, and
    // joins the same phone on another number of the business.
    await apply(
      inbound(early, '4915100000032', 'danke', t(1)),
      inbound(NUM_A, '4915100000032', 'hier auch', t(2)),
    );
    const settled = samePhonePersonId(WABA_1, '+4915100000032');
    expect((await getUser(before.id)).personId).toBe(settled);
    expect((await personById(settled)).identities).toHaveLength(2);
    expect(await h.mongo.cols.identities.countDocuments({ personPending: true })).toBe(0);
  });

  it('does not join with PEOPLE_SAME_PHONE_JOIN=false', async () => {
    const off = await startHarness('people_off', { samePhoneJoin: false });
    try {
      const events = [NUM_A, NUM_B].map((num) => inbound(num, '4915100000031', 'hi', t(0)));
      await call(off.client, 'applyWebhookEvents', { events, deliveries: [] });
      const users = await Promise.all(
        [NUM_A, NUM_B].map(async (num) => {
          const r = await call(off.client, 'getUser', {
            lookup: {
              $case: 'accountUser',
              accountUser: { accountId: num.accountId, user: ref('4915100000031') },
            },
          });
          return r.user!;
        }),
      );
      expect(users.map((u) => u.personId)).toEqual(users.map((u) => `p-${u.id}`));
    } finally {
      await off.close();
    }
  });
});

describe('PEOPLE_SUGGEST', () => {
  it('suggests only the contacts it names, and ListAccounts says which rules run', async () => {
    const only = await startHarness('people_suggest', { suggest: { email: true, phone: false } });
    try {
      const events = [
        inbound(NUM_A, '4915100000041', 'hi', t(0)),
        inbound(NUM_A, '4915100000042', 'hello', t(1)),
        inbound(NUM_A, '4915100000043', 'hey', t(2)),
      ];
      await call(only.client, 'applyWebhookEvents', { events, deliveries: [] });
      const ids = await Promise.all(
        ['4915100000041', '4915100000042', '4915100000043'].map(async (waId) => {
          const r = await call(only.client, 'getUser', {
            lookup: {
              $case: 'accountUser',
              accountUser: { accountId: NUM_A.accountId, user: ref(waId) },
            },
          });
          return r.user!.id;
        }),
      );
      const fact = (userId: string, key: string, value: string) =>
        call(only.client, 'upsertFacts', {
          userId,
          author: { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol' },
          facts: [{ key, value, confidence: 1, sourceMessageId: '', retract: false }],
        });
      // The second names the first's phone, the third shares an email with the first.
      await fact(ids[1]!, 'phone', '+49 151 00000041');
      await fact(ids[0]!, 'email', 'same@example.com');
      await fact(ids[2]!, 'email', 'same@example.com');
      const p = (
        await call(only.client, 'getPerson', { lookup: { $case: 'userId', userId: ids[0]! } })
      ).person!;
      expect(p.suggestions.map((x) => [x.userId, x.rule])).toEqual([
        [ids[2], PersonRule.SAME_EMAIL],
      ]);
      const { peopleRules } = await call(only.client, 'listAccounts', { channel: 0 });
      expect(peopleRules).toEqual({
        samePhoneJoin: true,
        suggestSameEmail: true,
        suggestPhoneInFacts: false,
      });
    } finally {
      await only.close();
    }
  });
});

describe('LinkIdentities and UnlinkIdentities', () => {
  /** What an identity looks like from outside: the user, its messages, facts and log. */
  async function snapshot(userId: string) {
    const [user, messages, facts, log] = await Promise.all([
      getUser(userId),
      call(c, 'listMessages', { userId, personId: '', pageSize: 200, pageToken: '' }),
      call(c, 'listFacts', {
        userId,
        keys: [],
        includeHistory: true,
        asOf: undefined,
        includeRetracted: true,
      }),
      call(c, 'listLogEntries', {
        userId,
        kinds: [],
        states: [],
        overdueOnly: false,
        dueBefore: undefined,
        accountId: '',
        pageSize: 200,
        pageToken: '',
      }),
    ]);
    return { user, messages: messages.messages, facts, log: log.entries };
  }
  const withoutLinks = (p: Person) => ({ ...p, links: [] });

  it('restores exactly the prior state of every identity, and is recorded both ways', async () => {
    // A: one identity of its own; B and B2: one phone on two numbers of business 2.
    await apply(
      inbound(NUM_A, '4915100000041', 'A one', t(10)),
      inbound(NUM_A, '4915100000041', 'A two', t(13)),
      inbound(NUM_A, '4915100000041', 'A three', t(16)),
      inbound(NUM_C, '4915100000042', 'B one', t(11)),
      inbound(NUM_C, '4915100000042', 'B two', t(14)),
      inbound(NUM_C2, '4915100000042', 'B2 one', t(12)),
      inbound(NUM_C2, '4915100000042', 'B2 two', t(15)),
    );
    const a = await userOf(NUM_A, '4915100000041');
    const b = await userOf(NUM_C, '4915100000042');
    const b2 = await userOf(NUM_C2, '4915100000042');
    const carol = { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol' };
    for (const [u, value] of [
      [a, 'Berlin'],
      [b, 'Hamburg'],
    ] as const) {
      await call(c, 'upsertFacts', {
        userId: u.id,
        author: carol,
        facts: [{ key: 'city', value, confidence: 0.9, sourceMessageId: '', retract: false }],
      });
      await call(c, 'addLogEntry', {
        userId: u.id,
        kind: LogEntryKind.NOTE,
        text: `note on ${value}`,
        dueAt: undefined,
        author: carol,
        clientId: '',
      });
    }
    const before = {
      a: await snapshot(a.id),
      b: await snapshot(b.id),
      b2: await snapshot(b2.id),
      personA: await personOfUser(a.id),
      personB: await personOfUser(b.id),
    };
    expect(before.personB.identities).toHaveLength(2);
    const [lastEvent] = await h.redis.xrevrange(h.stream, '+', '-', 'COUNT', 1);

    const joined = await link([a.id, b.id], {
      clientId: 'ana-join-41',
      rule: PersonRule.SAME_EMAIL,
    });
    // One link for the person merged in; all of its members moved.
    expect(joined.links).toHaveLength(1);
    const l = joined.links[0]!;
    expect(l).toMatchObject({
      personId: a.personId,
      fromPersonId: b.personId,
      userIds: [b.id, b2.id].sort(),
      rule: PersonRule.SAME_EMAIL,
      by: admin,
      reason: 'customer said so',
      split: false,
      undoneAt: undefined,
    });
    expect(joined.person!.id).toBe(a.personId);
    expect(joined.person!.identities.map((u) => u.id).sort()).toEqual([a.id, b.id, b2.id].sort());
    expect((await getUser(b2.id)).personId).toBe(a.personId);
    // Open pages hear of every identity that moved.
    const events = await h.redis.xrange(h.stream, `(${lastEvent![0]}`, '+');
    const updated = events
      .map(([, f]) => Object.fromEntries(f.flatMap((v, i) => (i % 2 ? [] : [[v, f[i + 1]]]))))
      .filter((e) => e.kind === String(EventKind.USER_UPDATED))
      .map((e) => e.user as string);
    expect(updated.sort()).toEqual([b.id, b2.id].sort());

    // The same key again: the same answer, nothing new.
    const again = await link([a.id, b.id], {
      clientId: 'ana-join-41',
      rule: PersonRule.SAME_EMAIL,
    });
    expect(again.links).toEqual(joined.links);
    expect(await h.mongo.cols.personLinks.countDocuments({ clientId: 'ana-join-41' })).toBe(1);
    // Already one person: no link, no error.
    expect((await link([b2.id, a.id])).links).toEqual([]);

    // One timeline across the identities, newest first, page after page.
    const everything = [before.a, before.b, before.b2]
      .flatMap((s) => s.messages)
      .sort(
        (x, y) =>
          y.sentAt!.getTime() - x.sentAt!.getTime() || (x.id < y.id ? 1 : x.id > y.id ? -1 : 0),
      )
      .map((m) => m.id);
    expect(everything).toHaveLength(7);
    for (const size of [1, 2, 3, 7])
      expect(await allMessages({ personId: a.personId }, size)).toEqual(everything);
    const first = await call(c, 'listMessages', {
      userId: '',
      personId: a.personId,
      pageSize: 2,
      pageToken: '',
    });
    expect(new Set(first.messages.map((m) => m.accountId))).toEqual(
      new Set([NUM_A.accountId, NUM_C2.accountId]),
    );
    // Nothing newer yet: the previous-page token answers an empty page.
    const newer = await call(c, 'listMessages', {
      userId: '',
      personId: a.personId,
      pageSize: 2,
      pageToken: first.prevPageToken,
    });
    expect(newer.messages).toEqual([]);

    const undone = await unlinkLink(l.id);
    expect(undone.link).toMatchObject({
      id: l.id,
      undoneBy: admin,
      undoReason: 'joined by mistake',
    });
    expect(undone.link!.undoneAt).toBeInstanceOf(Date);
    expect(undone.person!.id).toBe(a.personId);
    expect(undone.restored!.id).toBe(b.personId);

    const after = {
      a: await snapshot(a.id),
      b: await snapshot(b.id),
      b2: await snapshot(b2.id),
      personA: await personOfUser(a.id),
      personB: await personOfUser(b.id),
    };
    expect(after.a).toEqual(before.a);
    expect(after.b).toEqual(before.b);
    expect(after.b2).toEqual(before.b2);
    expect(withoutLinks(after.personA)).toEqual(withoutLinks(before.personA));
    expect(withoutLinks(after.personB)).toEqual(withoutLinks(before.personB));
    // The history of links grew: the join, now undone, is listed on both sides.
    for (const p of [after.personA, after.personB])
      expect(p.links.find((x) => x.id === l.id)).toEqual(undone.link);

    const twice = await callError(c, 'unlinkIdentities', {
      target: { $case: 'linkId', linkId: l.id },
      actor: admin,
      reason: 'again',
    });
    expect(twice.code).toBe(Code.FAILED_PRECONDITION);
    expect(twice.metadata.get('x-field')).toEqual(['link_id']);
  });

  it('splits an identity joined automatically, and undoes the split', async () => {
    await apply(
      inbound(NUM_A, '4915100000051', 'on A', t(0)),
      inbound(NUM_B, '4915100000051', 'on B', t(1)),
    );
    const a = await userOf(NUM_A, '4915100000051');
    const b = await userOf(NUM_B, '4915100000051');
    const off = await split(b.id);
    expect(off.link).toMatchObject({
      personId: a.personId,
      fromPersonId: `p-${b.id}`,
      userIds: [b.id],
      rule: PersonRule.MANUAL,
      split: true,
      reason: 'not the same customer',
    });
    expect(off.person!.identities.map((u) => u.id)).toEqual([a.id]);
    expect(off.restored!.identities.map((u) => u.id)).toEqual([b.id]);
    expect((await getUser(b.id)).personId).toBe(`p-${b.id}`);
    // The automatic person keeps the split in its history.
    expect((await personById(a.personId)).links.map((x) => x.id)).toEqual([off.link!.id]);

    // The only identity of its person cannot be split off.
    const alone = await callError(c, 'unlinkIdentities', {
      target: { $case: 'userId', userId: a.id },
      actor: admin,
      reason: 'why not',
    });
    expect(alone.code).toBe(Code.FAILED_PRECONDITION);
    expect(alone.details).toMatch(/only identity/);

    const back = await unlinkLink(off.link!.id, 'same customer after all');
    expect(back.restored!.id).toBe(a.personId);
    expect((await getUser(b.id)).personId).toBe(a.personId);
  });

  it('exports the joins and splits that moved an identity with its data', async () => {
    await apply(
      inbound(NUM_A, '4915100000061', 'hello', t(0)),
      inbound(NUM_A, '4915100000062', 'hi', t(1)),
    );
    const x = await userOf(NUM_A, '4915100000061');
    const y = await userOf(NUM_A, '4915100000062');
    const joined = (await link([x.id, y.id])).links[0]!;
    const undone = await unlinkLink(joined.id);
    const parts: ExportUserResponse[] = [];
    await new Promise<void>((resolve, reject) => {
      const s = h.client.exportUser({ userId: y.id }, auth());
      s.on('data', (p: ExportUserResponse) => parts.push(p));
      s.on('end', resolve);
      s.on('error', reject);
    });
    const links = parts.flatMap((p) => (p.part?.$case === 'personLink' ? [p.part.personLink] : []));
    expect(links.map((l) => [l.id, l.userIds, l.undoneAt !== undefined])).toEqual([
      [joined.id, [y.id], true],
    ]);
    expect(undone.link!.id).toBe(joined.id);
    // The identity that did not move has no link to export.
    const other: ExportUserResponse[] = [];
    await new Promise<void>((resolve, reject) => {
      const s = h.client.exportUser({ userId: x.id }, auth());
      s.on('data', (p: ExportUserResponse) => other.push(p));
      s.on('end', resolve);
      s.on('error', reject);
    });
    expect(other.some((p) => p.part?.$case === 'personLink')).toBe(false);
  });

  it('refuses to split a user out of its own person and names the joins to undo', async () => {
    // x writes with its number withheld (BSUID only): no phone, so a person of its own.
    const bsuid = 'DE.7120934857612093061';
    seq += 1;
    await apply(
      WebhookEvent.fromPartial({
        ...NUM_A,
        occurredAt: t(0),
        event: {
          $case: 'inboundMessage',
          inboundMessage: {
            wamid: `wamid.P${seq}.withheld`,
            from: ref('', bsuid),
            content: MessageContent.fromPartial({ type: MessageType.TEXT, text: 'x' }),
          },
        },
      }),
      inbound(NUM_C, '4915100000062', 'y', t(0)),
    );
    const x = (
      await call(c, 'getUser', {
        lookup: {
          $case: 'accountUser',
          accountUser: { accountId: NUM_A.accountId, user: ref('', bsuid) },
        },
      })
    ).user!;
    const y = await userOf(NUM_C, '4915100000062');
    expect(x.personId).toBe(`p-${x.id}`);
    const joined = (await link([x.id, y.id])).links[0]!;
    expect(joined.personId).toBe(`p-${x.id}`);
    const refused = await callError(c, 'unlinkIdentities', {
      target: { $case: 'userId', userId: x.id },
      actor: admin,
      reason: 'split',
    });
    expect(refused.code).toBe(Code.FAILED_PRECONDITION);
    expect(refused.details).toContain(`undo link ${joined.id} instead`);
    // y can leave: it goes to a person of its own, x keeps its own.
    const off = await split(y.id);
    expect(off.person!.id).toBe(`p-${x.id}`);
    expect(off.restored!.id).toBe(`p-${y.id}`);
    expect(off.person!.identities.map((u) => u.id)).toEqual([x.id]);
  });
});

describe('suggestions', () => {
  it('suggest identities sharing an email or a phone through facts and profiles', async () => {
    await apply(
      inbound(NUM_A, '4915100000071', 'hi, Lena here', t(0)),
      inbound(NUM_C, '4915100000072', 'hello', t(1)),
      inbound(NUM_C, '4915100000073', 'hey', t(2)),
      inbound(NUM_A, '4917055501234', 'moin', t(3)),
    );
    const lena = await userOf(NUM_A, '4915100000071');
    const sameMail = await userOf(NUM_C, '4915100000072');
    const phoneFact = await userOf(NUM_C, '4915100000073');
    const phoneOwner = await userOf(NUM_A, '4917055501234');
    const carol = { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol' };
    await call(c, 'upsertFacts', {
      userId: lena.id,
      author: carol,
      facts: [
        {
          key: 'email',
          value: 'Lena@Example.com',
          confidence: 1,
          sourceMessageId: '',
          retract: false,
        },
      ],
    });
    await call(c, 'updateUser', {
      userId: sameMail.id,
      actor: admin,
      addTags: [],
      removeTags: [],
      email: 'lena@example.com',
      reason: '',
    });
    await call(c, 'upsertFacts', {
      userId: phoneFact.id,
      author: carol,
      facts: [
        {
          key: 'mobile_phone',
          value: '+49 170 5550 1234',
          confidence: 1,
          sourceMessageId: '',
          retract: false,
        },
      ],
    });
    const ofLena = (await personOfUser(lena.id)).suggestions;
    expect(ofLena).toEqual([
      {
        userId: sameMail.id,
        personId: sameMail.personId,
        rule: PersonRule.SAME_EMAIL,
        reason: 'lena@example.com: profile on WhatsApp +49…072, fact `email` on WhatsApp +49…071',
      },
    ]);
    const ofPhone = (await personOfUser(phoneFact.id)).suggestions;
    expect(ofPhone).toEqual([
      {
        userId: phoneOwner.id,
        personId: phoneOwner.personId,
        rule: PersonRule.PHONE_IN_FACTS,
        reason: '+49…234: profile on WhatsApp +49…234, fact `mobile_phone` on WhatsApp +49…073',
      },
    ]);
    // The other way round too.
    expect((await personOfUser(phoneOwner.id)).suggestions.map((s) => s.userId)).toEqual([
      phoneFact.id,
    ]);

    // A retracted fact names nothing any more.
    await call(c, 'upsertFacts', {
      userId: lena.id,
      author: carol,
      facts: [{ key: 'email', value: '', confidence: 1, sourceMessageId: '', retract: true }],
    });
    expect((await personOfUser(lena.id)).suggestions).toEqual([]);

    // Confirming one joins them, and it is suggested no more.
    await link([phoneOwner.id, phoneFact.id], {
      rule: PersonRule.PHONE_IN_FACTS,
      reason: 'confirmed',
    });
    expect((await personOfUser(phoneOwner.id)).suggestions).toEqual([]);
  });

  it('drop erased users; their links stay and the person lists them as erased', async () => {
    await apply(
      inbound(NUM_A, '4915100000081', 'one', t(0)),
      inbound(NUM_C, '4915100000082', 'two', t(1)),
      inbound(NUM_C, '4915100000083', 'three', t(2)),
    );
    const [u1, u2, u3] = [
      await userOf(NUM_A, '4915100000081'),
      await userOf(NUM_C, '4915100000082'),
      await userOf(NUM_C, '4915100000083'),
    ];
    for (const u of [u1, u2])
      await call(c, 'updateUser', {
        userId: u.id,
        actor: admin,
        addTags: [],
        removeTags: [],
        email: 'shared@example.org',
        reason: '',
      });
    expect((await personOfUser(u1.id)).suggestions.map((s) => s.userId)).toEqual([u2.id]);
    const joined = await link([u1.id, u3.id]);
    await call(c, 'eraseUser', { userId: u2.id, actor: admin, reason: 'asked to' });
    await call(c, 'eraseUser', { userId: u3.id, actor: admin, reason: 'asked to' });
    const p = await personOfUser(u1.id);
    expect(p.suggestions).toEqual([]);
    expect(p.links.map((l) => l.id)).toContain(joined.links[0]!.id);
    expect(p.identities.find((u) => u.id === u3.id)?.erasedAt).toBeInstanceOf(Date);
    // An erased identity joins nothing.
    const refused = await callError(c, 'linkIdentities', {
      userIds: [u1.id, u2.id],
      actor: admin,
      reason: 'x',
      rule: PersonRule.MANUAL,
      clientId: '',
    });
    expect(refused.code).toBe(Code.FAILED_PRECONDITION);
    expect(refused.metadata.get('x-field')).toEqual(['user_ids[1]']);
  });
});

describe('a person across channels', () => {
  it('suggests, joins, lists and reads a WhatsApp and a Messenger identity as one', async () => {
    await apply(
      inbound(NUM_A, '4915100000131', 'Hallo, hier Lena', t(200)),
      on(PAGE, inboundText('mid.LENA1', scoped('PSID-LENA-131'), 'Hi from Messenger', t(201))),
    );
    const wa = await userOf(NUM_A, '4915100000131');
    const fb = (
      await call(c, 'getUser', {
        lookup: {
          $case: 'accountUser',
          accountUser: { accountId: PAGE.accountId, user: scoped('PSID-LENA-131') },
        },
      })
    ).user!;
    expect(fb.channel).toBe(Channel.MESSENGER);
    await call(c, 'updateUser', {
      userId: wa.id,
      actor: admin,
      addTags: ['channels'],
      removeTags: [],
      email: 'lena131@example.com',
      reason: '',
    });
    await call(c, 'updateUser', {
      userId: fb.id,
      actor: admin,
      addTags: ['channels'],
      removeTags: [],
      reason: '',
    });
    await call(c, 'upsertFacts', {
      userId: fb.id,
      author: { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol' },
      facts: [
        {
          key: 'email',
          value: 'lena131@example.com',
          confidence: 1,
          sourceMessageId: '',
          retract: false,
        },
      ],
    });
    const [suggestion] = (await personOfUser(wa.id)).suggestions;
    expect(suggestion).toEqual({
      userId: fb.id,
      personId: fb.personId,
      rule: PersonRule.SAME_EMAIL,
      reason: 'lena131@example.com: fact `email` on Messenger, profile on WhatsApp +49…131',
    });
    await link([wa.id, fb.id], { rule: suggestion!.rule, reason: suggestion!.reason });
    // One WhatsApp identity shares its phone with nobody: the history shows the join only.
    expect((await personOfUser(wa.id)).links.map((l) => l.rule)).toEqual([PersonRule.SAME_EMAIL]);

    const rows = await call(
      c,
      'listUsers',
      ReqOf_listUsers({ tags: ['channels'], groupByPerson: true, pageSize: 10 }),
    );
    expect(rows.users.map((u) => [u.id, u.personChannels, u.personIdentities])).toEqual([
      [fb.id, [Channel.MESSENGER, Channel.WHATSAPP], 2],
    ]);
    const onWhatsApp = await call(
      c,
      'listUsers',
      ReqOf_listUsers({
        tags: ['channels'],
        groupByPerson: true,
        channel: Channel.WHATSAPP,
        pageSize: 10,
      }),
    );
    expect(onWhatsApp.users.map((u) => [u.id, u.personChannels])).toEqual([
      [wa.id, [Channel.WHATSAPP, Channel.MESSENGER]],
    ]);
    const timeline = await call(c, 'listMessages', {
      userId: '',
      personId: wa.personId,
      pageSize: 10,
      pageToken: '',
    });
    expect(timeline.messages.map((m) => [m.accountId, m.userId])).toEqual([
      [PAGE.accountId, fb.id],
      [NUM_A.accountId, wa.id],
    ]);
  });
});

describe('edits stay on their identity', () => {
  it("changes one identity's name and email, never the person's other identity", async () => {
    await apply(
      inbound(NUM_A, '4915100000091', 'hi', t(0)),
      inbound(NUM_B, '4915100000091', 'hi', t(1)),
    );
    const a = await userOf(NUM_A, '4915100000091');
    const b = await userOf(NUM_B, '4915100000091');
    expect(a.personId).toBe(b.personId);
    await call(c, 'updateUser', {
      userId: a.id,
      actor: admin,
      addTags: [],
      removeTags: [],
      displayName: 'Lena M.',
      email: 'lena.m@example.com',
      reason: '',
    });
    expect(await getUser(b.id)).toEqual(b);
    const shown = (await personById(a.personId)).identities;
    expect(shown.find((u) => u.id === a.id)?.profile).toMatchObject({
      displayName: 'Lena M.',
      email: 'lena.m@example.com',
    });
    expect(shown.find((u) => u.id === b.id)?.profile?.displayName).toBeUndefined();
    expect(shown.find((u) => u.id === b.id)?.profile?.email).toBeUndefined();
  });
});

describe('validation', () => {
  const req = (over: Partial<ReqOf<'linkIdentities'>>): ReqOf<'linkIdentities'> => ({
    userIds: [],
    actor: admin,
    reason: 'why',
    rule: PersonRule.MANUAL,
    clientId: '',
    ...over,
  });

  it('names the field and writes nothing on a bad request', async () => {
    await apply(
      inbound(NUM_A, '4915100000101', 'v1', t(0)),
      inbound(NUM_C, '4915100000102', 'v2', t(0)),
    );
    const v1 = await userOf(NUM_A, '4915100000101');
    const v2 = await userOf(NUM_C, '4915100000102');
    const linksBefore = await h.mongo.cols.personLinks.countDocuments();
    const cases: [ReqOf<'linkIdentities'>, Code, string][] = [
      [req({ userIds: [v1.id] }), Code.INVALID_ARGUMENT, 'user_ids'],
      [
        req({ userIds: Array.from({ length: 21 }, (_, i) => `u_${i}`) }),
        Code.INVALID_ARGUMENT,
        'user_ids',
      ],
      [req({ userIds: [v1.id, v1.id] }), Code.INVALID_ARGUMENT, 'user_ids[1]'],
      [req({ userIds: [v1.id, ' '] }), Code.INVALID_ARGUMENT, 'user_ids[1]'],
      [req({ userIds: [v1.id, v2.id], reason: '' }), Code.INVALID_ARGUMENT, 'reason'],
      [req({ userIds: [v1.id, v2.id], reason: 'x'.repeat(501) }), Code.INVALID_ARGUMENT, 'reason'],
      [
        req({ userIds: [v1.id, v2.id], rule: PersonRule.SAME_PHONE }),
        Code.INVALID_ARGUMENT,
        'rule',
      ],
      [req({ userIds: [v1.id, v2.id], rule: 99 as PersonRule }), Code.INVALID_ARGUMENT, 'rule'],
      [
        req({ userIds: [v1.id, v2.id], clientId: 'k'.repeat(101) }),
        Code.INVALID_ARGUMENT,
        'client_id',
      ],
      [
        req({ userIds: [v1.id, v2.id], actor: { kind: 99 as ActorKind, id: '', displayName: '' } }),
        Code.INVALID_ARGUMENT,
        'actor.kind',
      ],
      [req({ userIds: [v1.id, 'u_nobody'] }), Code.NOT_FOUND, 'user_ids[1]'],
    ];
    for (const [r, code, field] of cases) {
      const e = await callError(c, 'linkIdentities', r);
      expect({ code: e.code, field: e.metadata.get('x-field')[0] }).toEqual({ code, field });
    }
    expect(await h.mongo.cols.personLinks.countDocuments()).toBe(linksBefore);
    expect((await getUser(v1.id)).personId).toBe(v1.personId);
    expect((await getUser(v2.id)).personId).toBe(v2.personId);

    const unlinkCases: [ReqOf<'unlinkIdentities'>, Code, string | undefined][] = [
      [{ target: undefined, actor: admin, reason: 'r' }, Code.INVALID_ARGUMENT, 'target'],
      [
        { target: { $case: 'linkId', linkId: '' }, actor: admin, reason: 'r' },
        Code.INVALID_ARGUMENT,
        'link_id',
      ],
      [
        { target: { $case: 'userId', userId: v1.id }, actor: admin, reason: '' },
        Code.INVALID_ARGUMENT,
        'reason',
      ],
      [
        { target: { $case: 'linkId', linkId: 'pl_nope' }, actor: admin, reason: 'r' },
        Code.NOT_FOUND,
        'link_id',
      ],
      [
        { target: { $case: 'userId', userId: 'u_nobody' }, actor: admin, reason: 'r' },
        Code.NOT_FOUND,
        'user_id',
      ],
      [
        { target: { $case: 'linkId', linkId: `auto:${v1.id}` }, actor: admin, reason: 'r' },
        Code.FAILED_PRECONDITION,
        'link_id',
      ],
    ];
    for (const [r, code, field] of unlinkCases) {
      const e = await callError(c, 'unlinkIdentities', r);
      expect({ code: e.code, field: e.metadata.get('x-field')[0] }).toEqual({ code, field });
    }
    expect(await h.mongo.cols.personLinks.countDocuments()).toBe(linksBefore);

    const noLookup = await callError(c, 'getPerson', { lookup: undefined });
    expect(noLookup.metadata.get('x-field')).toEqual(['lookup']);
    expect(
      (await callError(c, 'getPerson', { lookup: { $case: 'personId', personId: 'p-nope' } })).code,
    ).toBe(Code.NOT_FOUND);
    const both = await callError(c, 'listMessages', {
      userId: v1.id,
      personId: v1.personId,
      pageSize: 10,
      pageToken: '',
    });
    expect(both.metadata.get('x-field')).toEqual(['person_id']);
    const neither = await callError(c, 'listMessages', {
      userId: '',
      personId: '',
      pageSize: 10,
      pageToken: '',
    });
    expect(neither.metadata.get('x-field')).toEqual(['user_id']);
  });
});

describe('ListUsers grouped by person', () => {
  it('lists each person once, by its most recent matching identity, page after page', async () => {
    // p1: two identities (same phone on A and B); p2: three (two joined by hand); p3, p4: one.
    await apply(
      inbound(NUM_A, '4915100000111', 'p1 on A', t(100)),
      inbound(NUM_B, '4915100000111', 'p1 on B', t(104)),
      inbound(NUM_A, '4915100000112', 'p2 on A', t(103)),
      inbound(NUM_C, '4915100000113', 'p2 on C', t(101)),
      inbound(NUM_C2, '4915100000114', 'p2 on C2', t(106)),
      inbound(NUM_C, '4915100000115', 'p3', t(105)),
      inbound(NUM_C2, '4915100000116', 'p4', t(102)),
    );
    const u = {
      p1a: await userOf(NUM_A, '4915100000111'),
      p1b: await userOf(NUM_B, '4915100000111'),
      p2a: await userOf(NUM_A, '4915100000112'),
      p2c: await userOf(NUM_C, '4915100000113'),
      p2c2: await userOf(NUM_C2, '4915100000114'),
      p3: await userOf(NUM_C, '4915100000115'),
      p4: await userOf(NUM_C2, '4915100000116'),
    };
    await link([u.p2a.id, u.p2c.id, u.p2c2.id]);
    for (const x of Object.values(u))
      await call(c, 'updateUser', {
        userId: x.id,
        actor: admin,
        addTags: ['grouped'],
        removeTags: [],
        reason: '',
      });
    const list = (pageSize: number, pageToken: string, extra: Partial<ReqOf<'listUsers'>> = {}) =>
      call(
        c,
        'listUsers',
        ReqOf_listUsers({ tags: ['grouped'], groupByPerson: true, pageSize, pageToken, ...extra }),
      );
    async function walk(pageSize: number, extra: Partial<ReqOf<'listUsers'>> = {}) {
      const rows: User[] = [];
      let token = '';
      for (let i = 0; i < 20; i += 1) {
        const r = await list(pageSize, token, extra);
        expect(r.users.length).toBeLessThanOrEqual(pageSize);
        rows.push(...r.users);
        if (!r.nextPageToken) return rows;
        token = r.nextPageToken;
      }
      throw new Error('too many pages');
    }
    // Most recent activity first: p2 (t106 on C2), p3 (t105), p1 (t104 on B), p4 (t102).
    const expected = [u.p2c2.id, u.p3.id, u.p1b.id, u.p4.id];
    for (const size of [1, 2, 3, 50]) {
      const rows = await walk(size);
      expect(rows.map((r) => r.id)).toEqual(expected);
      expect(rows.map((r) => r.personIdentities)).toEqual([3, 1, 2, 1]);
      expect(rows.map((r) => r.personChannels)).toEqual([
        [Channel.WHATSAPP],
        [Channel.WHATSAPP],
        [Channel.WHATSAPP],
        [Channel.WHATSAPP],
      ]);
    }
    // The filters pick the representative: on account A, p2 is shown by its identity there.
    const onA = await walk(1, { accountId: NUM_A.accountId });
    expect(onA.map((r) => r.id)).toEqual([u.p2a.id, u.p1a.id]);
    // Ungrouped, every identity is a row of its own.
    const flat = await call(c, 'listUsers', ReqOf_listUsers({ tags: ['grouped'], pageSize: 50 }));
    expect(flat.users).toHaveLength(7);
    // The channel filter: all of these are WhatsApp identities.
    expect((await walk(2, { channel: Channel.WHATSAPP })).map((r) => r.id)).toEqual(expected);
    expect(await walk(2, { channel: Channel.MESSENGER })).toEqual([]);
  });
});

describe('users stored before people existed', () => {
  it('are read as their own person, and are given it at startup', async () => {
    await apply(inbound(NUM_C, '4915100000121', 'old', t(0)));
    const old = await userOf(NUM_C, '4915100000121');
    await h.mongo.cols.users.updateOne({ _id: old.id }, { $unset: { personId: '' } });
    expect((await getUser(old.id)).personId).toBe(`p-${old.id}`);
    expect((await personById(`p-${old.id}`)).identities.map((x) => x.id)).toEqual([old.id]);
    expect(await backfillPersonIds(h.mongo.cols.users, 2)).toBe(1);
    expect((await h.mongo.cols.users.findOne({ _id: old.id }))?.personId).toBe(`p-${old.id}`);
    expect(await backfillPersonIds(h.mongo.cols.users)).toBe(0);
  });
});

/** A ListUsers request with every field, the given ones set. */
function ReqOf_listUsers(over: Partial<ReqOf<'listUsers'>>): ReqOf<'listUsers'> {
  return {
    query: '',
    statuses: [],
    tags: [],
    accountId: '',
    activeAfter: undefined,
    activeBefore: undefined,
    needsReply: undefined,
    paused: undefined,
    hasOverdueFollowUp: undefined,
    sort: 0,
    pageSize: 50,
    pageToken: '',
    scoreBelow: undefined,
    sentiments: [],
    hasOpenActionItems: undefined,
    reviewPending: undefined,
    groupByPerson: false,
    channel: Channel.UNSPECIFIED,
    ...over,
  };
}
