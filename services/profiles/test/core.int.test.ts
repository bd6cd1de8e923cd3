// Core flows over real gRPC against the MongoDB-wire server: apply events, look users up, list,
// update with attribution, and list messages.
import { status as Code } from '@grpc/grpc-js';
import {
  ActorKind,
  Direction,
  ListLogEntriesRequest,
  ListUsersRequest,
  LogEntryKind,
  MessageContent,
  MessageType,
  UpdateUserRequest,
  UserSort,
  UserStatus,
  WebhookEvent,
  type ProfilesServiceClient,
} from '@ue/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, inboundText, ref, seen, t } from './events.js';
import { auth, call, callError, startHarness, type Harness } from './harness.js';

let h: Harness;
let c: ProfilesServiceClient;
beforeAll(async () => {
  h = await startHarness('core');
  c = h.client;
});
afterAll(() => h.close());

describe('ApplyWebhookEvents + GetUser', () => {
  it('creates the user once, counts messages once, and answers lookups by id, wa_id and phone', async () => {
    const jurgen = ref('4915112345678', 'DE.7120934857612093485');
    const events = [
      seen(jurgen, 'Jürgen Weiß', t(0)),
      inboundText('wamid.A1', jurgen, 'Hallo! Ist meine Bestellung #4711 unterwegs?', t(0)),
    ];
    const first = await call(c, 'applyWebhookEvents', { events, deliveries: [] });
    expect(first).toMatchObject({ applied: 2, duplicates: 0 });
    const again = await call(c, 'applyWebhookEvents', { events, deliveries: [] });
    expect(again).toMatchObject({ applied: 0, duplicates: 2 });

    const byRef = await call(c, 'getUser', {
      lookup: {
        $case: 'accountUser',
        accountUser: { accountId: ACCOUNT, user: ref('4915112345678') },
      },
    });
    const u = byRef.user!;
    expect(u.profile?.name).toBe('Jürgen Weiß');
    expect(u.profile?.phoneE164).toBe('+4915112345678');
    expect(u.bsuid).toBe('DE.7120934857612093485');
    expect(u.counters?.inboundMessages).toBe(1);
    expect(u.needsReply).toBe(true);
    expect(u.lastMessage?.text).toContain('Bestellung');
    expect(u.serviceWindowExpiresAt?.getTime()).toBe(t(0).getTime() + 24 * 3600_000);

    for (const phone of ['+49 151 1234-5678', '004915112345678', '(0151) 12345678']) {
      const r = await call(c, 'getUser', {
        lookup: {
          $case: 'phone',
          phone: { phone, accountId: '', defaultRegion: phone.startsWith('(') ? 'DE' : '' },
        },
      });
      expect(r.user?.id).toBe(u.id);
    }
    const byBsuid = await call(c, 'getUser', {
      lookup: {
        $case: 'accountUser',
        accountUser: { accountId: '', user: ref('', 'DE.7120934857612093485') },
      },
    });
    expect(byBsuid.user?.id).toBe(u.id);
    const byId = await call(c, 'getUser', { lookup: { $case: 'id', id: u.id } });
    expect(byId.user?.waId).toBe('4915112345678');
  });

  it('answers NOT_FOUND, INVALID_ARGUMENT naming the field, and UNAUTHENTICATED', async () => {
    const nf = await callError(c, 'getUser', { lookup: { $case: 'id', id: 'u_nope' } });
    expect(nf.code).toBe(Code.NOT_FOUND);
    const inv = await callError(c, 'getUser', { lookup: { $case: 'id', id: '' } });
    expect(inv.code).toBe(Code.INVALID_ARGUMENT);
    expect(inv.details).toBe('id: required');
    const unauth = await callError(
      c,
      'getUser',
      { lookup: { $case: 'id', id: 'x' } },
      auth('wrong-token-000000'),
    );
    expect(unauth.code).toBe(Code.UNAUTHENTICATED);
    const bad = await callError(c, 'applyWebhookEvents', {
      events: [inboundText('', ref('49151'), 'x', t(0))],
      deliveries: [],
    });
    expect(bad.code).toBe(Code.INVALID_ARGUMENT);
    expect(bad.details).toBe('events[0].inbound_message.wamid: required');
  });
});

