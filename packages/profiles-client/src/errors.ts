// The one mapping of a failed profiles call back to AppError: the gRPC status through the kit's
// table, the server's message, and the field at fault that profiles sends as `x-field` trailing
// metadata (services/profiles/src/adapters/grpc/wrap.ts). Callers decide retries with the kit's
// isRetryable(err.code).
import type { Metadata, ServiceError } from '@grpc/grpc-js';
import { AppError, errorCodeOfGrpc, isAppError } from '@ue/kit';

/** Trailing metadata key naming the request field at fault. */
export const FIELD_METADATA_KEY = 'x-field';

function isServiceError(err: unknown): err is ServiceError {
  return err instanceof Error && typeof (err as Partial<ServiceError>).code === 'number';
}

function fieldOf(metadata: Metadata | undefined): string | undefined {
  const value = metadata?.get(FIELD_METADATA_KEY)[0];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function toAppError(err: unknown): AppError {
  if (isAppError(err)) return err;
  if (isServiceError(err)) {
    return new AppError(errorCodeOfGrpc(err.code), err.details || err.message, {
      field: fieldOf(err.metadata),
      cause: err,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new AppError('INTERNAL', message || 'profiles call failed', { cause: err });
}
