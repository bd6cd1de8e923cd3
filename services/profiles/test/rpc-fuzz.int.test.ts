// Fuzz of every unary RPC's arguments against the real server (loopback, seeded, bounded): random
// and edge values (huge and negative numbers, Timestamps out of any range, enum numbers the
// contract does not declare, overlong strings, Object.prototype names as ids and keys, odd
// unicode, empty oneofs), written as any protobuf library may (int64 as decimal strings). No call
// answers INTERNAL or UNKNOWN, every INVALID_ARGUMENT names its field, the server stays up and a
// valid call made afterwards works.
import { status as Code } from '@grpc/grpc-js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, inboundText, ref, t } from './events.js';
import { call, startHarness, type Harness } from './harness.js';
import { createRawClient, UNARY_METHODS, type RawClient, type RawReply } from './raw-client.js';

const SEED = 20_251_201;
const RUNS_PER_METHOD = 150;
const TIME_LIMIT_MS = 2_000; // per method (each its own test)
/** Codes a call may answer: everything but INTERNAL, UNKNOWN and the like. */
const EXPECTED = new Set([
  Code.OK,
  Code.INVALID_ARGUMENT,
  Code.NOT_FOUND,
  Code.ALREADY_EXISTS,
  Code.FAILED_PRECONDITION,
]);
const WA = '4917712345678';

let h: Harness;
let raw: RawClient;
let userId = '';
/** Status codes answered, over all methods: the generators reach past validation too. */
const seen = new Map<number, number>();
beforeAll(async () => {
  h = await startHarness('fuzz');
  raw = createRawClient(h.addr);
  await call(h.client, 'applyWebhookEvents', {
    events: [inboundText('wamid.F1', ref(WA), 'hello', new Date())],
    deliveries: [],
  });
  userId = (
    await call(h.client, 'getUser', {
      lookup: { $case: 'accountUser', accountUser: { accountId: ACCOUNT, user: ref(WA) } },
    })
  ).user!.id;
});
afterAll(async () => {
  raw.close();
  await h.close();
});

// ---- values ------------------------------------------------------------------------------------

const PROTO_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];
const odd = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  '\u202e\u200b',
  'Z̸̡̛͓̜̗a̶l̷g̵o̴',
  '👩🏽‍💻🇩🇪',
  '$gt',
  '{"$ne":null}',
  'a.b.c',
  '..',
  '/',
  ...PROTO_NAMES,
);
/** Plausible values are drawn most often, so calls also get past validation into the stores. */
const word = fc.stringMatching(/^[a-z0-9_]{1,12}$/);
const str = fc.oneof(
  { weight: 5, arbitrary: word },
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: odd },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
  { weight: 1, arbitrary: fc.string({ minLength: 200, maxLength: 5_000 }) },
  { weight: 1, arbitrary: fc.constant('x'.repeat(70_000)) },
);
/** An id: random, odd, or one that exists (so the call gets past the lookup). */
const id = fc.oneof(str, fc.constant('__existing__'));
const digits = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^49\d{9,11}$/) },
  { weight: 2, arbitrary: fc.constant(WA) },
  { weight: 1, arbitrary: fc.stringMatching(/^\d{1,22}$/) },
  { weight: 1, arbitrary: str },
);
const int32 = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 50 }) },
  fc.integer({ min: -5, max: 300 }),
  fc.constantFrom(-1, 0, 2_147_483_647, -2_147_483_648),
);
const enumNumber = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 4 }) },
  fc.integer({ min: -2, max: 20 }),
  fc.constantFrom(99, 2_147_483_647, -2_147_483_648),
);
const double = fc.oneof(
  { weight: 3, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) },
  fc.double(),
  fc.constantFrom(0, 0.5, 1, -1, Number.NaN, Infinity, -Infinity, 1e308),
);
const seconds = fc.oneof(
  { weight: 6, arbitrary: fc.bigInt({ min: 1_600_000_000n, max: 1_900_000_000n }) },
  fc.constantFrom(0n, -1n, 10_000_000_000_000n, 2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n)),
  fc.constantFrom(253_402_300_799n, 253_402_300_800n, -62_135_596_800n, -62_135_596_801n),
);
const nanos = fc.oneof(
  { weight: 6, arbitrary: fc.constant(0) },
  fc.integer({ min: 0, max: 999_999_999 }),
  fc.constantFrom(-1, 1_000_000_000, 2_147_483_647, -2_147_483_648),
);
const timestamp = fc.option(
  fc.record({ seconds: seconds.map(String), nanos }, { requiredKeys: [] }),
  { nil: undefined },
);
const token = fc.oneof(
  { weight: 3, arbitrary: fc.constant('') },
  str,
  fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v)).toString('base64url')),
  fc
    .record(
      {
        k: fc.oneof(
          fc.date().map((d) => d.toISOString()),
          str,
        ),
        id: str,
        d: str,
        f: str,
      },
      { requiredKeys: [] },
    )
    .map((v) => Buffer.from(JSON.stringify(v)).toString('base64url')),
);
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const rec = <T extends Record<string, fc.Arbitrary<unknown>>>(fields: T) =>
  fc.record(fields, { requiredKeys: [] });

