import type { Context } from 'hono';
import type { CookieOptions } from 'hono/utils/cookie';
import type { AppDeps } from './types.js';

/** Cookie attributes for this deployment: HttpOnly, SameSite=Lax, scoped to BASE_PATH, Secure behind HTTPS. */
export function cookieOptions(
  c: Context,
  settings: AppDeps['settings'],
  maxAge?: number,
): CookieOptions {
  const https =
    settings.cookieSecure === 'true' ||
    (settings.cookieSecure === 'auto' &&
      (new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https'));
  return {
    path: settings.basePath || '/',
    httpOnly: true,
    sameSite: 'Lax',
    secure: https,
    ...(maxAge !== undefined ? { maxAge } : {}),
  };
}
