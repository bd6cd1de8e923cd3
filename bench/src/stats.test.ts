import { describe, expect, it } from 'vitest';
import { percentile, summarize } from './stats.js';

describe('percentile', () => {
  it('uses nearest rank', () => {
    const s = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(s, 50)).toBe(50);
    expect(percentile(s, 99)).toBe(99);
    expect(percentile(s, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
  });

  it('summarizes unsorted samples', () => {
    const r = summarize([5, 1, 3, 2, 4]);
    expect(r).toMatchObject({ count: 5, p50: 3, max: 5, mean: 3 });
    expect(Number.isNaN(summarize([]).p50)).toBe(true);
  });
});
