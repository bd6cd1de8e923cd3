// The review use cases on the in-memory ports: what is stored, what the user's summary becomes,
// what the live feed gets, and that a refused request changes nothing.
import type { AppError } from '@ue/kit';
import {
  ActorKind,
  EventKind,
  GetStatsRequest,
  ListUsersRequest,
  Sentiment,
  StatsBucket,
  UserSort,
} from '@ue/proto';
import { beforeEach, describe, expect, it } from 'vitest';
import { createFakePorts, type FakePorts } from '../../test/fakes.js';
import { ACCOUNT, batch, inboundText, ref, t } from '../../test/events.js';
import { failed, recordRequest, review, scored } from '../../test/reviews.js';
import { userIdFor } from '../domain/ids.js';
import { applyBatch } from './apply-batch.js';
import { eraseUser } from './privacy.js';
import { listReviews, recordReview, requestReview } from './reviews.js';
import { getStats } from './stats.js';
import { listUsers } from './users.js';

const REVIEWER = { kind: ActorKind.AGENT, id: 'review', displayName: 'review' };
const NOA = ref('972501234567');
const noa = userIdFor(ACCOUNT, 'wa', NOA.waId);

let fx: FakePorts;
let clock = 0;
beforeEach(async () => {
  fx = createFakePorts({ now: () => t(100 + clock++) });
  await applyBatch(fx, batch(inboundText('wamid.N1', NOA, 'Wo ist mein Paket?', t(0))));
  clock = 0; // the first review is recorded at t(100), each call a minute later
});

const record = (r = review(noa)) => recordReview(fx, recordRequest(r), REVIEWER);
const summaryOf = async () => (await fx.users.findById(noa))?.review;

describe('recordReview', () => {
  it('stores the review with the score profiles computes and sets the summary', async () => {
    const r = await record(review(noa, { scoreCap: 70 }));
    expect(r).toMatchObject({
      score: 70,
      uncappedScore: 80,
      reviewer: REVIEWER,
      accountId: ACCOUNT,
    });
    expect(r.reviewedAt).toEqual(t(100));
    expect(fx.inspect.reviews()).toEqual([r]);
    expect(await summaryOf()).toEqual({
      reviewId: r._id,
      score: 70,
      sentiment: Sentiment.POSITIVE,
      headline: 'The customer asked where the order is.',
      openActionItems: 1,
      reviewedAt: t(100),
      coveredUntil: r.range?.lastAt,
      provider: 'local',
      hasReview: true,
      lastError: '',
    });
    const [event] = fx.inspect.published().filter((e) => e.kind === EventKind.REVIEW_RECORDED);
    expect(event).toMatchObject({ userId: noa, accountId: ACCOUNT, payload: { $case: 'review' } });
  });

  it('keeps the last successful summary after a failed attempt, and clears the error after a success', async () => {
    const ok = await record();
    const bad = await record(failed(noa));
    expect(bad).toMatchObject({ score: 0, uncappedScore: 0, error: 'model answered invalid JSON' });
    expect(await summaryOf()).toMatchObject({
      reviewId: ok._id,
      score: 80,
      lastError: 'model answered invalid JSON',
      lastErrorAt: bad.reviewedAt,
    });
    await record(review(noa, { criteria: scored(5) }));
    const after = await summaryOf();
    expect(after).toMatchObject({ score: 50, lastError: '' });
    expect(after?.lastErrorAt).toBeUndefined();
  });

  it('a failed first attempt leaves the user pending with the error', async () => {
    const r = await record(failed(noa));
    expect(await summaryOf()).toEqual({
      lastError: 'model answered invalid JSON',
      lastErrorAt: r.reviewedAt,
    });
  });

  it('keeps an older review in the history without replacing a newer summary', async () => {
    const newer = await record(review(noa, { lastAt: t(50) }));
    await record(review(noa, { lastAt: t(40), criteria: scored(2) }));
    expect(fx.inspect.reviews()).toHaveLength(2);
    expect(await summaryOf()).toMatchObject({ reviewId: newer._id, score: 80 });
  });

  it('refuses an unknown or erased user, storing nothing', async () => {
    const missing = await record(review('u_missing')).catch((e: AppError) => e);
    expect(missing).toMatchObject({ code: 'NOT_FOUND' });
    await eraseUser(fx, { userId: noa, actor: REVIEWER, reason: '' }, REVIEWER);
    const erased = await record().catch((e: AppError) => e);
    expect(erased).toMatchObject({ code: 'NOT_FOUND' });
    expect(fx.inspect.reviews()).toEqual([]);
  });

  it('refuses an invalid review before writing anything', async () => {
    const before = fx.inspect.snapshot();
    const err = await record(review(noa, { criteria: scored(11) })).catch((e: AppError) => e);
    expect(err).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'review.criteria[0].score' });
    expect(fx.inspect.snapshot()).toEqual(before);
  });
});

describe('recordReview with a client id', () => {
  const keyed = (r = review(noa), clientId = 'attempt-1') =>
    recordReview(fx, recordRequest(r, clientId), REVIEWER);
  const recorded = () => fx.inspect.published().filter((e) => e.kind === EventKind.REVIEW_RECORDED);

  it('answers a retry with the review stored first, changing nothing', async () => {
    const first = await keyed();
    expect(first.clientId).toBe('attempt-1');
    const summary = await summaryOf();
    // A retry carrying different content (a re-run of the model) is still the same attempt.
    const retry = await keyed(review(noa, { criteria: scored(2), lastAt: t(90) }));
    expect(retry).toEqual(first);
    expect(fx.inspect.reviews()).toEqual([first]);
    expect(await summaryOf()).toEqual(summary);
    expect(recorded()).toHaveLength(1);
  });

  it('keys per user, and stores every call without a key', async () => {
    const other = ref('972501234568');
    await applyBatch(fx, batch(inboundText('wamid.N2', other, 'Hallo?', t(1))));
    const otherId = userIdFor(ACCOUNT, 'wa', other.waId);
    const a = await keyed();
    const b = await keyed(review(otherId));
    expect(b._id).not.toBe(a._id);
    await record();
    await record();
    expect(fx.inspect.reviews()).toHaveLength(4);
    expect(recorded()).toHaveLength(4);
  });
});

