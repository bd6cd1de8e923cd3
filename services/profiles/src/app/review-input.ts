// RecordReview's request, checked field by field before anything is read or written: every
// violation is INVALID_ARGUMENT naming the field (`review.criteria[2].weight`). A successful
// review (DONE) must carry all of its content; a failed one its error, and any content it has
// within the same bounds. The scores the caller sent are not read (profiles computes them).
import { AppError } from '@ue/kit';
import {
  ReviewState,
  type ActionItem,
  type RecordReviewRequest,
  type Review,
  type ReviewCriterion,
  type ReviewRange,
  type ReviewSignals,
} from '@ue/proto';
import { optionalString, requireString, requireTime } from '../domain/limits.js';
import { REVIEW_LIMITS as L } from '../domain/review.js';
import { checkEnum, ENUMS, requireEnum } from './enums.js';

/**
 * A checked review: what the reviewer computed, without the fields profiles sets, and the
 * caller's idempotency key when it gave one.
 */
export type ReviewInput = Omit<
  Review,
  'id' | 'score' | 'uncappedScore' | 'reviewedAt' | 'reviewer'
> & { clientId?: string };

const F = 'review';

function intIn(field: string, value: number, r: { min: number; max: number }): number {
  if (!Number.isInteger(value) || value < r.min || value > r.max)
    throw AppError.invalid(field, `must be between ${r.min} and ${r.max}`);
  return value;
}

const nonNegative = (field: string, value: number) =>
  intIn(field, value, { min: 0, max: Number.MAX_SAFE_INTEGER });

function atMost<T>(field: string, items: readonly T[], max: number): readonly T[] {
  if (items.length > max) throw AppError.invalid(field, `at most ${max}`);
  return items;
}

function checkRange(r: ReviewRange | undefined): ReviewRange {
  const f = `${F}.range`;
  if (!r) throw AppError.invalid(f, 'required');
  const firstAt = requireTime(`${f}.first_at`, r.firstAt);
  const lastAt = requireTime(`${f}.last_at`, r.lastAt);
  if (lastAt < firstAt) throw AppError.invalid(`${f}.last_at`, 'must not be before first_at');
  return {
    firstMessageId: requireString(`${f}.first_message_id`, r.firstMessageId),
    lastMessageId: requireString(`${f}.last_message_id`, r.lastMessageId),
    firstAt,
    lastAt,
    messageCount: intIn(`${f}.message_count`, r.messageCount, { min: 1, max: 2 ** 31 - 1 }),
  };
}

function checkCriteria(list: readonly ReviewCriterion[], required: boolean): ReviewCriterion[] {
  const f = `${F}.criteria`;
  if (list.length === 0 && !required) return [];
  if (list.length === 0) throw AppError.invalid(f, 'at least one criterion required');
  atMost(f, list, L.criteria);
  const keys = new Set<string>();
  const out = list.map((c, i) => {
    const key = requireString(`${f}[${i}].key`, c.key, L.criterionKeyLength);
    if (keys.has(key)) throw AppError.invalid(`${f}[${i}].key`, 'duplicate key in one review');
    keys.add(key);
    return {
      key,
      score: intIn(`${f}[${i}].score`, c.score, { min: 0, max: L.criterionScoreMax }),
      weight: intIn(`${f}[${i}].weight`, c.weight, { min: 1, max: L.weightMax }),
      reason: optionalString(`${f}[${i}].reason`, c.reason, L.reasonLength),
      measured: c.measured,
    };
  });
  const total = out.reduce((sum, c) => sum + c.weight, 0);
  if (total !== L.weightTotal)
    throw AppError.invalid(f, `weights must sum to ${L.weightTotal} (they sum to ${total})`);
  return out;
}