describe('UpdateUser', () => {
  it('changes status, tags and paused with attribution and writes system log entries', async () => {
    const ana = ref('33612345678');
    await call(c, 'applyWebhookEvents', {
      events: [inboundText('wamid.C1', ana, 'Bonjour', t(5))],
      deliveries: [],
    });
    const { user } = await call(c, 'getUser', {
      lookup: { $case: 'accountUser', accountUser: { accountId: ACCOUNT, user: ana } },
    });
    const actor = { kind: 3, id: 'ana', displayName: 'Ana' };
    const r = await call(
      c,
      'updateUser',
      UpdateUserRequest.fromPartial({
        userId: user!.id,
        actor,
        status: UserStatus.OPPORTUNITY,
        addTags: ['VIP', 'b2b'],
        removeTags: [],
        paused: true,
        reason: '',
      }),
    );
    expect(r.user?.status).toBe(UserStatus.OPPORTUNITY);
    expect(r.user?.tags.sort()).toEqual(['b2b', 'vip']);
    expect(r.user?.paused).toBe(true);
    expect(r.user?.statusChanged?.by?.displayName).toBe('Ana');
    expect(r.user?.pausedChanged?.at).toBeInstanceOf(Date);
    const r2 = await call(
      c,
      'updateUser',
      UpdateUserRequest.fromPartial({ userId: user!.id, actor, addTags: [], removeTags: ['vip'] }),
    );
    expect(r2.user?.tags).toEqual(['b2b']);
    const log = await call(
      c,
      'listLogEntries',
      ListLogEntriesRequest.fromPartial({
        userId: user!.id,
        kinds: [LogEntryKind.SYSTEM],
        states: [],
        overdueOnly: false,
        accountId: '',
        pageSize: 50,
        pageToken: '',
      }),
    );
    const texts = log.entries.map((e) => e.text);
    expect(texts).toContain('Status changed from none to Opportunity by Ana');
    expect(texts).toContain('Agent paused (human takeover) by Ana');
    expect(texts).toContain('Tags removed by Ana: vip');
    const named = await call(
      c,
      'updateUser',
      UpdateUserRequest.fromPartial({
        userId: user!.id,
        actor,
        displayName: 'Ana Customer',
        email: 'ana@example.com',
      }),
    );
    expect(named.user?.profile).toMatchObject({
      displayName: 'Ana Customer',
      email: 'ana@example.com',
    });
    const cleared = await call(
      c,
      'updateUser',
      UpdateUserRequest.fromPartial({ userId: user!.id, actor, displayName: '' }),
    );
    expect(cleared.user?.profile?.displayName).toBeUndefined();
    expect(cleared.user?.profile?.email).toBe('ana@example.com');
    const bad = await callError(
      c,
      'updateUser',
      UpdateUserRequest.fromPartial({ userId: user!.id, addTags: ['<script>'], removeTags: [] }),
    );
    expect(bad.details).toMatch(/^add_tags\[0\]:/);
  });
});

