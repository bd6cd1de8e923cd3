// Hostile and malformed input: every call answers INVALID_ARGUMENT naming the field (or
// UNAUTHENTICATED), nothing is half-applied, and stored text comes back byte-exact.
import { status as Code, type ServiceError } from '@grpc/grpc-js';
import {
  ActorKind,
  type EventKind,
  ListUsersRequest,
  UpdateUserRequest,
  WebhookEvent,
  type UserStatus,
} from '@ue/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, inboundText, ref, seen, t } from './events.js';
import { auth, call, callError, startHarness, type Harness } from './harness.js';
import { createRawClient, ts, type RawClient } from './raw-client.js';

let h: Harness;
let raw: RawClient;
beforeAll(async () => {
  h = await startHarness('hostile');
  raw = createRawClient(h.addr);
});
afterAll(async () => {
  raw.close();
  await h.close();
});

const INVALID = { code: Code.INVALID_ARGUMENT };
/** Past what a Date holds (ts-proto decodes it to an Invalid Date). */
const HUGE = ts(10_000_000_000_000);
/** Past 2^53 (the generated decoder throws). */
const UNSAFE = ts(2n ** 53n + 1n);
const SECONDS = (d: Date) => ts(Math.floor(d.getTime() / 1000));
const text = { type: 1, text: 'hello' };

async function userOf(waId: string) {
  return call(h.client, 'getUser', {
    lookup: { $case: 'accountUser', accountUser: { accountId: ACCOUNT, user: ref(waId) } },
  }).then(
    (r) => r.user,
    () => undefined,
  );
}

describe('times out of range', () => {
  it('RecordOutboundMessage: INVALID_ARGUMENT sent_at, and no user or message stored', async () => {
    for (const sentAt of [HUGE, UNSAFE, ts(-1), ts(1_700_000_000, -1), ts(1, 1_000_000_000)]) {
      const r = await raw.call('RecordOutboundMessage', {
        recipient: { account_id: ACCOUNT, user: { wa_id: '4917500000050' } },
        wamid: 'wamid.T1',
        content: text,
        sent_at: sentAt,
      });
      expect(r).toMatchObject({ ...INVALID, field: 'sent_at' });
      expect(r.details).toMatch(/^sent_at: /);
    }
    expect(await userOf('4917500000050')).toBeUndefined();
  });

  it('AddLogEntry, ApplyWebhookEvents, GetStats: the field is named, nothing is written', async () => {
    await call(h.client, 'applyWebhookEvents', {
      events: [inboundText('wamid.T2', ref('4917500000051'), 'hi', t(0))],
      deliveries: [],
    });
    const user = (await userOf('4917500000051'))!;
    const due = await raw.call('AddLogEntry', {
      user_id: user.id,
      kind: 2,
      text: 'call back',
      due_at: HUGE,
    });
    expect(due).toMatchObject({ ...INVALID, field: 'due_at' });
    const log = await call(h.client, 'listLogEntries', {
      userId: user.id,
      kinds: [],
      states: [],
      overdueOnly: false,
      dueBefore: undefined,
      accountId: '',
      pageSize: 10,
      pageToken: '',
    });
    expect(log.entries).toEqual([]);

    const event = (wamid: string, occurred_at: object) => ({
      account_id: ACCOUNT,
      occurred_at,
      inbound_message: { wamid, from: { wa_id: '4917500000052' }, content: text },
    });
    const batch = await raw.call('ApplyWebhookEvents', {
      events: [0, 1, 2]
        .map((i) => event(`wamid.T3${i}`, SECONDS(t(i))))
        .concat(event('wamid.T33', HUGE)),
    });
    expect(batch).toMatchObject({ ...INVALID, field: 'events[3].occurred_at' });
    expect(await userOf('4917500000052')).toBeUndefined();

    for (const from of [HUGE, UNSAFE]) {
      const stats = await raw.call('GetStats', { from, to: SECONDS(t(60)), bucket: 1 });
      expect(stats).toMatchObject({ ...INVALID, field: 'from' });
    }
  });
});

