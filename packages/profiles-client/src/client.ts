// The one factory for calling profiles: a channel with keepalive, `authorization: Bearer` on
// every call, a deadline on every unary call, and every failure mapped back to AppError.
import {
  connectivityState,
  credentials,
  Metadata,
  type ChannelOptions,
  type ClientReadableStream,
} from '@grpc/grpc-js';
import {
  ProfilesServiceClient,
  ProfilesServiceService,
  type UploadMediaHeader,
  type UploadMediaResponse,
} from '@ue/proto';
import { toAppError } from './errors.js';
import type {
  MethodDefinition,
  MethodName,
  RequestOf,
  ResponseOf,
  StreamMethod,
  UnaryMethod,
} from './methods.js';

export interface ProfilesClientOptions {
  /** `host:port` of profiles (PROFILES_ADDR). */
  addr: string;
  /** This caller's token (PROFILES_TOKEN), sent as `authorization: Bearer <token>`. */
  token: string;
  /** Deadline of each unary call unless the call sets its own (default 5000 ms). */
  deadlineMs?: number;
  /** grpc-js channel options, applied over the defaults (keepalive). */
  channelOptions?: ChannelOptions;
  /** Calls wait for a (re)connecting channel up to their deadline instead of failing at once. */
  waitForReady?: boolean;
}

export interface CallOptions {
  /** This call's deadline; streams have none unless given. */
  deadlineMs?: number;
  /** Aborting cancels the call (a unary call then rejects; a stream just ends). */
  signal?: AbortSignal;
}

export interface ProfilesClient {
  /** The generated client, for what `call` and `stream` do not cover. Pass it `metadata()`. */
  readonly raw: ProfilesServiceClient;
  /** One unary RPC; rejects with AppError. */
  call<M extends UnaryMethod>(
    method: M,
    request: RequestOf<M>,
    opts?: CallOptions,
  ): Promise<ResponseOf<M>>;
  /** One server-streaming RPC as an async iterable; a failure ends it with AppError. */
  stream<M extends StreamMethod>(
    method: M,
    request: RequestOf<M>,
    opts?: CallOptions,
  ): AsyncIterable<ResponseOf<M>>;
  /**
   * UploadMedia (client streaming): the header, then the bytes in chunks of at most
   * UPLOAD_CHUNK_BYTES, sent as fast as the channel takes them. Rejects with AppError; the
   * call is cancelled when reading `body` fails or `signal` aborts (nothing is kept then).
   */
  upload(
    header: UploadMediaHeader,
    body: AsyncIterable<Uint8Array>,
    opts?: CallOptions,
  ): Promise<UploadMediaResponse>;
  /** Fresh metadata carrying the bearer token (and waitForReady when configured). */
  metadata(): Metadata;
  /** True when a connection to profiles is, or within `timeoutMs` can be, established. */
  reachable(timeoutMs: number): Promise<boolean>;
  close(): void;
}

export const DEFAULT_DEADLINE_MS = 5000;

/** Pings keep idle connections alive through proxies and notice a dead peer within ~40 s. */
export const DEFAULT_CHANNEL_OPTIONS: Readonly<ChannelOptions> = Object.freeze({
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.keepalive_permit_without_calls': 1,
});

/** One call, ready to go. */
interface Outgoing<M extends MethodName> {
  method: M;
  request: RequestOf<M>;
  metadata: Metadata;
  deadline: Date | undefined;
}

function definition<M extends MethodName>(method: M): MethodDefinition<M> {
  return ProfilesServiceService[method] as unknown as MethodDefinition<M>;
}

const deadlineIn = (ms: number | undefined): Date | undefined =>
  ms === undefined ? undefined : new Date(Date.now() + ms);

/** One unary call, cancelled when `signal` aborts. */
function unary<M extends UnaryMethod>(
  raw: ProfilesServiceClient,
  call: Outgoing<M>,
  signal: AbortSignal | undefined,
): Promise<ResponseOf<M>> {
  const def = definition(call.method);
  return new Promise((resolve, reject) => {
    const cancel = (): void => pending.cancel();
    const pending = raw.makeUnaryRequest(
      def.path,
      def.requestSerialize,
      def.responseDeserialize,
      call.request,
      call.metadata,
      { deadline: call.deadline },
      (err, res) => {
        signal?.removeEventListener('abort', cancel);
        if (err || res === undefined) reject(toAppError(err));
        else resolve(res);
      },
    );
    if (signal?.aborted) cancel();
    else signal?.addEventListener('abort', cancel, { once: true });
  });
}

