// Worker step for one inbound media message (docs/ingest.md, "Media"): ask profiles where the
// file stands (stored or given up → nothing to do, so a replay never fetches again), read the
// provider's metadata, check type, size and checksum, then stream the bytes from the provider
// straight into profiles' UploadMedia. Transient trouble is thrown as MediaRetry (BullMQ retries
// with backoff; profiles shows the media as pending with the reason); a file the provider no
// longer has, or one we refuse, is recorded as unavailable with the reason. Messenger and
// Instagram attachments have no metadata and no checksum: their URL is the file, and its
// answer names type and size; an expired URL cannot be renewed.
import { createHash } from 'node:crypto';
import { isAppError, type Logger } from '@ue/kit';
import type { ProfilesClient } from '@ue/profiles-client';
import {
  MediaState,
  MediaVariant,
  UploadMediaHeader,
  type Message,
  type MessageRef,
  type UploadMediaResponse,
} from '@ue/proto';
import { UnrecoverableError, type Job } from 'bullmq';
import type { Metrics } from '../ops/metrics.js';
import type {
  DownloadOutcome,
  MediaFailure,
  MediaMetadata,
  MetadataOutcome,
} from '../providers/whatsapp/media-api.js';
import {
  expectedSha256,
  mimeProblem,
  sizeProblem,
  type MediaCaps,
  type MediaKind,
} from '../providers/whatsapp/media-rules.js';
import type { MediaJobData } from '../queue/media-queue.js';
import { profilesFailure } from './profiles-failure.js';

/** Try again later; `delayMs` overrides the usual backoff (token failures wait longer). */
export class MediaRetry extends Error {
  override readonly name = 'MediaRetry';
  constructor(
    message: string,
    readonly delayMs?: number,
  ) {
    super(message);
  }
}

/** Failed for good: recorded as UNAVAILABLE with this reason. */
class MediaUnavailable extends Error {
  override readonly name = 'MediaUnavailable';
}

/** The downloaded bytes did not hash to the expected value (retried a few times). */
class ChecksumMismatch extends Error {
  override readonly name = 'ChecksumMismatch';
}

export type FetchMediaResult = 'stored' | 'unavailable' | 'skipped' | 'gone';

export interface FetchMediaDeps {
  profiles: Pick<ProfilesClient, 'call' | 'upload'>;
  metadata: (mediaId: string) => Promise<MetadataOutcome>;
  download: (url: string, signal: AbortSignal) => Promise<DownloadOutcome>;
  /** A Messenger / Instagram attachment URL, fetched without a token. */
  downloadUrl: (url: string, signal: AbortSignal) => Promise<DownloadOutcome>;
  caps: MediaCaps;
  /** Bound on one download (and the upload streaming alongside it). */
  downloadTimeoutMs: number;
  /** Downloads with a wrong checksum retried before the media is given up. */
  checksumRetries: number;
  /** Delay before trying again after the provider refused the access token. */
  tokenRetryMs: number;
  metrics: Metrics;
  log: Logger;
}

interface Attempt {
  job: Job<MediaJobData>;
  ref: MessageRef;
  who: Record<string, unknown>;
}

function tokenFailure(deps: FetchMediaDeps, a: Attempt, f: MediaFailure): never {
  if (f.kind === 'retry') throw new MediaRetry(f.reason, f.retryAfterMs);
  deps.metrics.mediaTokenFailures.inc({ account: a.job.data.accountId });
  // Never the token itself: only which number and what the provider said.
  deps.log.warn(
    { ...a.who, status: f.status, reason: f.reason, retryInMs: deps.tokenRetryMs },
    'provider refused the access token for media; check WHATSAPP_ACCESS_TOKEN for this number',
  );
  throw new MediaRetry(`access token refused: ${f.reason}`, deps.tokenRetryMs);
}

async function metadataOf(deps: FetchMediaDeps, a: Attempt): Promise<MediaMetadata> {
  const m = await deps.metadata(a.job.data.mediaId);
  if (m.kind === 'ok') return m.meta;
  if (m.kind === 'gone') throw new MediaUnavailable(m.reason);
  return tokenFailure(deps, a, m);
}

/** Type, size and checksum checks before any byte is downloaded. */
function check(
  deps: FetchMediaDeps,
  data: MediaJobData,
  meta: MediaMetadata,
): { mimeType: string; shaHex?: string } {
  const mimeType = meta.mimeType || data.mimeType;
  for (const mime of new Set([meta.mimeType, data.mimeType].filter(Boolean))) {
    const problem = mimeProblem(data.kind, mime);
    if (problem) throw new MediaUnavailable(problem);
  }
  if (!mimeType) throw new MediaUnavailable('no MIME type from the provider');
  const tooBig = sizeProblem(data.kind, meta.fileSize, deps.caps);
  if (tooBig) throw new MediaUnavailable(tooBig);
  const sha = expectedSha256(data.sha256, meta.sha256);
  if (sha.problem) throw new MediaUnavailable(sha.problem);
  return { mimeType, ...(sha.hex ? { shaHex: sha.hex } : {}) };
}