describe('enum numbers the contract does not declare', () => {
  it('are refused naming the field, and nothing is stored', async () => {
    await call(h.client, 'applyWebhookEvents', {
      events: [inboundText('wamid.T4', ref('4917500000053'), 'hi', t(0))],
      deliveries: [],
    });
    const user = (await userOf('4917500000053'))!;
    expect(
      await raw.call('GetStats', { from: SECONDS(t(0)), to: SECONDS(t(60)), bucket: 99 }),
    ).toMatchObject({ ...INVALID, field: 'bucket' });
    const update = await raw.call('UpdateUser', {
      user_id: user.id,
      actor: { kind: 99, id: 'mallory' },
      status: 2,
    });
    expect(update).toMatchObject({ ...INVALID, field: 'actor.kind' });
    expect((await userOf('4917500000053'))?.status).toBe(user.status);
    const sideways = Buffer.from(
      JSON.stringify({ k: t(0).toISOString(), id: 'm_x', d: 'sideways' }),
    ).toString('base64url');
    expect(
      await raw.call('ListMessages', { user_id: user.id, page_token: sideways }),
    ).toMatchObject({ ...INVALID, field: 'page_token' });
    expect(await raw.call('ListUsers', { sort: 99 })).toMatchObject({ ...INVALID, field: 'sort' });
    expect(await raw.call('AddLogEntry', { user_id: user.id, kind: 99, text: 'x' })).toMatchObject({
      ...INVALID,
      field: 'kind',
    });
    expect(
      await raw.call('SendMessage', { user_id: user.id, content: { type: 99, text: 'x' } }),
    ).toMatchObject({ ...INVALID, field: 'content.type' });
    const watch = await new Promise<{ code?: number; field?: unknown }>((resolve) => {
      const stream = h.client.watchEvents(
        { cursor: '', userId: '', accountId: '', kinds: [99 as EventKind], keysOnly: false },
        auth(),
      );
      stream.on('error', (e: ServiceError) =>
        resolve({ code: e.code, field: e.metadata.get('x-field')[0] }),
      );
      stream.on('data', () => undefined);
    });
    expect(watch).toEqual({ ...INVALID, field: 'kinds[0]' });
  });
});

