// The one wrapper around every handler: authenticates, maps every error through the kit's status
// table (database/redis outages become UNAVAILABLE), honours deadlines and cancellation, records
// metrics, and guarantees a single callback per call.
import {
  Metadata,
  status as GrpcStatus,
  type handleClientStreamingCall,
  type handleServerStreamingCall,
  type handleUnaryCall,
  type ServerErrorResponse,
  type ServerReadableStream,
  type ServerUnaryCall,
  type ServerWritableStream,
} from '@grpc/grpc-js';
import { AppError, grpcStatusOf, isAppError, type Logger } from '@ue/kit';
import { MongoError, MongoNetworkError, MongoServerSelectionError } from 'mongodb';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { Authenticate } from './auth.js';
import { rejectionOf } from './request-guard.js';

export interface CallContext {
  /** Name of the authenticated caller (from PROFILES_TOKENS). */
  caller: string;
  /** Milliseconds left before the client's deadline (capped), for Mongo maxTimeMS. */
  timeLeftMs(): number;
  /** True once the client cancelled or the deadline passed. */
  isCancelled(): boolean;
  onCancel(fn: () => void): void;
}

export interface Wrapper {
  unary<Req, Res>(
    method: string,
    fn: (req: Req, ctx: CallContext) => Promise<Res>,
  ): handleUnaryCall<Req, Res>;
  stream<Req, Res>(
    method: string,
    fn: (req: Req, ctx: CallContext, write: (r: Res) => Promise<void>) => Promise<void>,
  ): handleServerStreamingCall<Req, Res>;
  /**
   * A client-streaming call: `parts` yields the request messages as they arrive (each one the
   * guard refused throws its INVALID_ARGUMENT), and throws when the call is cancelled or its
   * deadline passes. The handler may answer before reading everything; the rest is dropped.
   */
  clientStream<Req, Res>(
    method: string,
    fn: (parts: AsyncIterable<Req>, ctx: CallContext) => Promise<Res>,
  ): handleClientStreamingCall<Req, Res>;
}

/** Errors that mean "the server went away" by name (classes the driver does not export, and
 * errors of another copy of the driver, which instanceof does not recognise). */
const UNAVAILABLE_NAMES = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoPoolClearedError',
  'PoolClearedOnNetworkError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoClientClosedError',
  'MongoServerClosedError',
  'MongoPoolClosedError',
  'MongoWaitQueueTimeoutError',
  'MaxRetriesPerRequestError',
]);

/**
 * Server codes of a node that is shutting down, stepping down, recovering or unreachable: the
 * retryable codes of the retryable reads and writes specifications
 * (https://github.com/mongodb/specifications/blob/master/source/retryable-writes/retryable-writes.md)
 * plus WriteConflict. The driver retries each once; what still fails is worth a later retry.
 */
const UNAVAILABLE_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  89, // NetworkTimeout
  91, // ShutdownInProgress
  112, // WriteConflict
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
  134, // ReadConcernMajorityNotAvailableYet
]);

/** Labels the server or driver puts on errors that a retry of the whole call may cure. */
const UNAVAILABLE_LABELS = [
  'RetryableWriteError',
  'TransientTransactionError',
  'UnknownTransactionCommitResult',
  'ResetPool',
  'PoolRequestedRetry',
  'InterruptInUseConnections',
  'SystemOverloadedError',
];

const nestedErrors = (err: unknown): object[] => {
  const o = err as { errorResponse?: unknown; cause?: unknown };
  return [o.errorResponse, o.cause].filter((e): e is object => typeof e === 'object' && e !== null);
};

function isMongoUnavailable(err: unknown, depth = 0): boolean {
  if (err instanceof MongoNetworkError || err instanceof MongoServerSelectionError) return true;
  // A bulk write that lost its connection carries the network error inside (errorResponse).
  if (depth < 3 && nestedErrors(err).some((e) => isMongoUnavailable(e, depth + 1))) return true;
  if (UNAVAILABLE_NAMES.has((err as { name?: unknown }).name as string)) return true;
  if (!(err instanceof MongoError)) return false;
  if (typeof err.code === 'number' && UNAVAILABLE_CODES.has(err.code)) return true;
  if (UNAVAILABLE_LABELS.some((l) => err.hasErrorLabel(l))) return true;
  return /node is recovering|not master|not primary/i.test(err.message);
}