interface Tally {
  bytes: number;
  /** Why reading stopped, kept here because the upload reports it as its own error. */
  failure?: Error;
}

/** The response body, counted and hashed; throws past the cap or on a wrong size or hash. */
async function* verified(
  body: ReadableStream<Uint8Array>,
  o: { kind: MediaKind; cap: number; size: number; shaHex?: string; tally: Tally },
): AsyncGenerator<Uint8Array> {
  const hash = createHash('sha256');
  const fail = (err: Error): never => {
    o.tally.failure = err;
    throw err;
  };
  try {
    for await (const chunk of body) {
      o.tally.bytes += chunk.length;
      if (o.tally.bytes > o.cap)
        fail(new MediaUnavailable(`more than the ${o.kind} limit of ${o.cap} bytes`));
      if (o.size && o.tally.bytes > o.size)
        fail(new MediaRetry(`more bytes than the ${o.size} the provider announced`));
      hash.update(chunk);
      yield chunk;
    }
  } catch (err) {
    if (o.tally.failure) throw err;
    const e = err as Error;
    const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
    fail(new MediaRetry(timedOut ? 'download timed out' : `download broke off: ${e.message}`));
  }
  if (o.size && o.tally.bytes !== o.size)
    fail(new MediaRetry(`short transfer: ${o.tally.bytes} of ${o.size} bytes`));
  if (o.shaHex && hash.digest('hex') !== o.shaHex) fail(new ChecksumMismatch('checksum mismatch'));
}

/** The bytes of a download whose size the provider did not announce, read up to the cap. */
async function buffered(body: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of body) parts.push(chunk);
  return Buffer.concat(parts);
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield await Promise.resolve(bytes);
}

async function openDownload(
  deps: FetchMediaDeps,
  a: Attempt,
  { url, signal }: { url: string; signal: AbortSignal },
): Promise<Response> {
  let dl = await deps.download(url, signal);
  if (dl.kind === 'expired') {
    // Download URLs expire minutes after they are issued: new metadata brings a new one, once.
    deps.log.info({ ...a.who, status: dl.status }, 'media download URL expired; asking again');
    const fresh = await metadataOf(deps, a);
    dl = await deps.download(fresh.url, signal);
    if (dl.kind === 'expired')
      throw new MediaUnavailable(`${dl.reason}, also with a freshly issued URL`);
  }
  if (dl.kind === 'ok') return dl.response;
  return tokenFailure(deps, a, dl);
}

/** An open download and what the bytes must be. */
interface Source {
  res: Response;
  mimeType: string;
  /** 0 when not announced. */
  fileSize: number;
  shaHex?: string;
}

/** WhatsApp: the metadata names type, size and checksum, all checked before the download. */
async function fromMediaId(deps: FetchMediaDeps, a: Attempt, signal: AbortSignal): Promise<Source> {
  const meta = await metadataOf(deps, a);
  const { mimeType, shaHex } = check(deps, a.job.data, meta);
  const res = await openDownload(deps, a, { url: meta.url, signal });
  return { res, mimeType, fileSize: meta.fileSize, ...(shaHex ? { shaHex } : {}) };
}

