import { describe, expect, it } from 'vitest';
import { bucketStart, bucketStarts, median } from './buckets.js';

describe('time buckets', () => {
  it('starts days at local midnight, across a DST change', () => {
    const starts = bucketStarts({
      from: Date.parse('2026-10-24T22:00:00Z'),
      to: Date.parse('2026-10-27T00:00:00Z'),
      unit: 'day',
      zone: 'Europe/Berlin',
      max: 10,
    });
    expect(starts.map((s) => new Date(s).toISOString())).toEqual([
      '2026-10-24T22:00:00.000Z', // Oct 25, 00:00 CEST
      '2026-10-25T23:00:00.000Z', // Oct 26, 00:00 CET (the 25th had 25 hours)
      '2026-10-26T23:00:00.000Z',
    ]);
  });
  it('handles half-hour zones for hours and computes medians', () => {
    expect(
      new Date(
        bucketStart(Date.parse('2026-11-10T10:10:00Z'), 'hour', 'Asia/Kolkata'),
      ).toISOString(),
    ).toBe('2026-11-10T09:30:00.000Z');
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeUndefined();
  });
});
