// Messenger Platform / Instagram Send API, with the account's own token:
//   POST {base}/{account id}/messages             → { recipient_id, message_id }
//   POST {base}/{account id}/message_attachments  → { attachment_id } (multipart: message, filedata)
// Messenger and Instagram attachments carry no caption, so a message with both is two requests
// (parts): the attachment, then its text. Answers are classified as the WhatsApp sender's are:
// accepted, refused for good (the provider's error), or worth retrying (rate limits, 5xx,
// network). No token, and no URL with one, ever appears in a reason.
import { Channel, MessageType, type OutboundJob, type ProviderError } from '@ue/proto';
import type { UploadFile, UploadOutcome } from '../whatsapp/media-api.js';
import { providerErrorOf, retryAfterMs, type SendOutcome } from '../whatsapp/send-api.js';

export interface MetaApiOptions {
  baseUrl: string;
  /** Page id → token (MESSENGER_PAGE_TOKENS); Instagram account id → token (INSTAGRAM_TOKENS). */
  tokens: { messenger: ReadonlyMap<string, string>; instagram: ReadonlyMap<string, string> };
  timeoutMs: number;
}

export function isMetaChannel(channel: Channel): boolean {
  return channel === Channel.MESSENGER || channel === Channel.INSTAGRAM;
}

// Maps, not object literals: a MessageType without an attachment type must find nothing.
const ATTACHMENT_TYPES = new Map<MessageType, string>([
  [MessageType.IMAGE, 'image'],
  [MessageType.VIDEO, 'video'],
  [MessageType.AUDIO, 'audio'],
  [MessageType.DOCUMENT, 'file'],
  // Neither channel sends stickers by id: the sticker's image is sent as one.
  [MessageType.STICKER, 'image'],
]);

/**
 * Error codes worth repeating (Graph API error reference): 4 app, 32 page and 613 call rate
 * limits, 2 a temporary service problem. Any other code (10 / 2018278 outside the window, 551
 * person unavailable, 190 token, 100 invalid parameter, …) is final.
 */
const TRANSIENT_CODES = new Set([2, 4, 32, 613]);

type NotAccepted = Exclude<SendOutcome, { kind: 'accepted' }>;

function notSentError(title: string, details: string): ProviderError {
  return { code: 0, title, message: title, details, href: '' };
}

function notSent(title: string, details: string): NotAccepted {
  return { kind: 'refused', errors: [notSentError(title, details)] };
}

function tokenOf(opts: MetaApiOptions, job: OutboundJob): string | undefined {
  const map = job.channel === Channel.INSTAGRAM ? opts.tokens.instagram : opts.tokens.messenger;
  return map.get(job.accountId);
}

/** The failure naming the account and the variable that should hold its token. */
function missingToken(job: OutboundJob): ProviderError {
  const where =
    job.channel === Channel.INSTAGRAM
      ? `Instagram account ${job.accountId} (INSTAGRAM_TOKENS)`
      : `Messenger page ${job.accountId} (MESSENGER_PAGE_TOKENS)`;
  return notSentError('No access token', `no access token is configured for ${where}`);
}

/** Requests one message takes: an attachment with a caption is two. */
export function metaParts(job: OutboundJob): number {
  const c = job.content;
  return c && ATTACHMENT_TYPES.has(c.type) && c.text ? 2 : 1;
}

function messageOf(job: OutboundJob, part: number): Record<string, unknown> | string {
  const c = job.content;
  if (!c) return 'no content';
  const type = ATTACHMENT_TYPES.get(c.type);
  if (type && part === 0) {
    const payload = c.media?.mediaId
      ? { attachment_id: c.media.mediaId }
      : c.media?.url
        ? { url: c.media.url, is_reusable: false }
        : undefined;
    if (!payload) return 'attachment without a file';
    return { attachment: { type, payload } };
  }
  if (c.type !== MessageType.TEXT && !type)
    return `content type ${MessageType[c.type] ?? c.type} cannot be sent on Messenger or Instagram`;
  if (!c.text) return 'empty text';
  return { text: c.text };
}

/** The Send API request body of one part, or why this job cannot be sent at all. */
export function buildMetaSendBody(job: OutboundJob, part = 0): Record<string, unknown> | string {
  if (!job.toScopedId) return 'no recipient (Messenger PSID or Instagram IGSID)';
  const message = messageOf(job, part);
  if (typeof message === 'string') return message;
  return {
    recipient: { id: job.toScopedId },
    // A tag (HUMAN_AGENT) is what allows a send after the 24-hour window.
    messaging_type: job.tag ? 'MESSAGE_TAG' : 'RESPONSE',
    ...(job.tag ? { tag: job.tag } : {}),
    // Comes back in the echo: how profiles knows the echo is this message.
    message: { ...message, metadata: `ue:${job.messageId}` },
  };
}

