// Login / logout. Failures answer one generic message; attempts are limited per (email, client
// address) and per address, and slowed per email (auth/login-limiter.ts); a refusal is a 429 with
// Retry-After and the wait on the page. The login form has its own CSRF token (double submit).
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Hono } from 'hono';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { AppDeps, AppEnv } from '../http/types.js';
import { cookieOptions } from '../http/cookies.js';
import { SESSION_COOKIE } from '../auth/middleware.js';
import { CSRF_FIELD, tokensMatch } from '../auth/csrf.js';
import { LoginPage } from '../views/login-page.js';
import { waitLabel } from '../views/format.js';

const LOGIN_CSRF_COOKIE = 'ue_login_csrf';
export const GENERIC_LOGIN_ERROR = 'Wrong email or password.';

/** Only same-app paths may be a post-login destination. */
export function safeNext(base: string, next: unknown): string {
  const fallback = `${base}/users`;
  if (
    typeof next !== 'string' ||
    !next.startsWith(`${base}/`) ||
    next.startsWith('//') ||
    /[\\\s]/.test(next)
  )
    return fallback;
  return next.startsWith(`${base}/login`) ? fallback : next;
}

/**
 * The client's address for rate limiting. Behind `trustedProxies` reverse proxies the socket
 * peer is the proxy, so the address is taken that many entries from the right of
 * X-Forwarded-For (entries further left are client-controlled and never trusted).
 */
export function clientIp(c: Parameters<typeof getConnInfo>[0], trustedProxies = 0): string {
  let peer = 'unknown';
  try {
    peer = getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // app.request() in tests has no socket
  }
  if (trustedProxies <= 0) return peer;
  const chain = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return chain[chain.length - trustedProxies] ?? chain[0] ?? peer;
}

export function authRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { basePath: base, sessionSecret } = deps.settings;

  const renderLogin = async (
    c: Parameters<typeof clientIp>[0],
    view: { email?: string; error?: string; next?: string },
    status: 200 | 401 | 403 | 429 = 200,
  ) => {
    const csrf = randomBytes(24).toString('base64url');
    await setSignedCookie(
      c,
      LOGIN_CSRF_COOKIE,
      csrf,
      sessionSecret,
      cookieOptions(c, deps.settings, 3600),
    );
    return c.html(<LoginPage base={base} csrf={csrf} {...view} />, status);
  };

  app.get('/login', (c) => renderLogin(c, { next: c.req.query('next') }));

  app.post('/login', async (c) => {
    const body = await c.req.parseBody();
    const email = typeof body.email === 'string' ? body.email.slice(0, 320) : '';
    const password = typeof body.password === 'string' ? body.password.slice(0, 1024) : '';
    const next = typeof body.next === 'string' ? body.next : undefined;
    const expected = await getSignedCookie(c, sessionSecret, LOGIN_CSRF_COOKIE);
    const given = body[CSRF_FIELD];
    if (!expected || !tokensMatch(expected, typeof given === 'string' ? given : undefined)) {
      return renderLogin(c, { email, error: 'The form expired. Please try again.', next }, 403);
    }
    const ip = clientIp(c, deps.settings.trustedProxies ?? 0);
    const gate = await deps.limiter.begin(ip, email);
    const tooMany = (wait: number, error: string) => {
      c.header('Retry-After', String(wait));
      return renderLogin(
        c,
        { email, error: `${error} Try again in ${waitLabel(wait)}.`, next },
        429,
      );
    };
    if (!gate.allowed) return tooMany(gate.retryAfterSeconds, 'Too many failed attempts.');
    if (gate.slowDownMs > 0) {
      // Many failures for this email from several addresses: slow everyone down, lock nobody out.
      deps.log.info({ ip }, 'login slowed down');
      await sleep(gate.slowDownMs);
    }
    const admin = await deps.admins.verify(email, password);
    if (!admin) {
      const wait = await gate.attempt.failed();
      deps.log.info({ ip, wait }, 'login failed');
      if (wait > 0) return tooMany(wait, `${GENERIC_LOGIN_ERROR} Too many failed attempts.`);
      return renderLogin(c, { email, error: GENERIC_LOGIN_ERROR, next }, 401);
    }
    await gate.attempt.succeeded();
    const session = await deps.sessions.create(admin);
    deleteCookie(c, LOGIN_CSRF_COOKIE, { path: base || '/' });
    await setSignedCookie(
      c,
      SESSION_COOKIE,
      session.id,
      sessionSecret,
      cookieOptions(c, deps.settings, deps.settings.sessionTtlSeconds),
    );
    deps.log.info({ adminId: admin.id }, 'login');
    return c.redirect(safeNext(base, next), 303);
  });

  return app;
}

/** Logout sits behind the session + CSRF guards like every other mutation. */
export function logoutRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/logout', async (c) => {
    await deps.sessions.destroy(c.get('session').id);
    deleteCookie(c, SESSION_COOKIE, { path: deps.settings.basePath || '/' });
    const to = `${deps.settings.basePath}/login`;
    if (c.req.header('hx-request')) {
      c.header('HX-Redirect', to);
      return c.body(null, 204);
    }
    return c.redirect(to, 303);
  });
  return app;
}