describe('hostile input', () => {
  it('rejects a batch with one bad event without applying any of it', async () => {
    const good = inboundText('wamid.H1', ref('4917500000001'), 'fine', t(0));
    const bad = seen(ref('4917500000002'), 'x'.repeat(10_000), t(0));
    const e = await callError(h.client, 'applyWebhookEvents', {
      events: [good, bad],
      deliveries: [],
    });
    expect(e.code).toBe(Code.INVALID_ARGUMENT);
    expect(e.details).toBe('events[1].user_seen.name: longer than 256 characters');
    await expect(
      call(h.client, 'getUser', {
        lookup: {
          $case: 'accountUser',
          accountUser: { accountId: ACCOUNT, user: ref('4917500000001') },
        },
      }),
    ).rejects.toMatchObject({ code: Code.NOT_FOUND });
    const noAccount = await callError(h.client, 'applyWebhookEvents', {
      events: [WebhookEvent.fromPartial({ ...good, accountId: '' })],
      deliveries: [],
    });
    expect(noAccount.details).toBe('events[0].account_id: required');
    const letters = await callError(h.client, 'applyWebhookEvents', {
      events: [inboundText('wamid.H2', ref('49abc'), 'x', t(0))],
      deliveries: [],
    });
    expect(letters.details).toBe('events[0].inbound_message.from.wa_id: digits only');
  });

  it('stores markup, quotes and operators as plain text', async () => {
    const evil = `<script>alert("x")</script> '; db.users.drop() {"$gt": ""} \u202e`;
    await call(h.client, 'applyWebhookEvents', {
      events: [
        seen(ref('4917500000003'), evil.slice(0, 200), t(0)),
        inboundText('wamid.H3', ref('4917500000003'), evil, t(0)),
      ],
      deliveries: [],
    });
    const u = (
      await call(h.client, 'getUser', {
        lookup: {
          $case: 'accountUser',
          accountUser: { accountId: ACCOUNT, user: ref('4917500000003') },
        },
      })
    ).user!;
    expect(u.profile?.name).toBe(evil.slice(0, 200));
    const m = (
      await call(h.client, 'listMessages', {
        userId: u.id,
        pageSize: 1,
        pageToken: '',
        personId: '',
      })
    ).messages[0]!;
    expect(m.content?.text).toBe(evil);
    const found = await call(
      h.client,
      'listUsers',
      ListUsersRequest.fromPartial({ query: '{"$gt": ""}' }),
    );
    expect(found.users.map((x) => x.id)).toEqual([u.id]);
  });

  it('bounds every list, query and update', async () => {
    const long = await callError(
      h.client,
      'listUsers',
      ListUsersRequest.fromPartial({ query: 'a'.repeat(201) }),
    );
    expect(long.details).toBe('query: longer than 200 characters');
    const tags = await callError(
      h.client,
      'listUsers',
      ListUsersRequest.fromPartial({ tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }),
    );
    expect(tags.details).toBe('tags: at most 20');
    const neg = await callError(
      h.client,
      'listUsers',
      ListUsersRequest.fromPartial({ pageSize: -1 }),
    );
    expect(neg.details).toBe('page_size: must be between 1 and 200');
    const email = await callError(
      h.client,
      'updateUser',
      UpdateUserRequest.fromPartial({ userId: 'u_x', email: 'not-an-email' }),
    );
    expect(email.details).toBe('email: not an email address');
    const status = await callError(
      h.client,
      'updateUser',
      UpdateUserRequest.fromPartial({ userId: 'u_x', status: 99 as UserStatus }),
    );
    expect(status.details).toBe('status: unknown status');
    const actor = await callError(
      h.client,
      'updateUser',
      UpdateUserRequest.fromPartial({
        userId: 'u_x',
        actor: { kind: ActorKind.ADMIN, id: 'x'.repeat(300) },
      }),
    );
    expect(actor.details).toBe('actor.id: longer than 128 characters');
  });

  it('rejects missing, malformed and unknown tokens on every kind of call', async () => {
    const md = auth('nope-nope-nope');
    expect(
      (await callError(h.client, 'listUsers', ListUsersRequest.fromPartial({}), md)).code,
    ).toBe(Code.UNAUTHENTICATED);
    expect(
      (await callError(h.client, 'applyWebhookEvents', { events: [], deliveries: [] }, md)).code,
    ).toBe(Code.UNAUTHENTICATED);
    const e = await callError(
      h.client,
      'getStats',
      { accountId: '', from: t(0), to: t(1), bucket: 0, timeZone: '' },
      auth(''),
    );
    expect(e.code).toBe(Code.UNAUTHENTICATED);
    expect(e.details).toContain('Bearer');
  });

  it('honours a short deadline on a big batch, and the retry completes it exactly', async () => {
    const from = ref('4917500000009');
    const events = Array.from({ length: 200 }, (_, i) =>
      inboundText(`wamid.D${i}`, from, `m ${i}`, t(i)),
    );
    const err = await new Promise<{ code?: number }>((resolve) =>
      h.client.applyWebhookEvents(
        { events, deliveries: [] },
        auth(),
        { deadline: Date.now() + 30 },
        (e) => resolve(e ?? {}),
      ),
    );
    expect(err.code).toBe(Code.DEADLINE_EXCEEDED);
    await new Promise((r) => setTimeout(r, 200)); // let the server notice and stop
    const retry = await call(h.client, 'applyWebhookEvents', { events, deliveries: [] });
    expect(retry.applied + retry.duplicates).toBe(200);
    const u = (
      await call(h.client, 'getUser', {
        lookup: { $case: 'accountUser', accountUser: { accountId: ACCOUNT, user: from } },
      })
    ).user!;
    expect(u.counters?.inboundMessages).toBe(200);
  });
});
