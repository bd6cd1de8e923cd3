// AI reviews of conversations: the reviewer records every attempt (RecordReview), profiles
// computes the score (domain/review.ts), keeps the history and the user's latest summary
// (User.review, what lists filter and sort by); anyone lists the history; anyone may ask for a
// review now (RequestReview), which only announces it on the live feed for the reviewer.
import { AppError } from '@ue/kit';
import {
  EventKind,
  ReviewState,
  type Actor,
  type ListReviewsRequest,
  type RecordReviewRequest,
  type RequestReviewRequest,
} from '@ue/proto';
import { cursorTime, decodeCursor, encodeCursor } from '../domain/cursor.js';
import { newId } from '../domain/ids.js';
import { pageSize, requireString } from '../domain/limits.js';
import { headline, REVIEW_LIMITS, reviewScore } from '../domain/review.js';
import type { Keyset, Ports, ReviewSummaryChange } from './ports.js';
import type { ReviewRecord, UserView } from './records.js';
import { parseRecordReview } from './review-input.js';

/** Cursor fingerprint of ListReviews pages. */
const PAGE = 'rv';

async function liveUser(deps: Pick<Ports, 'users'>, userId: string): Promise<UserView> {
  const user = await deps.users.findById(userId);
  if (!user || user.erasedAt) throw AppError.notFound('user');
  return user;
}

/** What a stored review does to its user's summary. */
export function summaryChange(r: ReviewRecord): ReviewSummaryChange {
  const at = r.reviewedAt ?? new Date(0);
  if (r.state !== ReviewState.DONE) return { kind: 'failed', error: r.error, at };
  return {
    kind: 'done',
    summary: {
      reviewId: r._id,
      score: r.score,
      sentiment: r.sentiment,
      headline: headline(r.summary),
      openActionItems: r.actionItems.length,
      reviewedAt: at,
      coveredUntil: r.range?.lastAt,
      provider: r.provider,
      hasReview: true,
      lastError: '',
      lastErrorAt: undefined,
    },
  };
}

/**
 * Store one attempt. With a client id, a retry (or a concurrent call) with the same key stores
 * nothing new, changes no summary, publishes nothing and answers the review stored first.
 */
export async function recordReview(
  deps: Pick<Ports, 'users' | 'reviews' | 'events' | 'now'>,
  req: RecordReviewRequest,
  reviewer: Actor,
): Promise<ReviewRecord> {
  const input = parseRecordReview(req);
  const user = await liveUser(deps, input.userId);
  if (input.clientId) {
    const existing = await deps.reviews.findByClientId(user._id, input.clientId);
    if (existing) return existing;
  }
  // A failed attempt has no score, whatever content it carries.
  const { score, uncapped } =
    input.state === ReviewState.DONE
      ? reviewScore(input.criteria, input.signals?.scoreCap ?? REVIEW_LIMITS.scoreCapMax)
      : { score: 0, uncapped: 0 };
  const review: ReviewRecord = {
    ...input,
    _id: newId('r'),
    accountId: user.accountId,
    score,
    uncappedScore: uncapped,
    reviewedAt: deps.now(),
    reviewer,
  };
  // A concurrent call with the same client id may have stored its review since the check.
  const stored = await deps.reviews.record(review, summaryChange(review));
  if (!stored.created) return stored.review;
  await deps.events.publish({
    kind: EventKind.REVIEW_RECORDED,
    userId: review.userId,
    accountId: review.accountId,
    payload: { $case: 'review', review },
  });
  return review;
}

export async function listReviews(
  deps: Pick<Ports, 'users' | 'reviews'>,
  req: ListReviewsRequest,
): Promise<{ docs: ReviewRecord[]; next: string }> {
  const userId = requireString('user_id', req.userId);
  const limit = pageSize('page_size', req.pageSize, {
    max: REVIEW_LIMITS.pageSizeMax,
    fallback: REVIEW_LIMITS.pageSizeDefault,
  });
  let after: Keyset | undefined;
  if (req.pageToken) {
    const c = decodeCursor(req.pageToken);
    if (c.f !== PAGE || typeof c.k !== 'string' || c.d !== undefined)
      throw AppError.invalid('page_token', 'not a review page token');
    after = { at: cursorTime(c), id: c.id };
  }
  if (!(await deps.users.findById(userId))) throw AppError.notFound('user');
  const docs = await deps.reviews.page({ userId, limit: limit + 1, after });
  const page = docs.slice(0, limit);
  const last = page[page.length - 1];
  const next =
    docs.length > limit && last
      ? encodeCursor({ k: (last.reviewedAt ?? new Date(0)).toISOString(), id: last._id, f: PAGE })
      : '';
  return { docs: page, next };
}

/**
 * Announce that a review is wanted now, and by whom (`actor`, checked by the caller); the
 * reviewer watches for it. Nothing is stored.
 */
export async function requestReview(
  deps: Pick<Ports, 'users' | 'events'>,
  req: RequestReviewRequest,
  actor: Actor,
): Promise<void> {
  const userId = requireString('user_id', req.userId);
  const user = await liveUser(deps, userId);
  await deps.events.publish({
    kind: EventKind.REVIEW_REQUESTED,
    userId,
    accountId: user.accountId,
    payload: undefined,
    actor,
  });
}
