// WhatsApp Cloud API media endpoints, with the bearer token:
//   GET  {base}/{media-id}                → { url, mime_type, sha256 (hex), file_size, id }
//   GET  url                              → the bytes (the URL expires minutes after it is issued)
//   POST {base}/{phone_number_id}/media   → { id } (multipart: messaging_product, type, file)
// Answers are classified for the jobs; the token never appears in a reason.
import type { ProviderError } from '@ue/proto';
import { providerErrorOf, retryAfterMs } from './send-api.js';

export interface MediaApiOptions {
  baseUrl: string;
  accessToken: string;
  /** Bound on the metadata request and on an upload. */
  timeoutMs: number;
}

export interface MediaMetadata {
  url: string;
  mimeType: string;
  sha256: string;
  /** 0 when the provider did not say. */
  fileSize: number;
}

/** Failures shared by every media request. */
export type MediaFailure =
  /** 401/403 (metadata, upload) or 401 (download): the number's token is not accepted. */
  | { kind: 'token'; status: number; reason: string }
  /** 429, 5xx, network trouble, timeouts. */
  | { kind: 'retry'; reason: string; retryAfterMs?: number };

export type MetadataOutcome =
  | { kind: 'ok'; meta: MediaMetadata }
  /** 400/404/410: the provider does not have (or no longer has) this media. */
  | { kind: 'gone'; status: number; reason: string }
  | MediaFailure;

export type DownloadOutcome =
  | { kind: 'ok'; response: Response }
  /** 403/404/410 on the download URL: it expired (a fresh one comes with new metadata). */
  | { kind: 'expired'; status: number; reason: string }
  | MediaFailure;

export type UploadOutcome =
  | { kind: 'ok'; id: string }
  /** `error`: the refusal already read (no answer to read it from, e.g. no token). */
  | { kind: 'refused'; status: number; body?: unknown; error?: ProviderError }
  | MediaFailure;

const base = (o: MediaApiOptions): string => o.baseUrl.replace(/\/+$/, '');
const auth = (o: MediaApiOptions) => ({ authorization: `Bearer ${o.accessToken}` });

function networkFailure(err: unknown): MediaFailure {
  const e = err as Error;
  const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
  return { kind: 'retry', reason: timedOut ? 'timed out' : `network: ${e.message}` };
}

async function failure(res: Response, what: string): Promise<MediaFailure> {
  const body: unknown = await res.json().catch(() => undefined);
  const reason = `${what} answered HTTP ${res.status}: ${providerErrorOf(res.status, body).message}`;
  if (res.status === 401 || res.status === 403)
    return { kind: 'token', status: res.status, reason };
  return { kind: 'retry', reason, retryAfterMs: retryAfterMs(res.headers.get('retry-after')) };
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export async function fetchMediaMetadata(
  opts: MediaApiOptions,
  mediaId: string,
): Promise<MetadataOutcome> {
  let res: Response;
  try {
    res = await fetch(`${base(opts)}/${encodeURIComponent(mediaId)}`, {
      headers: auth(opts),
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
  } catch (err) {
    return networkFailure(err);
  }
  if (res.status === 400 || res.status === 404 || res.status === 410) {
    const body: unknown = await res.json().catch(() => undefined);
    const reason = `the provider does not have this media (HTTP ${res.status}: ${providerErrorOf(res.status, body).message})`;
    return { kind: 'gone', status: res.status, reason };
  }
  if (!res.ok) return failure(res, 'media metadata');
  const body = (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  const url = str(body?.url);
  if (!url) return { kind: 'retry', reason: 'media metadata without a url' };
  const size = Number(body?.file_size ?? 0);
  return {
    kind: 'ok',
    meta: {
      url,
      mimeType: str(body?.mime_type),
      sha256: str(body?.sha256),
      fileSize: Number.isSafeInteger(size) && size > 0 ? size : 0,
    },
  };
}

/** Start the download; the caller reads (and may cancel) `response.body`. */
export async function openMediaDownload(
  opts: MediaApiOptions & { signal: AbortSignal },
  url: string,
): Promise<DownloadOutcome> {
  let res: Response;
  try {
    res = await fetch(url, { headers: auth(opts), signal: opts.signal });
  } catch (err) {
    return networkFailure(err);
  }
  if (res.status === 403 || res.status === 404 || res.status === 410) {
    await res.body?.cancel().catch(() => undefined);
    return {
      kind: 'expired',
      status: res.status,
      reason: `download URL answered HTTP ${res.status}`,
    };
  }
  if (!res.ok || !res.body) return failure(res, 'media download');
  return { kind: 'ok', response: res };
}

export interface UploadFile {
  accountId: string;
  mimeType: string;
  filename: string;
  bytes: Uint8Array;
}

/** Upload a file for sending; the returned id goes into the message as { id }. */
export async function uploadMedia(opts: MediaApiOptions, file: UploadFile): Promise<UploadOutcome> {
  const form = new FormData();
  form.set('messaging_product', 'whatsapp');
  form.set('type', file.mimeType);
  form.set('file', new Blob([file.bytes], { type: file.mimeType }), file.filename || 'file');
  let res: Response;
  try {
    res = await fetch(`${base(opts)}/${encodeURIComponent(file.accountId)}/media`, {
      method: 'POST',
      headers: auth(opts),
      body: form,
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
  } catch (err) {
    return networkFailure(err);
  }
  // As for sends: 429 and 5xx are worth repeating, any other refusal is the message's failure.
  if (res.status === 429 || res.status >= 500) return failure(res, 'media upload');
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) return { kind: 'refused', status: res.status, body };
  const id = str((body as { id?: unknown } | undefined)?.id);
  if (!id)
    return { kind: 'retry', reason: `media upload answered HTTP ${res.status} without an id` };
  return { kind: 'ok', id };
}