const userRef = rec({
  wa_id: digits,
  bsuid: str,
  parent_bsuid: str,
  scoped_id: fc.oneof(digits, str),
});
const actor = opt(rec({ kind: enumNumber, id: str, display_name: str }));
const content = opt(
  rec({
    type: enumNumber,
    text: str,
    template: rec({ name: str, language: str, components_json: str }),
    media: rec({
      media_id: str,
      mime_type: str,
      filename: str,
      url: str,
      stored: rec({ state: enumNumber, file_id: str, reason: str }),
    }),
    location: rec({ latitude: double, longitude: double, name: str }),
    unsupported_type: str,
  }),
);
/** One member of a oneof, or none (an empty oneof). */
const oneOf = (members: Record<string, fc.Arbitrary<unknown>>) =>
  fc.oneof(fc.constant({}), ...Object.entries(members).map(([k, a]) => a.map((v) => ({ [k]: v }))));
const messageRef = opt(
  rec({ message_id: str, account_id: fc.oneof(fc.constant(ACCOUNT), str), wamid: str }),
);
const errors = fc.array(rec({ code: int32, title: str, message: str }), { maxLength: 2 });
const webhookEvent = fc
  .tuple(
    rec({
      account_id: fc.oneof(fc.constant(ACCOUNT), str),
      waba_id: str,
      occurred_at: timestamp,
      channel: enumNumber,
      account_display: str,
    }),
    oneOf({
      user_seen: rec({
        user: userRef,
        name: str,
        username: str,
        referral: rec({ source_id: str, source_type: str, headline: str }),
      }),
      inbound_message: rec({
        wamid: str,
        from: userRef,
        content,
        raw_json: str,
        errors,
        echo: fc.boolean(),
        echo_metadata: fc.oneof(
          str,
          id.map((m) => `ue:${m}`),
        ),
      }),
      status: rec({
        wamid: str,
        status: enumNumber,
        recipient: userRef,
        errors,
        biz_opaque_callback_data: str,
      }),
      reaction: rec({ wamid: str, from: userRef, target_wamid: str, emoji: str }),
      edit: rec({ wamid: str, from: userRef, target_wamid: str, content }),
      revoke: rec({ wamid: str, from: userRef, target_wamid: str }),
      number_change: rec({ wamid: str, old_user: userRef, new_user: userRef, body: str }),
      provider_error: rec({ errors }),
      send_result: rec({ message_id: id, wamid: str, errors }),
      watermark: rec({ user: userRef, status: enumNumber, watermark: timestamp }),
    }),
  )
  .map(([base, event]) => ({ ...base, ...event }));

