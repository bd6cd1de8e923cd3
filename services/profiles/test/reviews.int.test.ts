// AI reviews over real gRPC against the MongoDB-wire server and Redis: RecordReview (score
// computed by profiles, cap, failed attempts, older reviews, retries and races with one client
// id), ListReviews, RequestReview and the live feed, the review filters and score sorts of
// ListUsers, GetStats, refusals that write nothing, ExportUser and EraseUser.
import { status as Code, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import {
  ActorKind,
  EventKind,
  ListUsersRequest,
  ReviewState,
  Sentiment,
  StatsBucket,
  UserSort,
  type ExportUserResponse,
  type Review,
  type ReviewSummary,
  type WatchEventsResponse,
} from '@ue/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, inboundText, ref } from './events.js';
import { auth, call, callError, startHarness, type Harness } from './harness.js';
import { failed, recordRequest, review, scored } from './reviews.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('reviews', { heartbeatMs: 300 });
});
afterAll(() => h.close());

const HOUR = 3_600_000;
let serial = 0;

/** A new user of `account` whose last message is at `at`; its id. */
async function newUser(account = ACCOUNT, at = new Date()): Promise<string> {
  serial += 1;
  const who = ref(`49170${String(serial).padStart(8, '0')}`);
  await call(h.client, 'applyWebhookEvents', {
    events: [inboundText(`wamid.R${serial}`, who, 'Wo bleibt meine Bestellung?', at, account)],
    deliveries: [],
  });
  const r = await call(h.client, 'getUser', {
    lookup: { $case: 'accountUser', accountUser: { accountId: account, user: who } },
  });
  return r.user!.id;
}

const record = async (r: Review, clientId = '') =>
  (await call(h.client, 'recordReview', recordRequest(r, clientId))).review!;
const userById = async (id: string) =>
  (await call(h.client, 'getUser', { lookup: { $case: 'id', id } })).user!;
const list = (req: Partial<ListUsersRequest>) =>
  call(h.client, 'listUsers', ListUsersRequest.fromPartial(req));
const fieldOf = (e: ServiceError) => e.metadata.get('x-field')[0];

describe('RecordReview and GetUser', () => {
  it('stores the review with the score profiles computes, whatever the caller sent', async () => {
    const id = await newUser();
    expect((await userById(id)).review).toBeUndefined();
    const r = await record(
      review(id, { score: 3, uncappedScore: 4, id: 'mine', reviewedAt: new Date(0) }),
    );
    expect(r).toMatchObject({ userId: id, state: ReviewState.DONE, score: 80, uncappedScore: 80 });
    expect(r.id).toMatch(/^r_/);
    expect(r.reviewer).toEqual({ kind: ActorKind.AGENT, id: 'carol', displayName: 'carol' });
    expect(Math.abs(r.reviewedAt!.getTime() - Date.now())).toBeLessThan(60_000);
    expect(r.criteria.map((c) => c.key)).toEqual([
      'answered_questions',
      'response_time',
      'correct_information',
      'tone',
      'escalation',
    ]);
    const u = await userById(id);
    expect(u.review).toEqual({
      reviewId: r.id,
      score: 80,
      sentiment: Sentiment.POSITIVE,
      headline: 'The customer asked where the order is.',
      openActionItems: 1,
      reviewedAt: r.reviewedAt,
      coveredUntil: r.range!.lastAt,
      provider: 'local',
      hasReview: true,
      lastError: '',
      lastErrorAt: undefined,
    });
    const listed = await list({ query: '', sort: UserSort.SCORE_DESC });
    expect(listed.users.find((x) => x.id === id)?.review?.score).toBe(80);
  });

  it('applies the cap of the signals', async () => {
    const id = await newUser();
    const r = await record(review(id, { scoreCap: 35 }));
    expect(r).toMatchObject({ score: 35, uncappedScore: 80 });
    expect((await userById(id)).review?.score).toBe(35);
  });

  it('keeps the previous summary after a failed attempt and notes the error', async () => {
    const id = await newUser();
    const ok = await record(review(id));
    const bad = await record(failed(id));
    expect(bad).toMatchObject({
      state: ReviewState.FAILED,
      score: 0,
      error: 'model answered invalid JSON',
    });
    const s = (await userById(id)).review!;
    expect(s).toMatchObject({ reviewId: ok.id, score: 80, hasReview: true });
    expect(s.lastError).toBe('model answered invalid JSON');
    expect(s.lastErrorAt).toEqual(bad.reviewedAt);
    // Failed from the start: still pending, with the error.
    const other = await newUser();
    await record(failed(other));
    expect((await userById(other)).review).toMatchObject({
      hasReview: false,
      reviewId: '',
      lastError: 'model answered invalid JSON',
    });
  });

  it('stores an older review in the history without replacing a newer summary', async () => {
    const id = await newUser();
    const now = Date.now();
    const newer = await record(review(id, { lastAt: new Date(now - HOUR) }));
    const older = await record(
      review(id, { lastAt: new Date(now - 2 * HOUR), criteria: scored(1) }),
    );
    expect(older.score).toBe(10);
    expect((await userById(id)).review).toMatchObject({ reviewId: newer.id, score: 80 });
    const history = await call(h.client, 'listReviews', { userId: id, pageSize: 0, pageToken: '' });
    expect(history.reviews.map((x) => x.id)).toEqual([older.id, newer.id]);
    // The same coverage again: a re-review replaces it.
    const again = await record(review(id, { lastAt: new Date(now - HOUR), criteria: scored(6) }));
    expect((await userById(id)).review).toMatchObject({ reviewId: again.id, score: 60 });
  });
});

