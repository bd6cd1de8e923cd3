// Test-only builders of RecordReview requests (what the reviewer sends): a valid successful
// review, changed by the fields a test names.
import {
  ActionOwner,
  Review,
  ReviewState,
  Sentiment,
  SentimentTrend,
  type RecordReviewRequest,
  type ReviewCriterion,
} from '@ue/proto';

/** Five criteria, weights 25/20/25/15/15, scores 8/6/9/10/7: 80 before any cap. */
export const CRITERIA: ReviewCriterion[] = [
  ['answered_questions', 8, 25],
  ['response_time', 6, 20],
  ['correct_information', 9, 25],
  ['tone', 10, 15],
  ['escalation', 7, 15],
].map(([key, score, weight]) => ({
  key: key as string,
  score: score as number,
  weight: weight as number,
  reason: `why ${key as string}`,
  measured: key === 'response_time',
}));

/** Criteria all scored `score` (the weights of CRITERIA): a score of 10 × `score`. */
export const scored = (score: number): ReviewCriterion[] => CRITERIA.map((c) => ({ ...c, score }));

export interface ReviewOptions extends Partial<Review> {
  /** range.last_at (and first_at an hour before). */
  lastAt?: Date;
  scoreCap?: number;
}

export function review(userId: string, o: ReviewOptions = {}): Review {
  const { lastAt = new Date(Date.UTC(2026, 10, 10, 8)), scoreCap = 100, ...fields } = o;
  return Review.fromPartial({
    userId,
    state: ReviewState.DONE,
    summary: 'The customer asked where the order is. The agent gave the tracking link.',
    conversationLanguage: 'de',
    displayLanguage: 'en',
    topics: ['delivery', 'tracking'],
    sentiment: Sentiment.POSITIVE,
    sentimentTrend: SentimentTrend.STABLE,
    actionItems: [{ text: 'Check the parcel tomorrow', owner: ActionOwner.HUMAN }],
    // What the caller claims; profiles computes its own.
    score: 99,
    uncappedScore: 99,
    criteria: CRITERIA,
    signals: {
      firstResponseMs: 60_000,
      medianResponseMs: 90_000,
      unansweredQuestions: 0,
      failedDeliveries: 0,
      humanTakeovers: 0,
      inboundMessages: 3,
      outboundMessages: 2,
      scoreCap,
      capReasons: scoreCap < 100 ? ['a question was left unanswered'] : [],
    },
    range: {
      firstMessageId: 'm_first',
      lastMessageId: 'm_last',
      firstAt: new Date(lastAt.getTime() - 3_600_000),
      lastAt,
      messageCount: 5,
    },
    provider: 'local',
    model: 'qwen2.5-3b-instruct-q4',
    promptVersion: 'v1',
    durationMs: 1234,
    ...fields,
  });
}

/** A failed attempt: the error and the bookkeeping, no content. */
export function failed(userId: string, o: ReviewOptions = {}): Review {
  return review(userId, {
    state: ReviewState.FAILED,
    error: 'model answered invalid JSON',
    summary: '',
    topics: [],
    sentiment: Sentiment.UNSPECIFIED,
    sentimentTrend: SentimentTrend.UNSPECIFIED,
    actionItems: [],
    criteria: [],
    signals: undefined,
    ...o,
  });
}

export const recordRequest = (r: Review, clientId = ''): RecordReviewRequest => ({
  review: r,
  clientId,
});
