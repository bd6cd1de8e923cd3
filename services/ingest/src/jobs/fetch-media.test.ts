import { describe, expect, it } from 'vitest';
import { shortReason } from './fetch-media.js';

describe('media failure reasons', () => {
  it('keeps a reason within what profiles stores, never splitting a character', () => {
    expect(shortReason('HTTP 404')).toBe('HTTP 404');
    const long = shortReason('x'.repeat(800));
    expect([long.length, long.endsWith('…')]).toEqual([500, true]);
    const emoji = shortReason(`${'x'.repeat(498)}😢😢`);
    expect(emoji.length).toBeLessThanOrEqual(500);
    expect(emoji).toBe(`${'x'.repeat(498)}…`);
  });
});
