import { describe, expect, it } from 'vitest';
import { AppError } from '@ue/kit';
import { cursorTime, decodeCursor, encodeCursor } from './cursor.js';

describe('cursors', () => {
  it('round-trip and reject foreign tokens with INVALID_ARGUMENT', () => {
    const c = { k: '2026-11-10T09:00:00.000Z', id: 'm_1', d: 'older' as const };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
    expect(() => decodeCursor('%%%')).toThrow(AppError);
    expect(() => decodeCursor(Buffer.from('{"k":1}').toString('base64url'))).toThrow(
      'page_token: malformed or foreign page token',
    );
    expect(() => cursorTime({ k: 'yesterday', id: 'x' })).toThrow(
      'page_token: malformed or foreign page token',
    );
  });
});
