import { Metadata } from '@grpc/grpc-js';
import { AppError } from '@ue/kit';
import { describe, expect, it } from 'vitest';
import { createAuthenticator } from './auth.js';
import { toAppError } from './wrap.js';

const md = (value?: string) => {
  const m = new Metadata();
  if (value !== undefined) m.set('authorization', value);
  return m;
};

describe('bearer authentication', () => {
  const auth = createAuthenticator([
    { name: 'carol', token: 'tok-carol-123' },
    { name: 'bff', token: 'tok-bff-456' },
  ]);
  it('names the caller of a known token', () => {
    expect(auth(md('Bearer tok-carol-123'))).toBe('carol');
    expect(auth(md('bearer   tok-bff-456'))).toBe('bff');
  });
  it('rejects missing, malformed and unknown tokens as UNAUTHENTICATED', () => {
    for (const v of [undefined, 'tok-carol-123', 'Basic abc', 'Bearer tok-carol-1234', 'Bearer ']) {
      expect(() => auth(md(v))).toThrow(
        expect.objectContaining({ code: 'UNAUTHENTICATED' }) as Error,
      );
    }
  });
});

describe('error mapping', () => {
  it('keeps AppErrors, maps database outages to UNAVAILABLE and hides the rest', () => {
    const invalid = AppError.invalid('user_id', 'required');
    expect(toAppError(invalid)).toBe(invalid);
    expect(
      toAppError(Object.assign(new Error('x'), { name: 'MongoServerSelectionError' })).code,
    ).toBe('UNAVAILABLE');
    expect(toAppError(new Error('connect ECONNREFUSED 127.0.0.1:6379')).code).toBe('UNAVAILABLE');
    const internal = toAppError(new TypeError('boom at secret path'));
    expect(internal.code).toBe('INTERNAL');
    expect(internal.message).toBe('internal error');
  });
});