/** What the Graph API answered: status, parsed body, Retry-After. */
export interface Answer {
  status: number;
  body: unknown;
  retryAfter: string | null;
}

const errorCode = (body: unknown): number =>
  Number((body as { error?: { code?: unknown } } | undefined)?.error?.code);

function isTransient(a: Answer): boolean {
  return a.status === 429 || a.status >= 500 || TRANSIENT_CODES.has(errorCode(a.body));
}

function retryOf(a: Answer): Extract<NotAccepted, { kind: 'retry' }> {
  return {
    kind: 'retry',
    reason: `HTTP ${a.status}: ${providerErrorOf(a.status, a.body).message}`,
    retryAfterMs: retryAfterMs(a.retryAfter),
  };
}

async function call(
  opts: MetaApiOptions,
  req: { path: string; token: string; body: string | FormData },
): Promise<Answer | Extract<NotAccepted, { kind: 'retry' }>> {
  const headers: Record<string, string> = { authorization: `Bearer ${req.token}` };
  if (typeof req.body === 'string') headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`${opts.baseUrl.replace(/\/+$/, '')}/${req.path}`, {
      method: 'POST',
      headers,
      body: req.body,
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
  } catch (err) {
    const e = err as Error;
    const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
    return { kind: 'retry', reason: timedOut ? 'timed out' : `network: ${e.message}` };
  }
  const body: unknown = await res.json().catch(() => undefined);
  return { status: res.status, body, retryAfter: res.headers.get('retry-after') };
}

/** Send one part of a message (see metaParts). */
export async function sendMetaMessage(
  opts: MetaApiOptions,
  o: { job: OutboundJob; part: number },
): Promise<SendOutcome> {
  const token = tokenOf(opts, o.job);
  if (!token) return { kind: 'refused', errors: [missingToken(o.job)] };
  const body = buildMetaSendBody(o.job, o.part);
  if (typeof body === 'string') return notSent('Not sendable', body);
  const path = `${encodeURIComponent(o.job.accountId)}/messages`;
  const a = await call(opts, { path, token, body: JSON.stringify(body) });
  return 'kind' in a ? a : sendOutcomeOf(a);
}

/** A Send API answer → accepted (message_id), worth retrying, or refused for good. */
export function sendOutcomeOf(a: Answer): SendOutcome {
  if (isTransient(a)) return retryOf(a);
  if (a.status < 200 || a.status >= 300)
    return { kind: 'refused', errors: [providerErrorOf(a.status, a.body)] };
  const id = (a.body as { message_id?: unknown } | undefined)?.message_id;
  // Accepted but unreadable: sending again could deliver twice, so record it as a failure.
  if (typeof id !== 'string' || id === '')
    return notSent('No message id', `HTTP ${a.status} without message_id`);
  return { kind: 'accepted', wamid: id };
}

/** Upload a file with the Attachment Upload API; the send then names its attachment_id. */
export async function uploadMetaAttachment(
  opts: MetaApiOptions,
  o: { job: OutboundJob; file: UploadFile },
): Promise<UploadOutcome> {
  const token = tokenOf(opts, o.job);
  const type = o.job.content ? ATTACHMENT_TYPES.get(o.job.content.type) : undefined;
  if (!token) return { kind: 'refused', status: 0, error: missingToken(o.job) };
  if (!type) return { kind: 'refused', status: 0, error: notSentError('Not sendable', 'no type') };
  const form = new FormData();
  form.set('message', JSON.stringify({ attachment: { type, payload: { is_reusable: true } } }));
  form.set('filedata', new Blob([o.file.bytes], { type: o.file.mimeType }), o.file.filename);
  const path = `${encodeURIComponent(o.job.accountId)}/message_attachments`;
  const a = await call(opts, { path, token, body: form });
  if ('kind' in a) return a;
  if (isTransient(a)) return retryOf(a);
  if (a.status < 200 || a.status >= 300) return { kind: 'refused', status: a.status, body: a.body };
  const id = (a.body as { attachment_id?: unknown } | undefined)?.attachment_id;
  if (typeof id !== 'string' || id === '')
    return { kind: 'retry', reason: `attachment upload answered HTTP ${a.status} without an id` };
  return { kind: 'ok', id };
}