const int64 = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 100_000 }).map(String) },
  fc.constantFrom('-1', '9007199254740993', '9223372036854775807', '-9223372036854775808'),
);
const criterion = rec({
  key: str,
  score: int32,
  reason: str,
  weight: int32,
  measured: fc.boolean(),
});
/** Mostly five criteria weighted 20 each (so the sum holds), sometimes anything. */
const criteria = fc.oneof(
  fc
    .array(fc.integer({ min: 0, max: 10 }), { minLength: 5, maxLength: 5 })
    .map((scores) => scores.map((score, i) => ({ key: `k${i}`, score, weight: 20 }))),
  fc.array(criterion, { maxLength: 11 }),
);
const review = rec({
  id: str,
  user_id: id,
  state: enumNumber,
  summary: str,
  conversation_language: str,
  display_language: str,
  topics: fc.array(str, { maxLength: 13 }),
  sentiment: enumNumber,
  sentiment_trend: enumNumber,
  action_items: fc.array(rec({ text: str, owner: enumNumber }), { maxLength: 3 }),
  score: int32,
  uncapped_score: int32,
  criteria,
  signals: rec({
    first_response_ms: int64,
    median_response_ms: int64,
    unanswered_questions: int32,
    failed_deliveries: int32,
    human_takeovers: int32,
    inbound_messages: int32,
    outbound_messages: int32,
    score_cap: int32,
    cap_reasons: fc.array(str, { maxLength: 3 }),
  }),
  range: rec({
    first_message_id: str,
    last_message_id: str,
    first_at: timestamp,
    last_at: timestamp,
    message_count: int32,
  }),
  provider: str,
  model: str,
  prompt_version: str,
  reviewed_at: timestamp,
  duration_ms: int64,
  error: str,
  reviewer: actor,
});

// ---- requests ------------------------------------------------------------------------------------

const REQUESTS: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  ApplyWebhookEvents: rec({
    events: fc.array(webhookEvent, { maxLength: 4 }),
    deliveries: fc.array(
      rec({
        sha256: str,
        body: fc.uint8Array({ maxLength: 300 }),
        received_at: timestamp,
        provider: str,
      }),
      { maxLength: 2 },
    ),
  }),
  GetUser: oneOf({
    id,
    account_user: rec({ account_id: str, user: userRef }),
    phone: rec({ phone: digits, account_id: str, default_region: str }),
  }),
  ListUsers: rec({
    query: str,
    statuses: fc.array(enumNumber, { maxLength: 3 }),
    tags: fc.array(str, { maxLength: 3 }),
    account_id: str,
    active_after: timestamp,
    active_before: timestamp,
    needs_reply: fc.boolean(),
    sort: enumNumber,
    page_size: int32,
    page_token: token,
    score_below: int32,
    sentiments: fc.array(enumNumber, { maxLength: 3 }),
    has_open_action_items: fc.boolean(),
    review_pending: fc.boolean(),
    group_by_person: fc.boolean(),
    channel: enumNumber,
  }),
  UpdateUser: rec({
    user_id: id,
    actor,
    status: enumNumber,
    add_tags: fc.array(str, { maxLength: 3 }),
    remove_tags: fc.array(str, { maxLength: 3 }),
    paused: fc.boolean(),
    display_name: str,
    email: str,
    reason: str,
  }),
  ListMessages: rec({ user_id: id, person_id: str, page_size: int32, page_token: token }),
  RecordOutboundMessage: rec({
    user_id: id,
    recipient: rec({ account_id: str, user: userRef }),
    wamid: str,
    client_id: str,
    content,
    author: actor,
    sent_at: timestamp,
    biz_opaque_callback_data: str,
  }),
  SendMessage: rec({
    user_id: id,
    content,
    author: actor,
    client_id: str,
    reply_to_message_id: id,
  }),
  UpsertFacts: rec({
    user_id: id,
    facts: fc.array(
      rec({
        key: fc.oneof(fc.stringMatching(/^[a-z][a-z0-9_.-]{0,10}$/), str),
        value: str,
        confidence: double,
        source_message_id: str,
        retract: fc.boolean(),
      }),
      { maxLength: 3 },
    ),
    author: actor,
  }),
  ListFacts: rec({
    user_id: id,
    keys: fc.array(str, { maxLength: 3 }),
    include_history: fc.boolean(),
    as_of: timestamp,
    include_retracted: fc.boolean(),
  }),
  AddLogEntry: rec({
    user_id: id,
    kind: enumNumber,
    text: str,
    due_at: timestamp,
    author: actor,
    client_id: str,
  }),
  UpdateLogEntry: rec({ id, actor, text: str, state: enumNumber, due_at: timestamp }),
  ListLogEntries: rec({
    user_id: id,
    kinds: fc.array(enumNumber, { maxLength: 3 }),
    states: fc.array(enumNumber, { maxLength: 3 }),
    overdue_only: fc.boolean(),
    due_before: timestamp,
    account_id: str,
    page_size: int32,
    page_token: token,
  }),
  GetStats: rec({
    account_id: str,
    from: timestamp,
    to: timestamp,
    bucket: enumNumber,
    time_zone: str,
  }),
  EraseUser: rec({ user_id: str, actor, reason: str }),
  RecordReview: rec({ review, client_id: str }),
  ListReviews: rec({ user_id: id, page_size: int32, page_token: token }),
  RequestReview: rec({ user_id: id, actor }),
  SetMediaState: rec({ message: messageRef, state: enumNumber, reason: str }),
  GetMessage: rec({ message: messageRef }),
  GetPerson: oneOf({ person_id: str, user_id: id }),
  ListAccounts: rec({ channel: enumNumber }),
  UpdateAccount: rec({
    account_id: fc.oneof(fc.constant(ACCOUNT), str),
    actor,
    channel: enumNumber,
    name: str,
    display_id: str,
    business_id: str,
    credentials_ref: str,
    retention: rec({
      messages_days: int32,
      media_days: int32,
      deliveries_days: int32,
      review_texts_days: int32,
    }),
  }),
  LinkIdentities: rec({
    user_ids: fc.array(id, { maxLength: 22 }),
    actor,
    reason: str,
    rule: enumNumber,
    client_id: str,
  }),
  UnlinkIdentities: fc
    .tuple(oneOf({ link_id: str, user_id: id }), rec({ actor, reason: str }))
    .map(([target, rest]) => ({ ...target, ...rest })),
};