describe('ListUsers and ListMessages', () => {
  it('filters, pages without skipping, and lists messages newest first both ways', async () => {
    const p = ref('819012345678');
    const events = Array.from({ length: 7 }, (_, i) =>
      inboundText(`wamid.L${i}`, p, `Nachricht ${i}`, t(100 + i)),
    );
    await call(c, 'applyWebhookEvents', { events, deliveries: [] });
    const { user } = await call(c, 'getUser', {
      lookup: { $case: 'accountUser', accountUser: { accountId: ACCOUNT, user: p } },
    });
    const page1 = await call(c, 'listMessages', {
      userId: user!.id,
      pageSize: 3,
      pageToken: '',
      personId: '',
    });
    expect(page1.messages.map((m) => m.wamid)).toEqual(['wamid.L6', 'wamid.L5', 'wamid.L4']);
    const page2 = await call(c, 'listMessages', {
      userId: user!.id,
      personId: '',
      pageSize: 3,
      pageToken: page1.nextPageToken,
    });
    expect(page2.messages.map((m) => m.wamid)).toEqual(['wamid.L3', 'wamid.L2', 'wamid.L1']);
    const back = await call(c, 'listMessages', {
      userId: user!.id,
      personId: '',
      pageSize: 2,
      pageToken: page2.prevPageToken,
    });
    expect(back.messages.map((m) => m.wamid)).toEqual(['wamid.L5', 'wamid.L4']);
    await call(c, 'applyWebhookEvents', {
      events: [inboundText('wamid.L7', p, 'neu', t(200))],
      deliveries: [],
    });
    const since = await call(c, 'listMessages', {
      userId: user!.id,
      personId: '',
      pageSize: 10,
      pageToken: page1.prevPageToken,
    });
    expect(since.messages.map((m) => m.wamid)).toEqual(['wamid.L7']);
    expect(since.messages[0]?.direction).toBe(Direction.INBOUND);

    const all: string[] = [];
    let token = '';
    do {
      const r = await call(
        c,
        'listUsers',
        ListUsersRequest.fromPartial({
          query: '',
          statuses: [],
          tags: [],
          accountId: ACCOUNT,
          sort: 0,
          pageSize: 1,
          pageToken: token,
        }),
      );
      all.push(...r.users.map((u) => u.id));
      token = r.nextPageToken;
    } while (token);
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(3);
    expect(all[0]).toBe(user!.id);
    const needs = await call(
      c,
      'listUsers',
      ListUsersRequest.fromPartial({
        query: '',
        statuses: [UserStatus.OPPORTUNITY],
        tags: ['b2b'],
        accountId: '',
        sort: 0,
        pageSize: 10,
        pageToken: '',
        paused: true,
      }),
    );
    expect(needs.users.map((u) => u.waId)).toEqual(['33612345678']);
  });
});

