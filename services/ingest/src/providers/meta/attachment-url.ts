// Messenger / Instagram attachment URLs: the webhook names the file by a CDN URL signed in its
// query string and valid for a limited time; there is no media id and no token to send (our
// Graph token must never go to a CDN). Answers are classified for the media job; a reason names
// only the HTTP status, never the URL (its query string is the signature).
import type { DownloadOutcome } from '../whatsapp/media-api.js';
import { retryAfterMs } from '../whatsapp/send-api.js';

export async function openAttachmentUrl(
  url: string,
  signal: AbortSignal,
): Promise<DownloadOutcome> {
  let res: Response;
  try {
    res = await fetch(url, { signal });
  } catch (err) {
    const e = err as Error;
    const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
    return { kind: 'retry', reason: timedOut ? 'timed out' : 'attachment URL unreachable' };
  }
  if (res.ok && res.body) return { kind: 'ok', response: res };
  await res.body?.cancel().catch(() => undefined);
  const reason = `attachment URL answered HTTP ${res.status}`;
  if (res.status === 429 || res.status >= 500)
    return { kind: 'retry', reason, retryAfterMs: retryAfterMs(res.headers.get('retry-after')) };
  // 403 (signature expired), 404, 410, any other refusal: this URL will not work again.
  return { kind: 'expired', status: res.status, reason };
}
