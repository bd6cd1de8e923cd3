// The one retry rule for profiles calls made by jobs: the kit's isRetryable decides on the
// AppError code. Transient (profiles down, slow, or shedding load) → the job is retried with
// backoff; anything else profiles answered cannot succeed by repeating it → a dead letter,
// which `npm run dead-letters -- replay` puts back once the cause is fixed.
import { AppError, isAppError, isRetryable } from '@ue/kit';
import { UnrecoverableError } from 'bullmq';

export interface JobFailure {
  /** True when retrying cannot help: `error` is BullMQ's dead-letter signal. */
  permanent: boolean;
  /** What the job fails with; its message (the dead letter's reason) names profiles. */
  error: Error;
}

/** Classify a failed profiles call; `refused` says what profiles refused ("the events"). */
export function profilesFailure(err: unknown, refused: string): JobFailure {
  if (!isAppError(err))
    return { permanent: false, error: err instanceof Error ? err : new Error(String(err)) };
  if (!isRetryable(err.code)) {
    const reason = `profiles refused ${refused}: ${err.code}: ${err.message}`;
    return { permanent: true, error: new UnrecoverableError(reason) };
  }
  const reason = `profiles: ${err.code}: ${err.message}`;
  return {
    permanent: false,
    error: new AppError(err.code, reason, { field: err.field, cause: err }),
  };
}
