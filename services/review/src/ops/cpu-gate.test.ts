import { describe, expect, it } from 'vitest';
import { othersShare, parseOwnStat, parseProcStat } from './cpu-gate.js';

describe('CPU gate arithmetic', () => {
  it('reads total and busy jiffies of all CPUs', () => {
    const s = parseProcStat('cpu  100 5 50 800 20 3 2 0 7 0\ncpu0 1 2 3 4 5 6 7 8 9 0\n');
    expect(s.total).toBe(980);
    expect(s.busy).toBe(160);
  });

  it("reads this process's user + system time, whatever its name holds", () => {
    const stat = '4242 (node (review) x) S 1 4242 4242 0 -1 4194304 100 0 0 0 731 269 0 0 39 19 13';
    expect(parseOwnStat(stat)).toBe(1000);
  });

  it('counts only what other processes used', () => {
    const a = { total: 1000, busy: 200, own: 50 };
    const b = { total: 1200, busy: 380, own: 130 }; // 180 busy, 80 of it ours
    expect(othersShare(a, b)).toBeCloseTo(0.5);
    expect(othersShare(a, a)).toBe(0);
  });
});
