// Route guards: every page, partial, SSE stream and export needs a live session, and every
// state-changing request needs the session's CSRF token.
import { getSignedCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { AppDeps, AppEnv } from '../http/types.js';
import { CSRF_FIELD, CSRF_HEADER, isStateChanging, tokensMatch } from './csrf.js';

export const SESSION_COOKIE = 'ue_session';

export function requireSession(deps: AppDeps) {
  const base = deps.settings.basePath;
  return createMiddleware<AppEnv>(async (c, next) => {
    const id = await getSignedCookie(c, deps.settings.sessionSecret, SESSION_COOKIE);
    const session = id ? await deps.sessions.touch(id) : undefined;
    if (!session) {
      const url = new URL(c.req.url);
      const back =
        c.req.method === 'GET' && !c.req.header('hx-request') ? `${url.pathname}${url.search}` : '';
      const login = `${base}/login${back ? `?next=${encodeURIComponent(back)}` : ''}`;
      if (c.req.header('hx-request')) {
        // htmx follows HX-Redirect whatever the status, so an expired session lands on the login page.
        c.header('HX-Redirect', `${base}/login`);
        return c.text('session expired: log in again', 401);
      }
      if (
        (c.req.header('accept') ?? '').includes('text/event-stream') ||
        isStateChanging(c.req.method)
      ) {
        return c.text('log in first', 401);
      }
      return c.redirect(login, 302);
    }
    c.set('session', session);
    c.set('view', {
      base,
      csrf: session.csrf,
      adminName: session.name,
      timeZone: deps.settings.timeZone,
      now: (deps.clock ?? (() => new Date()))(),
      ...(deps.settings.media ? { attachmentLimits: deps.settings.media } : {}),
    });
    await next();
  });
}

/** Puts the (cached) accounts into the view context: names and channels on every page. */
export function withAccounts(deps: Pick<AppDeps, 'accounts'>) {
  return createMiddleware<AppEnv>(async (c, next) => {
    c.set('view', { ...c.get('view'), accounts: await deps.accounts.index() });
    await next();
  });
}

export function requireCsrf() {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!isStateChanging(c.req.method)) return next();
    let token = c.req.header(CSRF_HEADER);
    const type = c.req.header('content-type') ?? '';
    // A multipart body (a reply with a file) is streamed by its route, never buffered here:
    // its token has to come in the header (htmx sends it on every request).
    if (!token && /^multipart\//i.test(type))
      return c.text('send the CSRF token in the X-CSRF-Token header', 403);
    if (!token && type.match(/form/)) {
      const body = await c.req.parseBody();
      const v = body[CSRF_FIELD];
      token = typeof v === 'string' ? v : undefined;
    }
    if (!tokensMatch(c.get('session').csrf, token))
      return c.text('invalid or missing CSRF token', 403);
    await next();
  });
}
