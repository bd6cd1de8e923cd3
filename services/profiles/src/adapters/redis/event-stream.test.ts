import { describe, expect, it } from 'vitest';
import { isValidCursor } from './event-stream.js';

describe('WatchEvents cursors', () => {
  it('are stream ids Redis accepts, nothing past 64 bits', () => {
    expect(isValidCursor('1700000000000-0')).toBe(true);
    expect(isValidCursor('18446744073709551615-18446744073709551615')).toBe(true);
    expect(isValidCursor('18446744073709551616-0')).toBe(false);
    expect(isValidCursor('99999999999999999999-0')).toBe(false);
    expect(isValidCursor('$')).toBe(false);
  });
});