/** Socket errors of Node itself; the driver passes some through unwrapped (EPIPE on a write to a
 * connection the server just closed). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTCONN',
  'EAI_AGAIN',
]);

export function toAppError(err: unknown): AppError {
  if (isAppError(err)) return err;
  const e = err as { name?: string; code?: unknown; message?: string };
  if (e?.code === 50 || e?.name === 'MongoOperationTimeoutError')
    return new AppError('DEADLINE_EXCEEDED', 'deadline exceeded');
  if (isMongoUnavailable(err) || (e?.name && UNAVAILABLE_NAMES.has(e.name)))
    return new AppError('UNAVAILABLE', 'database unavailable, retry later', {
      cause: err,
    });
  if (
    (typeof e?.code === 'string' && NETWORK_CODES.has(e.code)) ||
    /Connection is closed|ECONNREFUSED|ETIMEDOUT|isn't writeable/.test(e?.message ?? '')
  ) {
    return new AppError('UNAVAILABLE', 'backing store unavailable, retry later', {
      cause: err,
    });
  }
  return new AppError('INTERNAL', 'internal error', { cause: err });
}

function grpcError(err: AppError): ServerErrorResponse {
  const md = new Metadata();
  if (err.field) md.set('x-field', err.field);
  return Object.assign(new Error(err.message), {
    code: grpcStatusOf(err.code),
    details: err.message,
    metadata: md,
  });
}

function contextOf(
  call:
    | ServerUnaryCall<unknown, unknown>
    | ServerWritableStream<unknown, unknown>
    | ServerReadableStream<unknown, unknown>,
  caller: string,
): CallContext {
  const deadline = call.getDeadline();
  const deadlineMs =
    deadline instanceof Date
      ? deadline.getTime()
      : Number.isFinite(deadline)
        ? Number(deadline)
        : Infinity;
  return {
    caller,
    timeLeftMs: () => Math.max(1, Math.min(30_000, deadlineMs - Date.now())),
    isCancelled: () => call.cancelled || Date.now() > deadlineMs,
    // Every kind of call emits it; the union of their typed `once` overloads is not callable.
    onCancel: (fn) => void (call as NodeJS.EventEmitter).once('cancelled', fn),
  };
}

const cancelledError = () =>
  new AppError('DEADLINE_EXCEEDED', 'deadline exceeded or call cancelled');

/** The messages of a client stream, checked one by one; ends with an error on cancellation. */
async function* partsOf<Req>(call: ServerReadableStream<Req, unknown>, ctx: CallContext) {
  try {
    for await (const part of call as AsyncIterable<Req>) {
      if (ctx.isCancelled()) throw cancelledError();
      const rejected = rejectionOf(part);
      if (rejected) throw rejected;
      yield part;
    }
  } catch (err) {
    // grpc-js destroys the stream on cancellation, which ends the iteration with a premature
    // close: report what happened instead.
    if (ctx.isCancelled() && !isAppError(err)) throw cancelledError();
    throw err;
  }
  if (ctx.isCancelled()) throw cancelledError();
}

export function createWrapper(auth: Authenticate, log: Logger, registry: Registry): Wrapper {
  const calls = new Counter({
    name: 'profiles_grpc_calls_total',
    help: 'gRPC calls by method and status',
    labelNames: ['method', 'code'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'profiles_grpc_duration_seconds',
    help: 'gRPC call latency',
    labelNames: ['method'],
    registers: [registry],
  });

  const fail = (method: string, err: unknown): ServerErrorResponse => {
    const app = toAppError(err);
    if (app.code === 'INTERNAL' || app.code === 'UNAVAILABLE')
      log.error({ err, method }, 'call failed');
    calls.inc({ method, code: app.code });
    return grpcError(app);
  };

  /** Runs a call that has one answer: the result (unless the call ended meanwhile) or the
   * mapped error, exactly once, with its latency and outcome recorded. */
  const answerOnce = <Res>(
    method: string,
    callback: (err: ServerErrorResponse | null, res?: Res) => void,
    run: () => Promise<{ ctx: CallContext; res: Res }>,
  ): void => {
    let done = false;
    const reply = (err: ServerErrorResponse | null, res?: Res) => {
      if (done) return;
      done = true;
      callback(err, res);
    };
    const end = latency.startTimer({ method });
    void (async () => {
      try {
        const { ctx, res } = await run();
        if (ctx.isCancelled()) throw cancelledError();
        calls.inc({ method, code: 'OK' });
        reply(null, res);
      } catch (err) {
        reply(fail(method, err));
      } finally {
        end();
      }
    })();
  };

  return {
    clientStream(method, fn) {
      return (call, callback) =>
        answerOnce(method, callback, async () => {
          const ctx = contextOf(call, auth(call.metadata));
          return { ctx, res: await fn(partsOf(call, ctx), ctx) };
        });
    },
    unary(method, fn) {
      return (call, callback) =>
        answerOnce(method, callback, async () => {
          const ctx = contextOf(call, auth(call.metadata));
          const rejected = rejectionOf(call.request);
          if (rejected) throw rejected;
          return { ctx, res: await fn(call.request, ctx) };
        });
    },
    stream<Req, Res>(
      method: string,
      fn: (req: Req, ctx: CallContext, write: (r: Res) => Promise<void>) => Promise<void>,
    ) {
      return (call: ServerWritableStream<Req, Res>) => {
        const end = latency.startTimer({ method });
        const write = (r: Res) =>
          new Promise<void>((resolve) => {
            if (call.cancelled || call.destroyed) return resolve();
            if (call.write(r)) resolve();
            else call.once('drain', () => resolve());
          });
        void (async () => {
          try {
            const ctx = contextOf(call, auth(call.metadata));
            const rejected = rejectionOf(call.request);
            if (rejected) throw rejected;
            await fn(call.request, ctx, write);
            calls.inc({ method, code: 'OK' });
            if (!call.cancelled) call.end();
          } catch (err) {
            const e = fail(method, err);
            if (!call.cancelled) call.emit('error', e);
          } finally {
            end();
          }
        })();
      };
    },
  };
}

export { GrpcStatus };