/** The request with the placeholder id replaced by the seeded user's (a copy). */
function withIds(v: unknown): unknown {
  if (v === '__existing__') return userId;
  if (Array.isArray(v)) return v.map(withIds);
  if (v instanceof Uint8Array || typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withIds(x)]));
}

function problem(r: RawReply): string | undefined {
  if (!EXPECTED.has(r.code)) return `answered ${Code[r.code]}: ${r.details}`;
  if (r.code !== Code.INVALID_ARGUMENT) return undefined;
  if (!r.field) return `INVALID_ARGUMENT without an x-field trailer: ${r.details}`;
  if (!r.details.startsWith(`${r.field}: `))
    return `details do not start with the field: ${r.details}`;
  return undefined;
}

describe('fuzzing every unary RPC', () => {
  it('covers every unary method of the contract', () => {
    expect(Object.keys(REQUESTS).sort()).toEqual([...UNARY_METHODS].sort());
  });

  it.each(Object.keys(REQUESTS))(
    '%s: no INTERNAL/UNKNOWN, every INVALID_ARGUMENT names a field',
    async (method) => {
      await fc.assert(
        fc.asyncProperty(REQUESTS[method]!, async (req) => {
          const r = await raw.call(method, withIds(req) as object);
          seen.set(r.code, (seen.get(r.code) ?? 0) + 1);
          expect(problem(r)).toBeUndefined();
        }),
        {
          seed: SEED,
          numRuns: RUNS_PER_METHOD,
          interruptAfterTimeLimit: TIME_LIMIT_MS,
          markInterruptAsFailure: false,
        },
      );
    },
  );

  it('leaves the server up: a valid call afterwards works', async () => {
    expect(seen.get(Code.OK)).toBeGreaterThan(50);
    expect(seen.get(Code.INVALID_ARGUMENT)).toBeGreaterThan(50);
    const wa = '4917712345699';
    const r = await raw.call('ApplyWebhookEvents', {
      events: [
        {
          account_id: ACCOUNT,
          occurred_at: { seconds: String(Math.floor(t(0).getTime() / 1000)) },
          inbound_message: {
            wamid: 'wamid.F2',
            from: { wa_id: wa },
            content: { type: 1, text: 'still here?' },
          },
        },
      ],
    });
    expect(r.code).toBe(Code.OK);
    const u = await call(h.client, 'getUser', {
      lookup: { $case: 'accountUser', accountUser: { accountId: ACCOUNT, user: ref(wa) } },
    });
    expect(u.user?.counters?.inboundMessages).toBe(1);
  });
});
