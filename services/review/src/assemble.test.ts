import { ActionOwner, ReviewState, Sentiment } from '@ue/proto';
import { describe, expect, it } from 'vitest';
import { doneReview, failedReview } from './assemble.js';
import { JUDGED_KEYS, type ModelAnswer } from './domain/schema.js';
import { measureSignals } from './domain/signals.js';
import type { Turn } from './domain/turn.js';

const turns: Turn[] = [
  {
    id: 'm1',
    speaker: 'customer',
    at: new Date('2026-11-30T09:00:00Z'),
    text: 'Hi?',
    failed: false,
  },
  {
    id: 'm2',
    speaker: 'agent',
    at: new Date('2026-11-30T09:00:30Z'),
    text: 'Hello',
    failed: false,
  },
];
const basis = {
  userId: 'u1',
  turns,
  signals: measureSignals(turns),
  provider: 'local',
  model: 'qwen',
  prompt: { version: 'review-v1' },
  displayLanguage: 'en',
  durationMs: 1234.4,
};
const answer: ModelAnswer = {
  summary: 'The customer greeted; the agent greeted back.',
  conversation_language: 'en',
  topics: ['greeting'],
  sentiment: 'positive',
  sentiment_trend: 'stable',
  action_items: [{ text: 'Nothing', owner: 'customer' }],
  criteria: Object.fromEntries(JUDGED_KEYS.map((k) => [k, { score: 9, reason: 'good' }])) as never,
};

describe('assembling the review', () => {
  it('adds the measured criterion to the judged ones, with the contract weights', () => {
    const r = doneReview(basis, answer);
    expect(r.state).toBe(ReviewState.DONE);
    expect(r.criteria?.map((c) => [c.key, c.weight, c.measured])).toEqual([
      ['answered_questions', 25, false],
      ['correct_information', 25, false],
      ['tone', 15, false],
      ['escalation', 15, false],
      ['response_time', 20, true],
    ]);
    expect(r.criteria?.at(-1)).toMatchObject({ score: 10, reason: 'median reply time 30 s' });
    expect(r.sentiment).toBe(Sentiment.POSITIVE);
    expect(r.actionItems?.[0]?.owner).toBe(ActionOwner.CUSTOMER);
    expect(r.range).toMatchObject({ firstMessageId: 'm1', lastMessageId: 'm2', messageCount: 2 });
    expect(r.durationMs).toBe(1234);
  });

  it('records a failure with its reason and the range it tried', () => {
    const r = failedReview(basis, 'the model server answered 500');
    expect(r.state).toBe(ReviewState.FAILED);
    expect(r.error).toBe('the model server answered 500');
    expect(r.range?.messageCount).toBe(2);
  });
});
