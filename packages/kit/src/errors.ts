// One error type with a closed set of codes; each transport maps it in exactly one table.

export const ERROR_CODES = [
  'INVALID_ARGUMENT',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'FAILED_PRECONDITION',
  'UNAUTHENTICATED',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'DEADLINE_EXCEEDED',
  'UNAVAILABLE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class AppError extends Error {
  override readonly name = 'AppError';
  /** The request field at fault, for INVALID_ARGUMENT ("user_id", "facts[2].key"). */
  readonly field?: string;

  constructor(
    readonly code: ErrorCode,
    message: string,
    extra: { field?: string; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    if (extra.field !== undefined) this.field = extra.field;
  }

  static invalid(field: string, problem: string): AppError {
    return new AppError('INVALID_ARGUMENT', `${field}: ${problem}`, { field });
  }

  static notFound(what: string): AppError {
    return new AppError('NOT_FOUND', `${what} not found`);
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** gRPC status codes (numeric values are fixed by the gRPC spec). */
const GRPC: Record<ErrorCode, number> = {
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
};

const HTTP: Record<ErrorCode, number> = {
  INVALID_ARGUMENT: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  FAILED_PRECONDITION: 409,
  RESOURCE_EXHAUSTED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

export function grpcStatusOf(code: ErrorCode): number {
  return GRPC[code];
}

export function httpStatusOf(code: ErrorCode): number {
  return HTTP[code];
}

/** The AppError code for a gRPC status a client received (unknown codes are INTERNAL). */
export function errorCodeOfGrpc(status: number): ErrorCode {
  if (status === 1) return 'UNAVAILABLE'; // CANCELLED: the call did not complete; retryable
  for (const code of ERROR_CODES) if (GRPC[code] === status) return code;
  return 'INTERNAL';
}

/** Codes worth retrying with backoff: the other side was down or slow, not the request wrong. */
export function isRetryable(code: ErrorCode): boolean {
  return code === 'UNAVAILABLE' || code === 'DEADLINE_EXCEEDED' || code === 'RESOURCE_EXHAUSTED';
}
