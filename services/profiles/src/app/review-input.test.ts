// Every bound of a RecordReview request is refused as INVALID_ARGUMENT naming its field.
import type { AppError } from '@ue/kit';
import { ActionOwner, ReviewState, Sentiment, SentimentTrend, type Review } from '@ue/proto';
import { describe, expect, it } from 'vitest';
import { CRITERIA, failed, recordRequest, review } from '../../test/reviews.js';
import { parseRecordReview } from './review-input.js';

const at = (iso: string) => new Date(iso);
const ok = review('u_1');
const range = ok.range!;
const signals = ok.signals!;
const long = (n: number) => 'x'.repeat(n);

function fieldOf(r: Review | undefined, clientId = ''): string | undefined {
  try {
    parseRecordReview({ review: r, clientId });
  } catch (e) {
    const err = e as AppError;
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message.startsWith(`${err.field}: `)).toBe(true);
    return err.field;
  }
  return undefined;
}

const CASES: [string, Partial<Review> | undefined, string][] = [
  ['no user', { userId: '' }, 'review.user_id'],
  ['no state', { state: ReviewState.UNSPECIFIED }, 'review.state'],
  ['an undeclared state', { state: 7 as ReviewState }, 'review.state'],
  ['no range', { range: undefined }, 'review.range'],
  [
    'no first message',
    { range: { ...range, firstMessageId: '' } },
    'review.range.first_message_id',
  ],
  ['no last message', { range: { ...range, lastMessageId: ' ' } }, 'review.range.last_message_id'],
  ['no first time', { range: { ...range, firstAt: undefined } }, 'review.range.first_at'],
  ['no last time', { range: { ...range, lastAt: undefined } }, 'review.range.last_at'],
  [
    'last before first',
    { range: { ...range, firstAt: at('2026-11-02'), lastAt: at('2026-11-01') } },
    'review.range.last_at',
  ],
  ['a time before 1970', { range: { ...range, firstAt: new Date(-1) } }, 'review.range.first_at'],
  ['no messages', { range: { ...range, messageCount: 0 } }, 'review.range.message_count'],
  ['no provider', { provider: '' }, 'review.provider'],
  ['a long provider', { provider: long(101) }, 'review.provider'],
  ['no model', { model: '' }, 'review.model'],
  ['a long model', { model: long(101) }, 'review.model'],
  ['no prompt version', { promptVersion: '' }, 'review.prompt_version'],
  ['a long prompt version', { promptVersion: long(101) }, 'review.prompt_version'],
  ['a negative duration', { durationMs: -1 }, 'review.duration_ms'],
  [
    'a long conversation language',
    { conversationLanguage: long(21) },
    'review.conversation_language',
  ],
  ['a long display language', { displayLanguage: long(21) }, 'review.display_language'],
  ['no summary', { summary: '  ' }, 'review.summary'],
  ['a long summary', { summary: long(2001) }, 'review.summary'],
  ['13 topics', { topics: Array.from({ length: 13 }, (_, i) => `t${i}`) }, 'review.topics'],
  ['an empty topic', { topics: ['ok', ''] }, 'review.topics[1]'],
  ['a long topic', { topics: [long(61)] }, 'review.topics[0]'],
  ['no sentiment', { sentiment: Sentiment.UNSPECIFIED }, 'review.sentiment'],
  ['an undeclared sentiment', { sentiment: 9 as Sentiment }, 'review.sentiment'],
  ['no trend', { sentimentTrend: SentimentTrend.UNSPECIFIED }, 'review.sentiment_trend'],
  [
    '21 action items',
    { actionItems: Array.from({ length: 21 }, () => ({ text: 'x', owner: ActionOwner.AGENT })) },
    'review.action_items',
  ],
  [
    'an empty action',
    { actionItems: [{ text: '', owner: ActionOwner.AGENT }] },
    'review.action_items[0].text',
  ],
  [
    'a long action',
    { actionItems: [{ text: long(501), owner: ActionOwner.AGENT }] },
    'review.action_items[0].text',
  ],
  [
    'an action without owner',
    { actionItems: [{ text: 'x', owner: ActionOwner.UNSPECIFIED }] },
    'review.action_items[0].owner',
  ],
  ['no criteria', { criteria: [] }, 'review.criteria'],
  [
    '11 criteria',
    { criteria: Array.from({ length: 11 }, (_, i) => ({ ...CRITERIA[0]!, key: `k${i}` })) },
    'review.criteria',
  ],
  [
    'an empty key',
    { criteria: CRITERIA.map((c, i) => (i === 2 ? { ...c, key: '' } : c)) },
    'review.criteria[2].key',
  ],
  [
    'a long key',
    { criteria: CRITERIA.map((c, i) => (i === 0 ? { ...c, key: long(41) } : c)) },
    'review.criteria[0].key',
  ],
  [
    'a duplicate key',
    { criteria: CRITERIA.map((c, i) => (i === 3 ? { ...c, key: CRITERIA[0]!.key } : c)) },
    'review.criteria[3].key',
  ],
  [
    'a score of 11',
    { criteria: CRITERIA.map((c, i) => (i === 1 ? { ...c, score: 11 } : c)) },
    'review.criteria[1].score',
  ],
  [
    'a negative score',
    { criteria: CRITERIA.map((c, i) => (i === 1 ? { ...c, score: -1 } : c)) },
    'review.criteria[1].score',
  ],
  [
    'a weight of 0',
    { criteria: CRITERIA.map((c, i) => (i === 4 ? { ...c, weight: 0 } : c)) },
    'review.criteria[4].weight',
  ],
  [
    'a weight of 101',
    { criteria: [{ ...CRITERIA[0]!, weight: 101 }] },
    'review.criteria[0].weight',
  ],
  [
    'weights summing to 90',
    { criteria: CRITERIA.slice(1).concat({ ...CRITERIA[0]!, weight: 15 }) },
    'review.criteria',
  ],
  [
    'a long reason',
    { criteria: CRITERIA.map((c, i) => (i === 0 ? { ...c, reason: long(1001) } : c)) },
    'review.criteria[0].reason',
  ],
  ['no signals', { signals: undefined }, 'review.signals'],
  ['a cap of 101', { signals: { ...signals, scoreCap: 101 } }, 'review.signals.score_cap'],
  ['a negative cap', { signals: { ...signals, scoreCap: -1 } }, 'review.signals.score_cap'],
  [
    '11 cap reasons',
    { signals: { ...signals, capReasons: Array.from({ length: 11 }, () => 'r') } },
    'review.signals.cap_reasons',
  ],
  [
    'a long cap reason',
    { signals: { ...signals, capReasons: [long(201)] } },
    'review.signals.cap_reasons[0]',
  ],
  [
    'a negative count',
    { signals: { ...signals, unansweredQuestions: -1 } },
    'review.signals.unanswered_questions',
  ],
  [
    'a negative time',
    { signals: { ...signals, firstResponseMs: -5 } },
    'review.signals.first_response_ms',
  ],
  ['an error on a successful review', { error: 'oops' }, 'review.error'],
];

