import { describe, expect, it } from 'vitest';
import { headline, reviewScore, scoreBand } from './review.js';

const FIVE = [25, 20, 25, 15, 15];

describe('reviewScore', () => {
  it('weights the criteria: round(Σ score × weight / 10)', () => {
    const criteria = [8, 6, 9, 10, 7].map((score, i) => ({ score, weight: FIVE[i]! }));
    // 200 + 120 + 225 + 150 + 105 = 800
    expect(reviewScore(criteria, 100)).toEqual({ uncapped: 80, score: 80 });
  });

  it('spans 0..100 at the ends of the scale', () => {
    const all = (score: number) => FIVE.map((weight) => ({ score, weight }));
    expect(reviewScore(all(0), 100)).toEqual({ uncapped: 0, score: 0 });
    expect(reviewScore(all(10), 100)).toEqual({ uncapped: 100, score: 100 });
  });

  it('rounds half up and below half down', () => {
    // 7×55 + 8×45 = 745 -> 74.5 -> 75; 7×56 + 8×44 = 744 -> 74.4 -> 74
    expect(
      reviewScore(
        [
          { score: 7, weight: 55 },
          { score: 8, weight: 45 },
        ],
        100,
      ).uncapped,
    ).toBe(75);
    expect(
      reviewScore(
        [
          { score: 7, weight: 56 },
          { score: 8, weight: 44 },
        ],
        100,
      ).uncapped,
    ).toBe(74);
  });

  it('caps the score by the signals, keeping the uncapped figure', () => {
    const criteria = [{ score: 9, weight: 100 }];
    expect(reviewScore(criteria, 40)).toEqual({ uncapped: 90, score: 40 });
    expect(reviewScore(criteria, 0)).toEqual({ uncapped: 90, score: 0 });
    expect(reviewScore(criteria, 95)).toEqual({ uncapped: 90, score: 90 });
  });
});

describe('headline', () => {
  it('is the first sentence, whitespace collapsed', () => {
    expect(headline('Customer asked about delivery.  Agent answered in time.')).toBe(
      'Customer asked about delivery.',
    );
    expect(headline('  Kunde fragt nach\n 3.5 kg Paket! Antwort kam.')).toBe(
      'Kunde fragt nach 3.5 kg Paket!',
    );
    expect(headline('客户询问了订单。代理回答了。')).toBe('客户询问了订单。');
    expect(headline('No full stop at all')).toBe('No full stop at all');
    expect(headline('')).toBe('');
  });

  it('cuts a long sentence to 160 code points, never inside a pair', () => {
    const long = headline(`${'word '.repeat(100)}end.`);
    expect([...long]).toHaveLength(160);
    expect(long.endsWith('…')).toBe(true);
    const emoji = headline('😀'.repeat(200));
    expect([...emoji]).toHaveLength(160);
    expect(emoji).toBe(`${'😀'.repeat(159)}…`);
    expect(headline('x'.repeat(160))).toBe('x'.repeat(160));
  });
});

describe('scoreBand', () => {
  it('puts 0..9 in the first band, 90..100 in the last', () => {
    expect([0, 9, 10, 19, 50, 89, 90, 99, 100].map(scoreBand)).toEqual([0, 0, 1, 1, 5, 8, 9, 9, 9]);
  });
});
