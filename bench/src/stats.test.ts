import { describe, expect, it } from 'vitest';
import {
  cpuCells,
  fmtInt,
  fmtMs,
  fmtRatio,
  median,
  medianRecord,
  percentile,
  ratio,
  spread,
  summarize,
} from './stats.js';

describe('percentile', () => {
  it('uses nearest rank', () => {
    const s = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(s, 50)).toBe(50);
    expect(percentile(s, 95)).toBe(95);
    expect(percentile(s, 99)).toBe(99);
    expect(percentile(s, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(Number.isNaN(percentile([], 50))).toBe(true);
  });

  it('summarizes unsorted samples numerically, not as strings', () => {
    const r = summarize([5, 1, 3, 2, 4, 10]);
    expect(r).toMatchObject({ count: 6, p50: 3, max: 10 });
    expect(r.mean).toBeCloseTo(25 / 6);
    expect(Number.isNaN(summarize([]).p50)).toBe(true);
  });
});

describe('median over runs', () => {
  it('takes the middle value, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5])).toBe(5);
  });

  it('ignores runs that produced no figure', () => {
    expect(median([Number.NaN, 4, 2])).toBe(3);
    expect(Number.isNaN(median([]))).toBe(true);
  });

  it('works per metric', () => {
    expect(
      medianRecord([
        { a: 1, b: 10 },
        { a: 3, b: 30 },
        { a: 2, b: 20 },
      ]),
    ).toEqual({ a: 2, b: 20 });
  });
});

describe('ratio and spread', () => {
  it('is ours / baseline, undefined for a missing or zero baseline', () => {
    expect(ratio(50, 200)).toBe(0.25);
    expect(Number.isNaN(ratio(1, 0))).toBe(true);
    expect(Number.isNaN(ratio(Number.NaN, 1))).toBe(true);
  });

  it('shows min–max of several runs only', () => {
    expect(spread([3, 1, 2], String)).toBe('1–3');
    expect(spread([3], String)).toBe('');
  });
});

describe('formatting', () => {
  it('keeps small latencies precise and big counts readable', () => {
    expect(fmtMs(1.234)).toBe('1.23');
    expect(fmtMs(12.34)).toBe('12.3');
    expect(fmtMs(1234.5)).toBe('1,235');
    expect(fmtMs(Number.NaN)).toBe('–');
    expect(fmtInt(12345.6)).toBe('12,346');
    expect(fmtRatio(0.8123)).toBe('0.81×');
    expect(fmtRatio(0.0361)).toBe('0.036×');
  });
});

describe('CPU cells', () => {
  it('give ours, the baseline and the ratio, or "not used" for a process the baseline does not run', () => {
    expect(cpuCells(0.5, 0.25)).toEqual(['0.50', '0.25', '2.00×']);
    expect(cpuCells(0.9, 0.003)).toEqual(['0.90', 'not used', '–']);
    expect(cpuCells(0.9, Number.NaN)).toEqual(['0.90', 'not used', '–']);
  });
});
