// Meta's User Profile API: the name of a Messenger / Instagram customer, whose webhooks carry
// none.
//   Messenger: GET {base}/{PSID}?fields=first_name,last_name,profile_pic
//   Instagram: GET {base}/{IGSID}?fields=name,username,profile_pic
// with the account's own token (the Send API's: MESSENGER_PAGE_TOKENS / INSTAGRAM_TOKENS).
// An answer is a profile, worth retrying (rate limits 4 / 32 / 613, 2 temporary, HTTP 429,
// 5xx, network), or refused for good (the customer's privacy settings, no permission, an
// unknown id, no token). No token, and no name, ever appears in a reason.
import { Channel, type WebhookEvent } from '@ue/proto';
import { retryAfterMs } from '../whatsapp/send-api.js';
import type { MetaApiOptions } from './send-api.js';

export interface ProfileRequest {
  channel: Channel;
  accountId: string;
  scopedId: string;
}

export type ProfileOutcome =
  | { kind: 'profile'; name?: string; username?: string }
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  | { kind: 'refused'; reason: string };

/** The last 4 characters of a PSID / IGSID, for logs. */
export function maskScopedId(id: string): string {
  return id.length <= 4 ? '*'.repeat(id.length) : `…${id.slice(-4)}`;
}

const FIELDS = {
  messenger: 'first_name,last_name,profile_pic',
  instagram: 'name,username,profile_pic',
};

/** Path and query of the request (relative to META_API_BASE_URL). */
export function profilePath(r: Pick<ProfileRequest, 'channel' | 'scopedId'>): string {
  const fields = r.channel === Channel.INSTAGRAM ? FIELDS.instagram : FIELDS.messenger;
  return `${encodeURIComponent(r.scopedId)}?fields=${fields}`;
}

const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

/** The name (and Instagram's @username) in a profile answer; nothing when it holds none. */
export function profileOf(channel: Channel, body: unknown): { name?: string; username?: string } {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (channel === Channel.INSTAGRAM) {
    const handle = str(b.username).replace(/^@+/, '');
    const username = handle ? `@${handle}` : undefined;
    const name = str(b.name) || username;
    return { ...(name ? { name } : {}), ...(username ? { username } : {}) };
  }
  const name = `${str(b.first_name)} ${str(b.last_name)}`.trim();
  return name ? { name } : {};
}

/** Graph API codes worth repeating: 4 app, 32 page, 613 call rate limits; 2 temporary. */
const TRANSIENT_CODES = new Set([2, 4, 32, 613]);

interface GraphError {
  message?: unknown;
  type?: unknown;
  code?: unknown;
  error_subcode?: unknown;
}

function graphError(body: unknown): GraphError {
  const e = (body as { error?: unknown } | undefined)?.error;
  return typeof e === 'object' && e !== null ? e : {};
}

/** "HTTP 400 (#100/2018218 OAuthException): <message>", the scoped id masked in it. */
function describe(status: number, body: unknown, scopedId: string): string {
  const e = graphError(body);
  const code = typeof e.code === 'number' ? String(e.code) : '';
  const sub = typeof e.error_subcode === 'number' ? `/${e.error_subcode}` : '';
  const type = typeof e.type === 'string' ? ` ${e.type.slice(0, 40)}` : '';
  const head = code || type ? ` (#${code}${sub}${type})` : '';
  let message = typeof e.message === 'string' ? e.message.slice(0, 200) : '';
  if (scopedId) message = message.split(scopedId).join(maskScopedId(scopedId));
  return `HTTP ${status}${head}${message ? `: ${message}` : ''}`;
}

/** Classify one answer of the User Profile API. */
export function profileOutcomeOf(
  channel: Channel,
  a: { status: number; body: unknown; retryAfter: string | null },
  scopedId = '',
): ProfileOutcome {
  const code = Number(graphError(a.body).code);
  if (a.status === 429 || a.status >= 500 || TRANSIENT_CODES.has(code))
    return {
      kind: 'retry',
      reason: describe(a.status, a.body, scopedId),
      retryAfterMs: retryAfterMs(a.retryAfter),
    };
  if (a.status < 200 || a.status >= 300)
    return { kind: 'refused', reason: describe(a.status, a.body, scopedId) };
  return { kind: 'profile', ...profileOf(channel, a.body) };
}

function tokenOf(opts: MetaApiOptions, r: ProfileRequest): string | undefined {
  const map = r.channel === Channel.INSTAGRAM ? opts.tokens.instagram : opts.tokens.messenger;
  return map.get(r.accountId);
}

/** Ask Meta for one customer's profile with the account's token. */
export async function fetchMetaProfile(
  opts: MetaApiOptions,
  r: ProfileRequest,
): Promise<ProfileOutcome> {
  const token = tokenOf(opts, r);
  if (!token) {
    const where =
      r.channel === Channel.INSTAGRAM
        ? `Instagram account ${r.accountId} (INSTAGRAM_TOKENS)`
        : `Messenger page ${r.accountId} (MESSENGER_PAGE_TOKENS)`;
    return { kind: 'refused', reason: `no access token is configured for ${where}` };
  }
  let res: Response;
  try {
    res = await fetch(`${opts.baseUrl.replace(/\/+$/, '')}/${profilePath(r)}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
  } catch (err) {
    const e = err as Error;
    const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
    return { kind: 'retry', reason: timedOut ? 'timed out' : `network: ${e.message}` };
  }
  const body: unknown = await res.json().catch(() => undefined);
  return profileOutcomeOf(
    r.channel,
    { status: res.status, body, retryAfter: res.headers.get('retry-after') },
    r.scopedId,
  );
}

/** The sighting profiles applies: the customer's name (and username) as of `at`. */
export function profileEvent(
  r: ProfileRequest,
  p: { name?: string; username?: string },
  at: Date,
): WebhookEvent {
  return {
    accountId: r.accountId,
    wabaId: '',
    channel: r.channel,
    accountDisplay: '',
    occurredAt: at,
    event: {
      $case: 'userSeen',
      userSeen: {
        user: { waId: '', bsuid: '', parentBsuid: '', scopedId: r.scopedId },
        name: p.name,
        username: p.username,
        referral: undefined,
      },
    },
  };
}