describe('ListReviews', () => {
  it('pages the history newest first, failed attempts included', async () => {
    const id = await newUser();
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push((await record(i % 2 ? failed(id) : review(id))).id);
    const seen: Review[] = [];
    let pageToken = '';
    let pages = 0;
    do {
      const p = await call(h.client, 'listReviews', { userId: id, pageSize: 2, pageToken });
      seen.push(...p.reviews);
      pageToken = p.nextPageToken;
      pages += 1;
    } while (pageToken);
    expect(pages).toBe(3);
    expect(seen.map((r) => r.id)).toEqual([...ids].reverse());
    expect(seen.map((r) => r.state)).toEqual([1, 2, 1, 2, 1]);
    const nf = await callError(h.client, 'listReviews', {
      userId: 'u_nope',
      pageSize: 0,
      pageToken: '',
    });
    expect(nf.code).toBe(Code.NOT_FOUND);
    const big = await callError(h.client, 'listReviews', {
      userId: id,
      pageSize: 51,
      pageToken: '',
    });
    expect(big.details).toBe('page_size: must be between 1 and 50');
  });
});

/** Collect live events until `until` says stop (cancelling the stream). */
function watch(userId: string, until: (got: WatchEventsResponse[]) => boolean) {
  const got: WatchEventsResponse[] = [];
  const stream: ClientReadableStream<WatchEventsResponse> = h.client.watchEvents(
    {
      cursor: '',
      userId,
      accountId: '',
      kinds: [EventKind.REVIEW_RECORDED, EventKind.REVIEW_REQUESTED],
      keysOnly: false,
    },
    auth(),
  );
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (markReady = r));
  const done = new Promise<WatchEventsResponse[]>((resolve, reject) => {
    stream.on('data', (r: WatchEventsResponse) => {
      markReady();
      if (!r.heartbeat) got.push(r);
      if (until(got)) {
        stream.cancel();
        resolve(got);
      }
    });
    stream.on('error', (e: ServiceError) => (e.code === Code.CANCELLED ? resolve(got) : reject(e)));
  });
  return { ready, done };
}

describe('RequestReview and the live feed', () => {
  it('announces a request without payload, and each recorded review with it', async () => {
    const id = await newUser();
    const w = watch(id, (g) => g.length >= 2);
    await w.ready; // the first heartbeat: the stream is live
    await call(h.client, 'requestReview', {
      userId: id,
      actor: { kind: ActorKind.ADMIN, id: 'ana', displayName: 'Ana' },
    });
    const r = await record(review(id));
    const [requested, recorded] = await w.done;
    expect(requested).toMatchObject({
      kind: EventKind.REVIEW_REQUESTED,
      userId: id,
      accountId: ACCOUNT,
      actor: { kind: ActorKind.ADMIN, id: 'ana', displayName: 'Ana' },
    });
    expect(requested!.payload).toBeUndefined();
    expect(recorded).toMatchObject({
      kind: EventKind.REVIEW_RECORDED,
      userId: id,
      accountId: ACCOUNT,
    });
    expect(recorded!.payload).toEqual({ $case: 'review', review: r });
    expect(recorded!.actor).toBeUndefined();
    const nf = await callError(h.client, 'requestReview', { userId: 'u_nope', actor: undefined });
    expect(nf.code).toBe(Code.NOT_FOUND);
  });

  it('attributes a request without an actor to the caller', async () => {
    const id = await newUser();
    const w = watch(id, (g) => g.length >= 1);
    await w.ready;
    await call(h.client, 'requestReview', { userId: id, actor: undefined });
    const [requested] = await w.done;
    expect(requested?.actor).toEqual({ kind: ActorKind.AGENT, id: 'carol', displayName: 'carol' });
  });
});

