import { Metadata, status } from '@grpc/grpc-js';
import { AppError, isRetryable } from '@ue/kit';
import { describe, expect, it } from 'vitest';
import { toAppError } from './errors.js';

/** An error shaped like the ones grpc-js hands to a client callback. */
function grpcError(code: number, details: string, trailers: Record<string, string> = {}): Error {
  const metadata = new Metadata();
  for (const [k, v] of Object.entries(trailers)) metadata.set(k, v);
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), {
    code,
    details,
    metadata,
  });
}

describe('toAppError', () => {
  it('keeps the server message and the field profiles names in x-field', () => {
    const err = grpcError(status.INVALID_ARGUMENT, 'facts[2].key: must match [a-z]', {
      'x-field': 'facts[2].key',
    });
    const app = toAppError(err);
    expect(app).toBeInstanceOf(AppError);
    expect([app.code, app.message, app.field]).toEqual([
      'INVALID_ARGUMENT',
      'facts[2].key: must match [a-z]',
      'facts[2].key',
    ]);
    expect(app.cause).toBe(err);
  });

  it('leaves the field empty when the server names none', () => {
    const app = toAppError(grpcError(status.NOT_FOUND, 'user not found'));
    expect([app.code, app.message, app.field]).toEqual(['NOT_FOUND', 'user not found', undefined]);
  });

  it('maps statuses through the kit table, so retries can be decided on the code', () => {
    const cases: Array<[number, string, boolean]> = [
      [status.UNAVAILABLE, 'UNAVAILABLE', true],
      [status.CANCELLED, 'UNAVAILABLE', true],
      [status.DEADLINE_EXCEEDED, 'DEADLINE_EXCEEDED', true],
      [status.RESOURCE_EXHAUSTED, 'RESOURCE_EXHAUSTED', true],
      [status.INVALID_ARGUMENT, 'INVALID_ARGUMENT', false],
      [status.FAILED_PRECONDITION, 'FAILED_PRECONDITION', false],
      [status.UNAUTHENTICATED, 'UNAUTHENTICATED', false],
      [status.UNKNOWN, 'INTERNAL', false],
      [status.UNIMPLEMENTED, 'INTERNAL', false],
    ];
    for (const [grpc, code, retry] of cases) {
      const app = toAppError(grpcError(grpc, 'x'));
      expect([grpc, app.code, isRetryable(app.code)]).toEqual([grpc, code, retry]);
    }
  });

  it('falls back to the error message when details are empty', () => {
    const err = Object.assign(new Error('14 UNAVAILABLE: No connection established'), {
      code: status.UNAVAILABLE,
      details: '',
      metadata: new Metadata(),
    });
    expect(toAppError(err).message).toBe('14 UNAVAILABLE: No connection established');
  });

  it('passes an AppError through and turns anything else into INTERNAL', () => {
    const known = AppError.invalid('user_id', 'required');
    expect(toAppError(known)).toBe(known);
    const other = toAppError(new TypeError('boom'));
    expect([other.code, other.message]).toEqual(['INTERNAL', 'boom']);
    expect(toAppError('odd').code).toBe('INTERNAL');
  });
});
