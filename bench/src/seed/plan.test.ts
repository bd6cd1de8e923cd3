import { describe, expect, it } from 'vitest';
import { seededRng } from '../random.js';
import { messageCounts, planUser, vocabulary } from './plan.js';

describe('messageCounts', () => {
  it('sums to exactly the messages asked for, at least one each', () => {
    const c = messageCounts({ rng: seededRng(3), users: 1000, messages: 10_000 });
    expect(c).toHaveLength(1000);
    expect(c.reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(Math.min(...c)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...c)).toBeGreaterThan(30);
  });

  it('gives everyone one message when there are not more', () => {
    expect(messageCounts({ rng: seededRng(1), users: 5, messages: 2 })).toEqual([1, 1, 1, 1, 1]);
  });
});

describe('planUser', () => {
  it('orders messages in time, starts with an inbound one, stays in the past 120 days', () => {
    const now = Date.UTC(2026, 11, 1);
    const vocab = vocabulary();
    const rng = seededRng(9);
    for (let i = 0; i < 200; i++) {
      const p = planUser({ rng, vocab, n: 500_000_000 + i, count: 1 + (i % 17), now });
      const times = p.messages.map((m) => m.at.getTime());
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      expect(p.messages[0]!.inbound).toBe(true);
      expect(times[0]!).toBeGreaterThan(now - 220 * 86_400_000);
      expect(times[times.length - 1]!).toBeLessThanOrEqual(now);
    }
  });

  it('has distinct words', () => {
    const v = vocabulary();
    expect(new Set(v).size).toBe(v.length);
  });
});