/** The REVIEW_RECORDED events of `userId` while `act` runs (a request sent after it ends them). */
async function recordedDuring(userId: string, act: () => Promise<void>) {
  const w = watch(userId, (g) => g.some((e) => e.kind === EventKind.REVIEW_REQUESTED));
  await w.ready;
  await act();
  await call(h.client, 'requestReview', { userId, actor: undefined });
  return (await w.done).filter((e) => e.kind === EventKind.REVIEW_RECORDED);
}

describe('RecordReview with a client id', () => {
  const storedOf = (userId: string) =>
    h.mongo.cols.reviews.find({ userId }).sort({ reviewedAt: 1, _id: 1 }).toArray();
  // A day after the default coverage: stored, such a review would replace the summary.
  const later = new Date(Date.UTC(2026, 10, 11, 8));

  it('answers a retry with the review stored first: one entry, one summary change, one event', async () => {
    const id = await newUser();
    const got: Review[] = [];
    let summary: ReviewSummary | undefined;
    const events = await recordedDuring(id, async () => {
      got.push(await record(review(id), 'run-1'));
      summary = (await userById(id)).review;
      // The retry after a lost reply, even with content the model computed anew.
      got.push(await record(review(id, { criteria: scored(2), lastAt: later }), 'run-1'));
    });
    const [first, retry] = got;
    expect(retry).toEqual(first);
    expect((await userById(id)).review).toEqual(summary);
    const stored = await storedOf(id);
    expect(stored.map((r) => [r._id, r.clientId])).toEqual([[first!.id, 'run-1']]);
    expect(events.map((e) => e.payload)).toEqual([{ $case: 'review', review: first }]);
  });

  it('stores one review for two concurrent calls with the same client id', async () => {
    const id = await newUser();
    let got: Review[] = [];
    const events = await recordedDuring(id, async () => {
      got = await Promise.all([
        record(review(id), 'race'),
        record(review(id, { criteria: scored(3), lastAt: later }), 'race'),
      ]);
    });
    const [a, b] = got;
    expect(b).toEqual(a);
    expect((await storedOf(id)).map((r) => r._id)).toEqual([a!.id]);
    expect((await userById(id)).review).toMatchObject({ reviewId: a!.id, score: a!.score });
    expect(events).toHaveLength(1);
  });

  // The store as concurrent calls reach it when both passed the existence check before either
  // committed: the loser's transaction writes nothing and it answers the winner's review.
  const attempt = (userId: string, n: number) => {
    const { id: _i, ...fields } = review(userId, { lastAt: later });
    const r = { ...fields, _id: `r_dup${n}_${userId}`, accountId: ACCOUNT, reviewedAt: new Date() };
    return { ...r, clientId: 'k' };
  };
  const failure = { kind: 'failed' as const, error: 'x', at: new Date() };

  it('a writer that finds the key taken stores nothing and answers the stored review', async () => {
    const id = await newUser();
    const first = await record(review(id), 'k');
    const before = await h.mongo.cols.users.findOne({ _id: id });
    const res = await h.ports.reviews.record(attempt(id, 1), failure);
    expect(res).toMatchObject({ created: false, review: { _id: first.id, clientId: 'k' } });
    expect(await h.mongo.cols.users.findOne({ _id: id })).toEqual(before);
    expect((await storedOf(id)).map((r) => r._id)).toEqual([first.id]);
  });

  it('two transactions storing one key at once: one is stored, both answer it', async () => {
    const id = await newUser();
    const got = await Promise.all(
      [1, 2].map((n) => h.ports.reviews.record(attempt(id, n), failure)),
    );
    expect(got.map((g) => g.created).sort()).toEqual([false, true]);
    const winner = got.find((g) => g.created)!.review;
    expect(got.map((g) => g.review._id)).toEqual([winner._id, winner._id]);
    expect((await storedOf(id)).map((r) => r._id)).toEqual([winner._id]);
  });

  it('keys per user, stores every call without a key, and refuses a key over 100 characters', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const ra = await record(review(a), 'same');
    const rb = await record(review(b), 'same');
    expect(rb.id).not.toBe(ra.id);
    await record(review(a));
    await record(review(a));
    const stored = await storedOf(a);
    expect(stored).toHaveLength(3);
    expect(stored.filter((r) => 'clientId' in r).map((r) => r._id)).toEqual([ra.id]);
    const e = await callError(h.client, 'recordReview', recordRequest(review(a), 'k'.repeat(101)));
    expect([e.code, fieldOf(e), e.details]).toEqual([
      Code.INVALID_ARGUMENT,
      'client_id',
      'client_id: longer than 100 characters',
    ]);
    expect(await storedOf(a)).toHaveLength(3);
    expect((await record(review(a), 'k'.repeat(100))).id).toMatch(/^r_/);
  });
});

