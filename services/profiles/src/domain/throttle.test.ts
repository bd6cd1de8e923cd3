import { describe, expect, it } from 'vitest';
import { createThrottle } from './throttle.js';

describe('throttle', () => {
  it('lets a key pass once per period, each key on its own', () => {
    const t = createThrottle(5000);
    expect(t.take('a', 1000)).toBe(true);
    expect(t.take('a', 5999)).toBe(false);
    expect(t.take('b', 5999)).toBe(true);
    expect(t.take('a', 6000)).toBe(true);
    expect(t.take('a', 10_999)).toBe(false);
  });

  it('lets a released key pass at once (its write failed)', () => {
    const t = createThrottle(5000);
    expect(t.take('a', 0)).toBe(true);
    t.release('a');
    expect(t.take('a', 1)).toBe(true);
  });

  it('passes when the clock went backwards rather than waiting for it', () => {
    const t = createThrottle(5000);
    expect(t.take('a', 10_000)).toBe(true);
    expect(t.take('a', 9000)).toBe(true);
  });
});
