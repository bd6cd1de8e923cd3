// WhatsApp Cloud API send endpoint: POST {base}/{phone_number_id}/messages with a bearer token.
// Builds the request body from an OutboundJob and classifies the answer: accepted (wamid),
// refused for good (4xx with the provider's error), or worth retrying (429, 5xx, network).
import { MessageType, type OutboundJob, type ProviderError } from '@ue/proto';

export type SendOutcome =
  | { kind: 'accepted'; wamid: string }
  | { kind: 'refused'; errors: ProviderError[] }
  | { kind: 'retry'; reason: string; retryAfterMs?: number };

export interface SendApiOptions {
  baseUrl: string;
  accessToken: string;
  timeoutMs: number;
}

const MEDIA: Partial<Record<MessageType, string>> = {
  [MessageType.IMAGE]: 'image',
  [MessageType.VIDEO]: 'video',
  [MessageType.AUDIO]: 'audio',
  [MessageType.DOCUMENT]: 'document',
  [MessageType.STICKER]: 'sticker',
};

function refused(title: string, details = ''): SendOutcome {
  return { kind: 'refused', errors: [{ code: 0, title, message: title, details, href: '' }] };
}

function contentBody(job: OutboundJob): Record<string, unknown> | string {
  const c = job.content;
  if (!c) return 'no content';
  if (c.type === MessageType.TEXT) {
    if (!c.text) return 'empty text';
    return { type: 'text', text: { body: c.text, preview_url: false } };
  }
  if (c.type === MessageType.TEMPLATE && c.template?.name) {
    const t: Record<string, unknown> = {
      name: c.template.name,
      language: { code: c.template.language || 'en' },
    };
    if (c.template.componentsJson) {
      try {
        t.components = JSON.parse(c.template.componentsJson) as unknown;
      } catch {
        return 'template components are not JSON';
      }
    }
    return { type: 'template', template: t };
  }
  const media = MEDIA[c.type];
  if (media && (c.media?.mediaId || c.media?.url)) {
    const m: Record<string, unknown> = c.media.mediaId
      ? { id: c.media.mediaId }
      : { link: c.media.url };
    if (c.text && media !== 'audio' && media !== 'sticker') m.caption = c.text;
    if (media === 'document' && c.media.filename) m.filename = c.media.filename;
    return { type: media, [media]: m };
  }
  if (c.type === MessageType.LOCATION && c.location) {
    const { latitude, longitude, name, address } = c.location;
    return {
      type: 'location',
      location: { latitude, longitude, ...(name ? { name } : {}), ...(address ? { address } : {}) },
    };
  }
  return `content type ${MessageType[c.type] ?? c.type} cannot be sent`;
}

/** The Cloud API request body, or why this job cannot be sent at all. */
export function buildSendBody(job: OutboundJob): Record<string, unknown> | string {
  const content = contentBody(job);
  if (typeof content === 'string') return content;
  // Users whose number is withheld are addressed by BSUID ("recipient") instead of "to".
  const to = job.toWaId ? { to: job.toWaId } : job.toBsuid ? { recipient: job.toBsuid } : undefined;
  if (!to) return 'no recipient (wa_id or bsuid)';
  return {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    ...to,
    ...content,
    ...(job.replyToWamid ? { context: { message_id: job.replyToWamid } } : {}),
    ...(job.bizOpaqueCallbackData ? { biz_opaque_callback_data: job.bizOpaqueCallbackData } : {}),
  };
}

/** Retry-After as milliseconds (seconds or an HTTP date); undefined when absent or invalid. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+(\.\d+)?$/.test(header.trim())) return Math.round(Number(header) * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

interface MetaError {
  code?: number;
  title?: string;
  error_user_title?: string;
  error_user_msg?: string;
  /** Messenger / Instagram name the precise reason here (2018278: outside the window). */
  error_subcode?: number;
  message?: string;
  type?: string;
  error_data?: { details?: string };
  href?: string;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function providerErrorOf(status: number, body: unknown): ProviderError {
  const e =
    (typeof body === 'object' && body !== null
      ? (body as { error?: MetaError }).error
      : undefined) ?? {};
  const title = text(e.title) ?? text(e.error_user_title) ?? text(e.message) ?? `HTTP ${status}`;
  // ProviderError.code is an int32: anything else would fail the report to profiles.
  const code = Math.trunc(Number(e.code ?? status));
  const subcode = Number.isSafeInteger(e.error_subcode) ? `error_subcode ${e.error_subcode}` : '';
  const explained = [text(e.error_user_msg), subcode].filter(Boolean).join(' · ');
  return {
    code: code && Math.abs(code) < 2 ** 31 ? code : status,
    title,
    message: text(e.message) ?? title,
    details: text(e.error_data?.details) ?? explained,
    href: text(e.href) ?? '',
  };
}

export async function sendMessage(opts: SendApiOptions, job: OutboundJob): Promise<SendOutcome> {
  const body = buildSendBody(job);
  if (typeof body === 'string') return refused('Not sendable', body);
  let res: Response;
  try {
    res = await fetch(
      `${opts.baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(job.accountId)}/messages`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${opts.accessToken}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(opts.timeoutMs),
      },
    );
  } catch (err) {
    return { kind: 'retry', reason: `network: ${(err as Error).message}` };
  }
  const parsed: unknown = await res.json().catch(() => undefined);
  if (res.status === 429 || res.status >= 500) {
    return {
      kind: 'retry',
      reason: `HTTP ${res.status}: ${providerErrorOf(res.status, parsed).message}`,
      retryAfterMs: retryAfterMs(res.headers.get('retry-after')),
    };
  }
  if (!res.ok) return { kind: 'refused', errors: [providerErrorOf(res.status, parsed)] };
  const wamid = (parsed as { messages?: Array<{ id?: unknown }> } | undefined)?.messages?.[0]?.id;
  // Accepted but unreadable: sending again could deliver twice, so record it as a failure.
  if (typeof wamid !== 'string' || wamid === '')
    return refused('No message id', `HTTP ${res.status} without messages[0].id`);
  return { kind: 'accepted', wamid };
}