describe('listReviews', () => {
  it('pages the history newest first, failed attempts included', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1)
      ids.push((await record(i === 2 ? failed(noa) : review(noa)))._id);
    const first = await listReviews(fx, { userId: noa, pageSize: 2, pageToken: '' });
    const second = await listReviews(fx, { userId: noa, pageSize: 2, pageToken: first.next });
    const third = await listReviews(fx, { userId: noa, pageSize: 2, pageToken: second.next });
    expect([...first.docs, ...second.docs, ...third.docs].map((r) => r._id)).toEqual(ids.reverse());
    expect(third.next).toBe('');
    expect((await listReviews(fx, { userId: noa, pageSize: 0, pageToken: '' })).docs).toHaveLength(
      5,
    );
  });

  it('names what is wrong', async () => {
    const field = (req: Parameters<typeof listReviews>[1]) =>
      listReviews(fx, req).catch((e: AppError) => e.field ?? e.code);
    expect(await field({ userId: '', pageSize: 0, pageToken: '' })).toBe('user_id');
    expect(await field({ userId: noa, pageSize: 51, pageToken: '' })).toBe('page_size');
    expect(await field({ userId: noa, pageSize: 0, pageToken: 'x' })).toBe('page_token');
    expect(await field({ userId: 'u_nope', pageSize: 0, pageToken: '' })).toBe('NOT_FOUND');
  });
});

describe('requestReview', () => {
  it('announces the request with its actor, without a payload, and stores nothing', async () => {
    const before = fx.inspect.reviews();
    const ana = { kind: ActorKind.ADMIN, id: 'ana', displayName: 'Ana' };
    await requestReview(fx, { userId: noa, actor: ana }, ana);
    expect(fx.inspect.published().at(-1)).toEqual({
      kind: EventKind.REVIEW_REQUESTED,
      userId: noa,
      accountId: ACCOUNT,
      actor: ana,
    });
    expect(fx.inspect.reviews()).toEqual(before);
    await expect(
      requestReview(fx, { userId: 'u_nope', actor: undefined }, ana),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('review filters and sorts', () => {
  const scores = [30, 90, 60, 10];
  let users: string[] = [];
  beforeEach(async () => {
    users = [];
    for (const [i, s] of scores.entries()) {
      const who = ref(`4915100000${i}`);
      await applyBatch(fx, batch(inboundText(`wamid.S${i}`, who, 'hi', t(i + 1))));
      const id = userIdFor(ACCOUNT, 'wa', who.waId);
      users.push(id);
      const sentiment = s < 50 ? Sentiment.NEGATIVE : Sentiment.POSITIVE;
      const r = review(id, { criteria: scored(s / 10), sentiment });
      await record(s < 50 ? { ...r, actionItems: [] } : r);
    }
  });
  const list = (over: Partial<ListUsersRequest>) =>
    listUsers(fx, ListUsersRequest.fromPartial(over), 1000);
  const idsOf = (docs: { _id: string }[]) => docs.map((d) => d._id);

  it('filters by score, sentiment, open action items and pending', async () => {
    expect(idsOf((await list({ scoreBelow: 55 })).docs).sort()).toEqual(
      [users[0], users[3]].sort(),
    );
    expect(idsOf((await list({ sentiments: [Sentiment.POSITIVE] })).docs).sort()).toEqual(
      [users[1], users[2]].sort(),
    );
    expect(idsOf((await list({ hasOpenActionItems: false })).docs).sort()).toEqual(
      [users[0], users[3]].sort(),
    );
    expect(idsOf((await list({ reviewPending: true })).docs)).toEqual([noa]);
    expect((await list({ reviewPending: false })).docs).toHaveLength(4);
    const err = await list({ scoreBelow: 0 }).catch((e: AppError) => e.field);
    expect(err).toBe('score_below');
  });

  it('sorts reviewed users by score, both ways, across pages', async () => {
    const all = async (sort: UserSort) => {
      const seen: string[] = [];
      let pageToken = '';
      do {
        const p = await list({ sort, pageSize: 1, pageToken });
        seen.push(...idsOf(p.docs));
        pageToken = p.next;
      } while (pageToken);
      return seen;
    };
    expect(await all(UserSort.SCORE_ASC)).toEqual([users[3], users[0], users[2], users[1]]);
    expect(await all(UserSort.SCORE_DESC)).toEqual([users[1], users[2], users[0], users[3]]);
  });

  it('counts the latest reviews of the users active in the range', async () => {
    const stats = await getStats(
      fx,
      GetStatsRequest.fromPartial({ from: t(0), to: t(200), bucket: StatsBucket.DAY }),
      1000,
    );
    const r = stats.reviews!;
    expect(r).toMatchObject({
      reviewedUsers: 4,
      pendingUsers: 1,
      positive: 2,
      negative: 2,
      neutral: 0,
    });
    expect(r.scoreBands).toEqual([0, 1, 0, 1, 0, 0, 1, 0, 0, 1]);
    expect(r.series.reduce((n, p) => n + p.reviews, 0)).toBe(4);
    expect(r.series.find((p) => p.reviews > 0)?.meanScore).toBe(47.5);
  });
});