describe('ExportUser', () => {
  it('streams the review history after the other parts, oldest first', async () => {
    const id = await newUser();
    const ok = await record(review(id));
    const bad = await record(failed(id));
    const parts: ExportUserResponse[] = [];
    await new Promise<void>((resolve, reject) => {
      const s = h.client.exportUser({ userId: id }, auth());
      s.on('data', (p: ExportUserResponse) => parts.push(p));
      s.on('end', resolve);
      s.on('error', reject);
    });
    expect(parts.map((p) => p.part?.$case)).toEqual(['user', 'message', 'review', 'review']);
    expect(parts.slice(-2).map((p) => p.part)).toEqual([
      { $case: 'review', review: ok },
      { $case: 'review', review: bad },
    ]);
  });
});

describe('ListUsers by review', () => {
  const acct = 'acct-review-lists';
  // Scores 10..90 (criteria all scored 1..9), negative below 50; 30 and 70 without action items.
  const SCORES = [70, 10, 90, 30, 50, 30];
  const users: { id: string; score: number }[] = [];
  let pending = '';
  beforeAll(async () => {
    for (const score of SCORES) {
      const id = await newUser(acct);
      const base = review(id, {
        criteria: scored(score / 10),
        sentiment:
          score < 50 ? Sentiment.NEGATIVE : score === 50 ? Sentiment.NEUTRAL : Sentiment.POSITIVE,
      });
      await record(score === 30 || score === 70 ? { ...base, actionItems: [] } : base);
      users.push({ id, score });
    }
    pending = await newUser(acct);
    await record(failed(pending));
  });
  const ids = async (req: Partial<ListUsersRequest>) =>
    (await list({ accountId: acct, pageSize: 50, ...req })).users.map((u) => u.id).sort();
  const having = (f: (s: number) => boolean) =>
    users
      .filter((u) => f(u.score))
      .map((u) => u.id)
      .sort();

  it('filters by score, sentiment, open action items and pending', async () => {
    expect(await ids({ scoreBelow: 50 })).toEqual(having((s) => s < 50));
    expect(await ids({ scoreBelow: 100 })).toEqual(having(() => true));
    expect(await ids({ sentiments: [Sentiment.NEGATIVE, Sentiment.NEUTRAL] })).toEqual(
      having((s) => s <= 50),
    );
    expect(await ids({ hasOpenActionItems: true })).toEqual(having((s) => s !== 30 && s !== 70));
    expect(await ids({ hasOpenActionItems: false })).toEqual(having((s) => s === 30 || s === 70));
    expect(await ids({ reviewPending: true })).toEqual([pending]);
    expect(await ids({ reviewPending: false })).toEqual(having(() => true));
    expect(await ids({ reviewPending: false, scoreBelow: 31, hasOpenActionItems: false })).toEqual(
      having((s) => s === 30),
    );
    for (const scoreBelow of [0, 101, -3]) {
      const e = await callError(
        h.client,
        'listUsers',
        ListUsersRequest.fromPartial({ scoreBelow }),
      );
      expect([e.code, fieldOf(e)]).toEqual([Code.INVALID_ARGUMENT, 'score_below']);
    }
    const e = await callError(
      h.client,
      'listUsers',
      ListUsersRequest.fromPartial({ sentiments: [0] }),
    );
    expect(fieldOf(e)).toBe('sentiments[0]');
  });

  it('sorts reviewed users by score both ways, across pages, ties by id', async () => {
    const all = async (sort: UserSort, extra: Partial<ListUsersRequest> = {}) => {
      const seen: { id: string; score: number }[] = [];
      let pageToken = '';
      do {
        const p = await list({ accountId: acct, sort, pageSize: 2, pageToken, ...extra });
        seen.push(...p.users.map((u) => ({ id: u.id, score: u.review!.score })));
        pageToken = p.nextPageToken;
      } while (pageToken);
      return seen;
    };
    const asc = [...users].sort((a, b) => a.score - b.score || (a.id < b.id ? -1 : 1));
    expect(await all(UserSort.SCORE_ASC)).toEqual(asc);
    expect(await all(UserSort.SCORE_DESC)).toEqual([...asc].reverse());
    expect(await all(UserSort.SCORE_ASC, { scoreBelow: 50 })).toEqual(
      asc.filter((u) => u.score < 50),
    );
    // A token of another sort is refused.
    const p = await list({ accountId: acct, sort: UserSort.SCORE_ASC, pageSize: 1 });
    const e = await callError(
      h.client,
      'listUsers',
      ListUsersRequest.fromPartial({
        accountId: acct,
        sort: UserSort.CREATED_DESC,
        pageToken: p.nextPageToken,
      }),
    );
    expect(fieldOf(e)).toBe('page_token');
  });

  it('walks the score index for the sort, never the whole collection', async () => {
    const e: unknown = await h.mongo.cols.users
      .find({ $and: [{ 'review.score': { $gte: 0 } }, { erasedAt: { $exists: false } }] })
      .sort({ 'review.score': 1, _id: 1 })
      .limit(3)
      .explain('executionStats');
    const plan = JSON.stringify((e as { queryPlanner?: unknown }).queryPlanner ?? e);
    expect(plan).toContain('review.score_1__id_1');
    expect(plan).not.toContain('COLLSCAN');
    expect(plan).not.toMatch(/"stage":"SORT"/);
  });
});