/** A server stream as an async iterable, cancelled when `signal` aborts or the reader stops. */
async function* readStream<T>(
  stream: ClientReadableStream<T>,
  signal: AbortSignal | undefined,
): AsyncGenerator<T> {
  const cancel = (): void => stream.cancel();
  if (signal?.aborted) cancel();
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    for await (const item of stream as AsyncIterable<T>) yield item;
  } catch (err) {
    if (!signal?.aborted) throw toAppError(err);
  } finally {
    signal?.removeEventListener('abort', cancel);
    stream.cancel();
  }
}

/** One server-streaming call; no deadline unless the call has one. */
function serverStream<M extends StreamMethod>(
  raw: ProfilesServiceClient,
  call: Outgoing<M>,
  signal: AbortSignal | undefined,
): AsyncIterable<ResponseOf<M>> {
  const def = definition(call.method);
  const stream = raw.makeServerStreamRequest(
    def.path,
    def.requestSerialize,
    def.responseDeserialize,
    call.request,
    call.metadata,
    call.deadline ? { deadline: call.deadline } : {},
  );
  return readStream(stream, signal);
}

/** The largest chunk part of an upload (profiles refuses bigger ones). */
export const UPLOAD_CHUNK_BYTES = 256 * 1024;

function* slices(buf: Uint8Array): Generator<Uint8Array> {
  for (let i = 0; i < buf.length; i += UPLOAD_CHUNK_BYTES)
    yield buf.subarray(i, i + UPLOAD_CHUNK_BYTES);
}

/** One client-streaming UploadMedia call. */
function upload(
  raw: ProfilesServiceClient,
  call: { header: UploadMediaHeader; body: AsyncIterable<Uint8Array> } & Omit<
    Outgoing<'uploadMedia'>,
    'method' | 'request'
  >,
  signal: AbortSignal | undefined,
): Promise<UploadMediaResponse> {
  const def = ProfilesServiceService.uploadMedia;
  return new Promise<UploadMediaResponse>((resolve, reject) => {
    let settled = false;
    const stream = raw.makeClientStreamRequest(
      def.path,
      def.requestSerialize,
      def.responseDeserialize,
      call.metadata,
      call.deadline ? { deadline: call.deadline } : {},
      (err, res) => {
        settled = true;
        signal?.removeEventListener('abort', cancel);
        if (err || res === undefined) reject(toAppError(err));
        else resolve(res);
      },
    );
    const cancel = (): void => stream.cancel();
    if (signal?.aborted) return cancel();
    signal?.addEventListener('abort', cancel, { once: true });
    const write = (part: Parameters<typeof stream.write>[0]): Promise<void> =>
      new Promise<void>((ok) => {
        if (stream.write(part)) ok();
        else stream.once('drain', () => ok());
      });
    void (async () => {
      try {
        await write({ part: { $case: 'header', header: call.header } });
        for await (const buf of call.body) {
          for (const chunk of slices(buf)) {
            if (settled) return; // profiles answered early (e.g. already stored, or refused)
            await write({ part: { $case: 'chunk', chunk: Buffer.from(chunk) } });
          }
        }
        stream.end();
      } catch (err) {
        stream.cancel();
        if (!settled) {
          settled = true;
          reject(toAppError(err));
        }
      }
    })();
  });
}

function reachable(raw: ProfilesServiceClient, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (raw.getChannel().getConnectivityState(true) === connectivityState.READY)
      return resolve(true);
    raw.waitForReady(Date.now() + timeoutMs, (err) => resolve(!err));
  });
}

export function createProfilesClient(opts: ProfilesClientOptions): ProfilesClient {
  const raw = new ProfilesServiceClient(opts.addr, credentials.createInsecure(), {
    ...DEFAULT_CHANNEL_OPTIONS,
    ...opts.channelOptions,
  });
  const metadata = (): Metadata => {
    const md = new Metadata({ waitForReady: opts.waitForReady ?? false });
    md.set('authorization', `Bearer ${opts.token}`);
    return md;
  };
  return {
    raw,
    metadata,
    call: (method, request, { deadlineMs, signal } = {}) =>
      unary(
        raw,
        {
          method,
          request,
          metadata: metadata(),
          deadline: deadlineIn(deadlineMs ?? opts.deadlineMs ?? DEFAULT_DEADLINE_MS),
        },
        signal,
      ),
    stream: (method, request, { deadlineMs, signal } = {}) =>
      serverStream(
        raw,
        { method, request, metadata: metadata(), deadline: deadlineIn(deadlineMs) },
        signal,
      ),
    upload: (header, body, { deadlineMs, signal } = {}) =>
      upload(raw, { header, body, metadata: metadata(), deadline: deadlineIn(deadlineMs) }, signal),
    reachable: (timeoutMs) => reachable(raw, timeoutMs),
    close: () => raw.close(),
  };
}