/** Messenger / Instagram: the webhook's URL is the file; its answer names type and size. */
async function fromUrl(
  deps: FetchMediaDeps,
  a: Attempt,
  o: { url: string; signal: AbortSignal },
): Promise<Source> {
  if (!/^https?:\/\//i.test(o.url)) throw new MediaUnavailable('the attachment URL is not http(s)');
  const dl = await deps.downloadUrl(o.url, o.signal);
  if (dl.kind === 'expired')
    throw new MediaUnavailable(`${dl.reason}: the link expired and the provider issues no new one`);
  if (dl.kind !== 'ok') return tokenFailure(deps, a, dl);
  const mimeType = dl.response.headers.get('content-type') ?? '';
  if (!mimeType) throw new MediaUnavailable('no MIME type from the provider');
  const problem = mimeProblem(a.job.data.kind, mimeType);
  if (problem) throw new MediaUnavailable(problem);
  const size = Number(dl.response.headers.get('content-length') ?? 0);
  return {
    res: dl.response,
    mimeType,
    fileSize: Number.isSafeInteger(size) && size > 0 ? size : 0,
  };
}

async function store(deps: FetchMediaDeps, a: Attempt, message: Message): Promise<number> {
  const data = a.job.data;
  const cap = deps.caps[data.kind];
  const abort = new AbortController();
  const signal = AbortSignal.any([abort.signal, AbortSignal.timeout(deps.downloadTimeoutMs)]);
  try {
    const { res, mimeType, fileSize, shaHex } = data.url
      ? await fromUrl(deps, a, { url: data.url, signal })
      : await fromMediaId(deps, a, signal);
    const announced = Number(res.headers.get('content-length') ?? 0);
    const tooBig = sizeProblem(data.kind, announced, deps.caps);
    if (tooBig) throw new MediaUnavailable(tooBig);
    const tally: Tally = { bytes: 0 };
    const stream = verified(res.body!, { kind: data.kind, cap, size: fileSize, shaHex, tally });
    // Without an announced size (profiles needs it up front) the bytes are read first.
    const bytes = fileSize ? undefined : await buffered(stream);
    const header = UploadMediaHeader.fromPartial({
      message: a.ref,
      variant: MediaVariant.ORIGINAL,
      mimeType,
      filename: message.content?.media?.filename ?? '',
      sizeBytes: fileSize || bytes!.length,
      sha256Hex: shaHex ?? '',
    });
    let uploaded: UploadMediaResponse;
    try {
      uploaded = await deps.profiles.upload(header, bytes ? once(bytes) : stream, {
        deadlineMs: deps.downloadTimeoutMs,
        signal,
      });
    } catch (err) {
      throw tally.failure ?? uploadFailure(err);
    }
    if (uploaded.alreadyStored) deps.log.info({ ...a.who }, 'media was already stored');
    return tally.bytes;
  } finally {
    abort.abort();
  }
}

function uploadFailure(err: unknown): Error {
  if (isAppError(err) && err.code === 'INVALID_ARGUMENT')
    return new MediaUnavailable(`profiles refused the file: ${err.message}`);
  return profilesFailure(err, 'the file').error;
}

/** profiles keeps a reason of at most 500 UTF-16 units; a provider's message can be longer. */
const REASON_UNITS = 500;

export function shortReason(reason: string): string {
  if (reason.length <= REASON_UNITS) return reason;
  // Never half a surrogate pair at the cut.
  const cut = reason.slice(0, REASON_UNITS - 1).replace(/[\uD800-\uDBFF]$/, '');
  return `${cut}…`;
}

async function setState(
  deps: FetchMediaDeps,
  a: Attempt,
  o: { state: MediaState; reason: string },
): Promise<void> {
  const reason = shortReason(o.reason);
  await deps.profiles.call('setMediaState', { message: a.ref, state: o.state, reason });
}

async function messageOf(deps: FetchMediaDeps, ref: MessageRef): Promise<Message | undefined> {
  try {
    return (await deps.profiles.call('getMessage', { message: ref })).message;
  } catch (err) {
    // Erased (or never stored): there is nothing to attach a file to any more.
    if (isAppError(err) && err.code === 'NOT_FOUND') return undefined;
    throw profilesFailure(err, 'the message lookup').error;
  }
}

export function createFetchMedia(
  deps: FetchMediaDeps,
): (job: Job<MediaJobData>) => Promise<FetchMediaResult> {
  return async (job) => {
    const data = job.data;
    if (!data.accountId || !data.wamid || !(data.mediaId || data.url))
      throw new UnrecoverableError(
        'malformed media job: accountId, wamid and mediaId (or url) required',
      );
    const ref: MessageRef = { messageId: '', accountId: data.accountId, wamid: data.wamid };
    const a: Attempt = { job, ref, who: { job: job.id, account: data.accountId, kind: data.kind } };
    const done = (outcome: string): void =>
      deps.metrics.mediaFetched.inc({ kind: data.kind, outcome });

    const message = await messageOf(deps, ref);
    const state = message?.content?.media?.stored?.state;
    if (!message || state === MediaState.STORED || state === MediaState.UNAVAILABLE) {
      done(message ? 'skipped' : 'gone');
      return message ? 'skipped' : 'gone';
    }
    const end = deps.metrics.mediaFetchSeconds.startTimer({ kind: data.kind });
    let failure: Error;
    try {
      const bytes = await store(deps, a, message);
      end();
      deps.metrics.mediaBytes.inc({ kind: data.kind }, bytes);
      done('stored');
      return 'stored';
    } catch (err) {
      failure = err as Error;
    }
    if (failure instanceof ChecksumMismatch) {
      const n = (data.checksumFailures ?? 0) + 1;
      if (n <= deps.checksumRetries) {
        await job.updateData({ ...data, checksumFailures: n });
        failure = new MediaRetry(`checksum mismatch (download ${n})`);
      } else failure = new MediaUnavailable(`checksum mismatch after ${n} downloads`);
    }
    const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (failure instanceof MediaRetry && last)
      failure = new MediaUnavailable(
        `gave up after ${job.attemptsMade + 1} attempts: ${failure.message}`,
      );
    if (failure instanceof MediaUnavailable) {
      await setState(deps, a, { state: MediaState.UNAVAILABLE, reason: failure.message }).catch(
        (err: unknown) => {
          throw profilesFailure(err, 'the media state').error;
        },
      );
      deps.log.warn({ ...a.who, reason: failure.message }, 'media unavailable');
      done('unavailable');
      return 'unavailable';
    }
    if (failure instanceof MediaRetry) {
      done('retried');
      // Only so the conversation can say why it is still waiting: a failure here changes nothing.
      await setState(deps, a, { state: MediaState.PENDING, reason: failure.message }).catch(
        () => undefined,
      );
    }
    throw failure;
  };
}