describe('parseRecordReview', () => {
  it('refuses a request without a review', () => {
    expect(fieldOf(undefined)).toBe('review');
  });

  it.each(CASES)('refuses %s', (_name, change, field) => {
    expect(fieldOf({ ...ok, ...change })).toBe(field);
  });

  it('accepts the bounds', () => {
    const edge = review('u_1', {
      summary: long(2000),
      topics: Array.from({ length: 12 }, () => long(60)),
      actionItems: Array.from({ length: 20 }, () => ({
        text: long(500),
        owner: ActionOwner.CUSTOMER,
      })),
      criteria: Array.from({ length: 10 }, (_, i) => ({
        key: `${i}`.padEnd(40, 'k'),
        score: i % 2 ? 10 : 0,
        weight: 10,
        reason: long(1000),
        measured: false,
      })),
      provider: long(100),
      model: long(100),
      promptVersion: long(100),
      conversationLanguage: long(20),
      displayLanguage: long(20),
    });
    edge.signals = {
      ...signals,
      scoreCap: 0,
      capReasons: Array.from({ length: 10 }, () => long(200)),
    };
    edge.range = { ...range, firstAt: range.lastAt, messageCount: 1 };
    expect(fieldOf(edge)).toBeUndefined();
    expect(fieldOf({ ...edge, criteria: [{ ...CRITERIA[0]!, weight: 100 }] })).toBeUndefined();
  });

  it('requires the error of a failed review, and bounds what else it carries', () => {
    expect(fieldOf(failed('u_1'))).toBeUndefined();
    expect(fieldOf(failed('u_1', { error: '' }))).toBe('review.error');
    expect(fieldOf(failed('u_1', { error: long(1001) }))).toBe('review.error');
    expect(fieldOf(failed('u_1', { summary: long(2001) }))).toBe('review.summary');
    expect(fieldOf(failed('u_1', { sentiment: 9 as Sentiment }))).toBe('review.sentiment');
    expect(fieldOf(failed('u_1', { criteria: [{ ...CRITERIA[0]! }] }))).toBe('review.criteria');
    expect(fieldOf(failed('u_1', { range: undefined }))).toBe('review.range');
    expect(fieldOf(failed('u_1', { provider: '' }))).toBe('review.provider');
  });

  it('passes on what the reviewer computed, not its scores', () => {
    const input = parseRecordReview(recordRequest(ok));
    expect(input).not.toHaveProperty('score');
    expect(input).not.toHaveProperty('uncappedScore');
    expect(input.criteria).toEqual(CRITERIA);
    expect(input.range).toEqual(range);
  });

  it('bounds the idempotency key, checked after the review, and keeps it only when given', () => {
    expect(fieldOf(ok, long(101))).toBe('client_id');
    expect(fieldOf(review('u_1', { userId: '' }), long(101))).toBe('review.user_id');
    expect(fieldOf(ok, long(100))).toBeUndefined();
    expect(parseRecordReview(recordRequest(ok, 'run-7:u_1'))).toMatchObject({
      clientId: 'run-7:u_1',
    });
    expect(parseRecordReview(recordRequest(ok))).not.toHaveProperty('clientId');
  });
});