describe('refused requests', () => {
  it('name the field and write nothing', async () => {
    const id = await newUser();
    await record(review(id));
    const before = {
      user: await h.mongo.cols.users.findOne({ _id: id }),
      reviews: await h.mongo.cols.reviews.countDocuments({}),
    };
    const bad: [Partial<Review>, string][] = [
      [{ userId: '' }, 'review.user_id'],
      [{ state: ReviewState.UNSPECIFIED }, 'review.state'],
      [{ range: undefined }, 'review.range'],
      [{ summary: '' }, 'review.summary'],
      [{ criteria: scored(11) }, 'review.criteria[0].score'],
      [{ criteria: review(id).criteria.slice(1) }, 'review.criteria'],
      [{ signals: undefined }, 'review.signals'],
      [{ model: 'm'.repeat(101) }, 'review.model'],
      [{ sentiment: 42 as Sentiment }, 'review.sentiment'],
    ];
    for (const [change, field] of bad) {
      const e = await callError(
        h.client,
        'recordReview',
        recordRequest({ ...review(id), ...change }),
      );
      expect([e.code, fieldOf(e), e.details.startsWith(`${field}: `)]).toEqual([
        Code.INVALID_ARGUMENT,
        field,
        true,
      ]);
    }
    const nf = await callError(h.client, 'recordReview', recordRequest(review('u_nope')));
    expect(nf.code).toBe(Code.NOT_FOUND);
    expect(await h.mongo.cols.users.findOne({ _id: id })).toEqual(before.user);
    expect(await h.mongo.cols.reviews.countDocuments({})).toBe(before.reviews);
  });
});