function checkSignals(s: ReviewSignals | undefined, required: boolean): ReviewSignals | undefined {
  const f = `${F}.signals`;
  if (!s) {
    if (required) throw AppError.invalid(f, 'required');
    return undefined;
  }
  const optionalMs = (name: string, v: number | undefined) =>
    v === undefined ? undefined : nonNegative(`${f}.${name}`, v);
  return {
    firstResponseMs: optionalMs('first_response_ms', s.firstResponseMs),
    medianResponseMs: optionalMs('median_response_ms', s.medianResponseMs),
    unansweredQuestions: nonNegative(`${f}.unanswered_questions`, s.unansweredQuestions),
    failedDeliveries: nonNegative(`${f}.failed_deliveries`, s.failedDeliveries),
    humanTakeovers: nonNegative(`${f}.human_takeovers`, s.humanTakeovers),
    inboundMessages: nonNegative(`${f}.inbound_messages`, s.inboundMessages),
    outboundMessages: nonNegative(`${f}.outbound_messages`, s.outboundMessages),
    scoreCap: intIn(`${f}.score_cap`, s.scoreCap, { min: 0, max: L.scoreCapMax }),
    capReasons: atMost(`${f}.cap_reasons`, s.capReasons, L.capReasons).map((r, i) =>
      optionalString(`${f}.cap_reasons[${i}]`, r, L.capReasonLength),
    ),
  };
}

function checkActionItems(items: readonly ActionItem[]): ActionItem[] {
  const f = `${F}.action_items`;
  return atMost(f, items, L.actionItems).map((a, i) => ({
    text: requireString(`${f}[${i}].text`, a.text, L.actionTextLength),
    owner: requireEnum(`${f}[${i}].owner`, ENUMS.actionOwner, a.owner),
  }));
}

/** The content of a review: all required when it succeeded, bounded either way. */
function checkContent(r: Review, done: boolean) {
  const enumOf = done ? requireEnum : checkEnum;
  return {
    summary: done
      ? requireString(`${F}.summary`, r.summary, L.summaryLength)
      : optionalString(`${F}.summary`, r.summary, L.summaryLength),
    topics: atMost(`${F}.topics`, r.topics, L.topics).map((t, i) =>
      requireString(`${F}.topics[${i}]`, t, L.topicLength),
    ),
    sentiment: enumOf(`${F}.sentiment`, ENUMS.sentiment, r.sentiment),
    sentimentTrend: enumOf(`${F}.sentiment_trend`, ENUMS.sentimentTrend, r.sentimentTrend),
    actionItems: checkActionItems(r.actionItems),
    criteria: checkCriteria(r.criteria, done),
    signals: checkSignals(r.signals, done),
  };
}

/** The review, then its idempotency key (stored only when given). */
export function parseRecordReview(req: RecordReviewRequest): ReviewInput {
  const review = checkReview(req.review);
  const clientId = optionalString('client_id', req.clientId, L.clientIdLength);
  return clientId ? { ...review, clientId } : review;
}

function checkReview(r: Review | undefined): ReviewInput {
  if (!r) throw AppError.invalid(F, 'required');
  const userId = requireString(`${F}.user_id`, r.userId);
  const state = requireEnum(`${F}.state`, ENUMS.reviewState, r.state);
  const done = state === ReviewState.DONE;
  if (done && r.error) throw AppError.invalid(`${F}.error`, 'only a failed review has an error');
  const error = done ? '' : requireString(`${F}.error`, r.error, L.errorLength);
  return {
    userId,
    state,
    ...checkContent(r, done),
    conversationLanguage: optionalString(
      `${F}.conversation_language`,
      r.conversationLanguage,
      L.languageLength,
    ),
    displayLanguage: optionalString(`${F}.display_language`, r.displayLanguage, L.languageLength),
    range: checkRange(r.range),
    provider: requireString(`${F}.provider`, r.provider, L.labelLength),
    model: requireString(`${F}.model`, r.model, L.labelLength),
    promptVersion: requireString(`${F}.prompt_version`, r.promptVersion, L.labelLength),
    durationMs: nonNegative(`${F}.duration_ms`, r.durationMs),
    error,
  };
}
