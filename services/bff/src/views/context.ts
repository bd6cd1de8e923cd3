// What every view needs besides its own data: where the app is mounted, the CSRF token for
// the admin's session, the display zone, "now" and the accounts' names.
import type { AccountIndex } from '../accounts/directory.js';

export interface ViewCtx {
  /** Mount path without trailing slash ('' at the root). */
  base: string;
  csrf: string;
  adminName: string;
  timeZone: string;
  now: Date;
  /** Accounts by id, for names and channels (labels fall back without it). */
  accounts?: AccountIndex;
  /** What the reply form accepts (DEFAULT_ATTACHMENT_LIMITS when unset). */
  attachmentLimits?: { imageMaxBytes: number; documentMaxBytes: number };
}

/** An app-internal URL under BASE_PATH; `path` must start with '/'. */
export function href(
  ctx: Pick<ViewCtx, 'base'>,
  path: string,
  query?: Record<string, string | undefined>,
): string {
  const qs = query
    ? new URLSearchParams(
        Object.entries(query).filter((e): e is [string, string] => Boolean(e[1])),
      ).toString()
    : '';
  return `${ctx.base}${path}${qs ? `?${qs}` : ''}`;
}