describe('EraseUser', () => {
  it('deletes the reviews and the summary; the erased user takes no more reviews', async () => {
    const id = await newUser();
    await record(review(id));
    await record(failed(id), 'attempt-2');
    const erased = await call(h.client, 'eraseUser', {
      userId: id,
      actor: { kind: ActorKind.ADMIN, id: 'dpo', displayName: 'DPO' },
      reason: 'GDPR',
    });
    expect(erased).toEqual({
      messagesErased: 1,
      factsErased: 0,
      logEntriesErased: 0,
      reviewsErased: 2,
    });
    expect(await h.mongo.cols.reviews.countDocuments({ userId: id })).toBe(0);
    expect((await userById(id)).review).toBeUndefined();
    const history = await call(h.client, 'listReviews', { userId: id, pageSize: 0, pageToken: '' });
    expect(history.reviews).toEqual([]);
    const e = await callError(h.client, 'recordReview', recordRequest(review(id)));
    expect(e.code).toBe(Code.NOT_FOUND);
    const audit = await h.mongo.cols.audit.findOne({ userId: id });
    expect(audit?.counts).toMatchObject({ reviewsErased: 2 });
    // Erased between the caller's check and the write: the transaction stores nothing.
    const { id: _i, ...fields } = review(id);
    const late = { ...fields, _id: 'r_late', accountId: ACCOUNT, reviewedAt: new Date() };
    const change = { kind: 'failed' as const, error: 'x', at: new Date() };
    await expect(h.ports.reviews.record(late, change)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await h.mongo.cols.reviews.countDocuments({ userId: id })).toBe(0);
  });
});

describe('concurrent reviews', () => {
  it('end with the summary of the one covering the newest messages, whatever the order', async () => {
    const id = await newUser();
    const now = Date.now();
    const offsets = [3, 1, 4, 2, 5];
    const recorded = await Promise.all(
      offsets.map((o) =>
        record(review(id, { lastAt: new Date(now - o * HOUR), criteria: scored(10 - o) })),
      ),
    );
    const newest = recorded[offsets.indexOf(1)]!;
    expect((await userById(id)).review).toMatchObject({
      reviewId: newest.id,
      score: 90,
      coveredUntil: new Date(now - HOUR),
    });
    expect(await h.mongo.cols.reviews.countDocuments({ userId: id })).toBe(offsets.length);
  });
});

describe('GetStats', () => {
  it('counts the latest reviews of the users active in the range, and reviews per bucket', async () => {
    const acct = 'acct-review-stats';
    const now = Date.now();
    const ids = await Promise.all([0, 1, 2, 3].map(() => newUser(acct, new Date(now - HOUR))));
    const [a, b, c, d] = ids as [string, string, string, string];
    await record(review(a, { criteria: scored(9), sentiment: Sentiment.POSITIVE }));
    await record(review(b, { criteria: scored(2), sentiment: Sentiment.NEGATIVE }));
    await record(review(b, { criteria: scored(4), sentiment: Sentiment.NEGATIVE }));
    await record(review(c, { criteria: scored(10), sentiment: Sentiment.NEUTRAL }));
    await record(failed(d)); // pending
    // Last active long before the range: not in the user figures (its review is in the series).
    const old = await newUser(acct, new Date(now - 30 * 24 * HOUR));
    await record(review(old, { criteria: scored(1), sentiment: Sentiment.NEGATIVE }));
    const stats = await call(h.client, 'getStats', {
      accountId: acct,
      from: new Date(now - 2 * 24 * HOUR),
      to: new Date(now + 24 * HOUR),
      bucket: StatsBucket.DAY,
      timeZone: 'UTC',
    });
    const r = stats.reviews!;
    expect(r).toMatchObject({
      reviewedUsers: 3,
      pendingUsers: 1,
      positive: 1,
      neutral: 1,
      negative: 1,
    });
    expect(r.scoreBands).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0, 2]);
    expect(r.series).toHaveLength(stats.series.length);
    expect(r.series.map((p) => p.bucketStart)).toEqual(stats.series.map((p) => p.bucketStart));
    const counted = r.series.filter((p) => p.reviews > 0);
    const total = counted.reduce((n, p) => n + p.reviews, 0);
    expect(total).toBe(5); // successful ones only: a, b twice, c, old
    const mean = counted.reduce((n, p) => n + (p.meanScore ?? 0) * p.reviews, 0) / total;
    expect(mean).toBeCloseTo((90 + 20 + 40 + 100 + 10) / 5, 6);
    expect(counted.reduce((n, p) => n + p.negative, 0)).toBe(3);
    expect(r.series.filter((p) => p.reviews === 0).every((p) => p.meanScore === undefined)).toBe(
      true,
    );
  });
});
