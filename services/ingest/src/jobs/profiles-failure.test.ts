import { AppError, ERROR_CODES } from '@ue/kit';
import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { profilesFailure } from './profiles-failure.js';

describe('profilesFailure', () => {
  it('lets transient failures retry and turns the others into a dead letter', () => {
    const retried = ERROR_CODES.filter(
      (code) => !profilesFailure(new AppError(code, 'x'), 'the events').permanent,
    );
    expect(retried).toEqual(['RESOURCE_EXHAUSTED', 'DEADLINE_EXCEEDED', 'UNAVAILABLE']);
  });

  it('dead-letters a refusal with the code and profiles’ message as its reason', () => {
    const f = profilesFailure(AppError.invalid('events[0]', 'bad'), 'the events');
    expect(f.error).toBeInstanceOf(UnrecoverableError);
    expect(f.error.message).toBe('profiles refused the events: INVALID_ARGUMENT: events[0]: bad');
  });

  it('keeps a transient failure an AppError with its code, its reason naming profiles', () => {
    const f = profilesFailure(new AppError('UNAVAILABLE', 'No connection established'), 'x');
    expect(f.error).not.toBeInstanceOf(UnrecoverableError);
    expect([(f.error as AppError).code, f.error.message]).toEqual([
      'UNAVAILABLE',
      'profiles: UNAVAILABLE: No connection established',
    ]);
  });

  it('leaves errors that are not AppError to BullMQ’s retries', () => {
    const err = new Error('socket hang up');
    expect(profilesFailure(err, 'x')).toEqual({ permanent: false, error: err });
  });
});
