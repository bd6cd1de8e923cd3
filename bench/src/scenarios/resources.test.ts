import { describe, expect, it } from 'vitest';
import { withinNoise } from './resources.js';

describe('memory noise', () => {
  const MB = 1048576;
  it('allows 10 MB or 10 %, whichever is more', () => {
    expect(withinNoise(100 * MB, 109 * MB)).toBe(true);
    expect(withinNoise(100 * MB, 112 * MB)).toBe(false);
    expect(withinNoise(300 * MB, 325 * MB)).toBe(true);
    expect(withinNoise(300 * MB, 340 * MB)).toBe(false);
  });
});
