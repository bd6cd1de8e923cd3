import { describe, expect, it } from 'vitest';
import { ReviewSummary } from '@ue/proto';
import {
  criterionLabel,
  formatMs,
  languageName,
  scoreBand,
  updatePending,
} from './review-format.js';

describe('review formatting', () => {
  it('bands scores: below 50 poor, below 75 fair, else good', () => {
    expect([0, 49, 50, 74, 75, 100].map(scoreBand)).toEqual([
      'bad',
      'bad',
      'mid',
      'mid',
      'good',
      'good',
    ]);
  });

  it('names known criteria and turns unknown keys into words', () => {
    expect(criterionLabel('answered_questions')).toBe('Answered the questions');
    expect(criterionLabel('follow_up-quality')).toBe('Follow up quality');
    expect(criterionLabel('')).toBe('Criterion');
  });

  it('says durations in the unit a person would use, and "—" for never answered', () => {
    expect(formatMs(undefined)).toBe('—');
    expect(formatMs(42_000)).toBe('42 s');
    expect(formatMs(3 * 60_000)).toBe('3 min');
    expect(formatMs(90 * 60_000)).toBe('1.5 h');
    expect(formatMs(3 * 86_400_000)).toBe('3 days');
  });

  it('names languages, and keeps a tag it cannot parse as it was written', () => {
    expect(languageName('de')).toBe('German (de)');
    expect(languageName('pt-BR')).toBe('Brazilian Portuguese (pt-BR)');
    expect(languageName('<script>')).toBe('<script>');
    expect(languageName('')).toBe('an unknown language');
  });

  it('marks an update pending only when messages came after the reviewed range', () => {
    const at = new Date('2026-11-21T12:00:00Z');
    const review = ReviewSummary.fromPartial({ hasReview: true, coveredUntil: at });
    const later = new Date(at.getTime() + 1000);
    expect(updatePending({ review, lastInteractionAt: later })).toBe(true);
    expect(updatePending({ review, lastInteractionAt: at })).toBe(false);
    expect(
      updatePending({ review: { ...review, hasReview: false }, lastInteractionAt: later }),
    ).toBe(false);
    expect(updatePending({ review: undefined, lastInteractionAt: later })).toBe(false);
  });
});