describe('more ListUsers filters and identities', () => {
  it('filters by activity window and needs-reply, sorts by creation, and stores raw deliveries once', async () => {
    const body = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');
    const delivery = { sha256: '', body, receivedAt: new Date(), provider: 'whatsapp' };
    const early = ref('4917400000001');
    const late = ref('4917400000002');
    const r1 = await call(c, 'applyWebhookEvents', {
      events: [inboundText('wamid.A-e', early, 'early', t(-5000))],
      deliveries: [delivery],
    });
    const r2 = await call(c, 'applyWebhookEvents', {
      events: [inboundText('wamid.A-l', late, 'late', t(5000))],
      deliveries: [delivery],
    });
    expect([r1.deliveriesStored, r2.deliveriesStored]).toEqual([1, 0]);
    const wrongHash = await callError(c, 'applyWebhookEvents', {
      events: [],
      deliveries: [{ ...delivery, sha256: 'ab'.repeat(32) }],
    });
    expect(wrongHash.details).toBe('deliveries[0].sha256: does not match the body');

    const window = await call(
      c,
      'listUsers',
      ListUsersRequest.fromPartial({ activeAfter: t(4000), activeBefore: t(6000) }),
    );
    expect(window.users.map((u) => u.waId)).toEqual(['4917400000002']);
    const oldest = await call(
      c,
      'listUsers',
      ListUsersRequest.fromPartial({ sort: UserSort.CREATED_ASC, pageSize: 1 }),
    );
    expect(oldest.users[0]?.waId).toBe('4917400000001');
    const newest = await call(
      c,
      'listUsers',
      ListUsersRequest.fromPartial({ sort: UserSort.CREATED_DESC, pageSize: 1 }),
    );
    expect(newest.users[0]?.waId).toBe('4917400000002');
    const wrongSort = await callError(
      c,
      'listUsers',
      ListUsersRequest.fromPartial({
        sort: UserSort.LAST_ACTIVITY_DESC,
        pageToken: newest.nextPageToken,
      }),
    );
    expect(wrongSort.details).toBe('page_token: token belongs to another sort');

    const { user } = await call(c, 'getUser', {
      lookup: { $case: 'accountUser', accountUser: { accountId: ACCOUNT, user: late } },
    });
    await call(c, 'recordOutboundMessage', {
      userId: user!.id,
      recipient: undefined,
      wamid: 'wamid.A-reply',
      clientId: '',
      content: MessageContent.fromPartial({ type: MessageType.TEXT, text: 'answer' }),
      author: undefined,
      sentAt: t(5001),
      bizOpaqueCallbackData: '',
    });
    const needs = await call(
      c,
      'listUsers',
      ListUsersRequest.fromPartial({ needsReply: true, activeAfter: t(-6000) }),
    );
    expect(needs.users.map((u) => u.waId)).not.toContain('4917400000002');
    expect(needs.users.map((u) => u.waId)).toContain('4917400000001');
  });

  it('pages users by creation without skipping or repeating while new users arrive', async () => {
    const acct = '990000000000001';
    const initial = Array.from({ length: 9 }, (_, i) =>
      inboundText(`wamid.CU${i}`, ref(`49178000000${i}`), 'x', t(-9000 + i), acct),
    );
    await call(c, 'applyWebhookEvents', { events: initial, deliveries: [] });
    const seenIds: string[] = [];
    let token = '';
    let k = 0;
    do {
      const r = await call(
        c,
        'listUsers',
        ListUsersRequest.fromPartial({
          accountId: acct,
          sort: UserSort.CREATED_DESC,
          pageSize: 2,
          pageToken: token,
        }),
      );
      seenIds.push(...r.users.map((u) => u.waId));
      await call(c, 'applyWebhookEvents', {
        events: [inboundText(`wamid.CN${k}`, ref(`49179000000${k}`), 'new', t(9000 + k), acct)],
        deliveries: [],
      });
      k += 1;
      token = r.nextPageToken;
    } while (token);
    expect(seenIds).toEqual(Array.from({ length: 9 }, (_, i) => `49178000000${8 - i}`));
  });

  it('keeps both users when a number change targets a wa_id that already has its own user', async () => {
    const oldRef = ref('4917400000010');
    const newRef = ref('4917400000011');
    await call(c, 'applyWebhookEvents', {
      events: [
        inboundText('wamid.NC1', oldRef, 'old number', t(0)),
        inboundText('wamid.NC2', newRef, 'new number first', t(1)),
      ],
      deliveries: [],
    });
    const change = WebhookEvent.fromPartial({
      accountId: ACCOUNT,
      occurredAt: t(2),
      event: {
        $case: 'numberChange',
        numberChange: { wamid: 'wamid.NC3', oldUser: oldRef, newUser: newRef, body: 'changed' },
      },
    });
    await call(c, 'applyWebhookEvents', { events: [change, change], deliveries: [] });
    const get = async (r: typeof oldRef) =>
      (
        await call(c, 'getUser', {
          lookup: { $case: 'accountUser', accountUser: { accountId: ACCOUNT, user: r } },
        })
      ).user!;
    const [o, n] = [await get(oldRef), await get(newRef)];
    expect(o.id).not.toBe(n.id);
    expect(o.waId).toBe('4917400000010');
    expect(n.previousWaIds).toEqual(['4917400000010']);
    expect(o.counters?.inboundMessages).toBe(1);
  });

  it('links new business-scoped ids on the same number (user_changed_user_id) without touching the wa_id', async () => {
    const before = ref('4917400000030', 'DE.111');
    const after = ref('4917400000030', 'DE.222');
    await call(c, 'applyWebhookEvents', {
      events: [inboundText('wamid.BS1', before, 'hi', t(0))],
      deliveries: [],
    });
    const change = WebhookEvent.fromPartial({
      accountId: ACCOUNT,
      occurredAt: t(1),
      event: {
        $case: 'numberChange',
        numberChange: { wamid: 'wamid.BS2', oldUser: before, newUser: after, body: 'new ids' },
      },
    });
    expect(
      (await call(c, 'applyWebhookEvents', { events: [change], deliveries: [] })).applied,
    ).toBe(1);
    const byNew = (
      await call(c, 'getUser', {
        lookup: {
          $case: 'accountUser',
          accountUser: { accountId: ACCOUNT, user: ref('', 'DE.222') },
        },
      })
    ).user!;
    const byOld = (
      await call(c, 'getUser', {
        lookup: {
          $case: 'accountUser',
          accountUser: { accountId: ACCOUNT, user: ref('', 'DE.111') },
        },
      })
    ).user!;
    expect(byNew.id).toBe(byOld.id);
    expect(byNew).toMatchObject({ waId: '4917400000030', bsuid: 'DE.222', previousWaIds: [] });
    const noTarget = WebhookEvent.fromPartial({
      accountId: ACCOUNT,
      occurredAt: t(2),
      event: {
        $case: 'reaction',
        reaction: { wamid: 'wamid.BS3', from: after, targetWamid: '', emoji: '👍' },
      },
    });
    expect(
      (await call(c, 'applyWebhookEvents', { events: [noTarget], deliveries: [] })).duplicates,
    ).toBe(1);
  });

  it('refuses a send by an agent while the user is paused, but not by an admin', async () => {
    const p = ref('4917400000020');
    await call(c, 'applyWebhookEvents', {
      events: [inboundText('wamid.PA1', p, 'help', new Date())],
      deliveries: [],
    });
    const { user } = await call(c, 'getUser', {
      lookup: { $case: 'accountUser', accountUser: { accountId: ACCOUNT, user: p } },
    });
    await call(
      c,
      'updateUser',
      UpdateUserRequest.fromPartial({
        userId: user!.id,
        paused: true,
        actor: { kind: ActorKind.ADMIN, id: 'ana', displayName: 'Ana' },
      }),
    );
    const req = {
      userId: user!.id,
      content: MessageContent.fromPartial({ type: MessageType.TEXT, text: 'hi' }),
      clientId: '',
      replyToMessageId: '',
    };
    const agent = await callError(c, 'sendMessage', {
      ...req,
      author: { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol' },
    });
    expect(agent.code).toBe(Code.FAILED_PRECONDITION);
    expect(agent.details).toContain('paused');
    const admin = await call(c, 'sendMessage', {
      ...req,
      author: { kind: ActorKind.ADMIN, id: 'ana', displayName: 'Ana' },
    });
    expect(admin.message?.author?.id).toBe('ana');
  });
});

// Last: its users share one time and would show up in the lists of the tests above.
describe('keyset pages', () => {
  it('pages through many records with one same time (keyset ties), each exactly once, in order', async () => {
    // Users and messages sharing one timestamp: the cursor's own time continues by id.
    const same = t(5000);
    const people = Array.from({ length: 7 }, (_, i) => ref(`8190555000${i}`));
    const events = [
      ...people.map((p, i) => inboundText(`wamid.TIE-U${i}`, p, 'gleichzeitig', same)),
      ...Array.from({ length: 7 }, (_, i) =>
        inboundText(`wamid.TIE-M${i}`, people[0]!, `m${i}`, same),
      ),
      inboundText('wamid.TIE-later', people[1]!, 'später', t(5001)),
    ];
    await call(c, 'applyWebhookEvents', { events, deliveries: [] });
    const ids: string[] = [];
    let token = '';
    do {
      const page = await call(
        c,
        'listUsers',
        ListUsersRequest.fromPartial({
          query: 'gleichzeitig',
          sort: UserSort.LAST_ACTIVITY_DESC,
          pageSize: 2,
          pageToken: token,
        }),
      );
      ids.push(...page.users.map((u) => u.id));
      token = page.nextPageToken;
    } while (token);
    const all = await call(
      c,
      'listUsers',
      ListUsersRequest.fromPartial({
        query: 'gleichzeitig',
        sort: UserSort.LAST_ACTIVITY_DESC,
        pageSize: 50,
      }),
    );
    expect(all.users).toHaveLength(7);
    expect(ids).toEqual(all.users.map((u) => u.id));
    const { user } = await call(c, 'getUser', {
      lookup: { $case: 'accountUser', accountUser: { accountId: ACCOUNT, user: people[0] } },
    });
    const wamids: string[] = [];
    token = '';
    do {
      const page = await call(c, 'listMessages', {
        userId: user!.id,
        personId: '',
        pageSize: 3,
        pageToken: token,
      });
      wamids.push(...page.messages.map((m) => m.wamid));
      token = page.nextPageToken;
    } while (token);
    expect(new Set(wamids).size).toBe(8);
    expect(wamids).toHaveLength(8);
  });
});
