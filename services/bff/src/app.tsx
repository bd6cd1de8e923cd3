// createApp(deps): the whole HTTP surface, mounted under BASE_PATH. No listen, no globals.
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { serveStatic } from '@hono/node-server/serve-static';
import { isAppError, httpStatusOf } from '@ue/kit';
import type { AppDeps, AppEnv } from './http/types.js';
import { requireCsrf, requireSession, withAccounts } from './auth/middleware.js';
import { authRoutes, logoutRoutes } from './routes/auth.js';
import { usersRoutes } from './routes/users.js';
import { userRoutes } from './routes/user.js';
import { reviewRoutes } from './routes/review.js';
import { overviewRoutes } from './routes/overview.js';
import { exportRoutes } from './routes/export.js';
import { privacyRoutes } from './routes/privacy.js';
import { eventsRoutes } from './routes/events.js';
import { mediaRoutes } from './routes/media.js';
import { accountsRoutes } from './routes/accounts.js';
import { personRoutes } from './routes/person.js';
import { MEDIA_CSP } from './media/policy.js';
import { ErrorPage } from './views/layout.js';

export type { AppDeps } from './http/types.js';

export const CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  mediaSrc: ["'self'"],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
};

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const base = deps.settings.basePath;
  const root = new Hono<AppEnv>();

  const health = async (c: { json: (v: unknown, s: 200 | 503) => Response }) => {
    const [profiles, redis] = await Promise.all([
      deps.profiles.reachable(1500).catch(() => false),
      deps.redisReachable().catch(() => false),
    ]);
    const ok = profiles && redis;
    return c.json(
      {
        status: ok ? 'ok' : 'degraded',
        checks: { profiles: profiles ? 'ok' : 'unreachable', redis: redis ? 'ok' : 'unreachable' },
      },
      ok ? 200 : 503,
    );
  };
  // Reachable both at the root (probes, `curl :7202/healthz`) and under BASE_PATH (through the proxy).
  root.get('/healthz', health);

  const app = new Hono<AppEnv>();
  // Registered before secureHeaders so it runs after it: every /media answer (a file, a 404, a
  // redirect to the login) carries the sandbox policy instead of the pages' one.
  app.use('/media/*', async (c, next) => {
    await next();
    c.res.headers.set('Content-Security-Policy', MEDIA_CSP);
  });
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: CSP,
      referrerPolicy: 'same-origin',
      xFrameOptions: 'DENY',
      crossOriginEmbedderPolicy: false,
      strictTransportSecurity: false,
    }),
  );
  app.use('*', async (c, next) => {
    await next();
    if (!c.res.headers.has('cache-control') && !c.req.path.startsWith(`${base}/static/`))
      c.header('Cache-Control', 'no-store');
  });
  if (base) app.get('/healthz', health);
  app.get(
    '/static/*',
    serveStatic({
      root: deps.settings.staticRoot,
      rewriteRequestPath: (p) => p.slice(`${base}/static`.length),
    }),
  );
  app.route('/', authRoutes(deps));

  const guarded = new Hono<AppEnv>();
  guarded.use('*', requireSession(deps), requireCsrf(), withAccounts(deps));
  guarded.get('/', (c) => c.redirect(`${base}/users`, 302));
  guarded.route('/', logoutRoutes(deps));
  guarded.route('/', usersRoutes(deps));
  guarded.route('/', userRoutes(deps));
  guarded.route('/', reviewRoutes(deps));
  guarded.route('/', overviewRoutes(deps));
  guarded.route('/', exportRoutes(deps));
  guarded.route('/', privacyRoutes(deps));
  guarded.route('/', eventsRoutes(deps));
  guarded.route('/', mediaRoutes(deps));
  guarded.route('/', accountsRoutes(deps));
  guarded.route('/', personRoutes(deps));
  app.route('/', guarded);

  app.onError((err, c) => {
    const known = isAppError(err);
    const status = (known ? httpStatusOf(err.code) : 500) as 500;
    if (!known) deps.log.error({ err }, 'unhandled error');
    else if (status >= 500) deps.log.warn({ err }, 'request failed');
    const message = !known
      ? 'Something went wrong.'
      : err.code === 'UNAVAILABLE' || err.code === 'DEADLINE_EXCEEDED'
        ? 'The profiles service is unavailable. Try again shortly.'
        : err.message;
    if (c.req.header('hx-request')) {
      // htmx swaps error answers too (see the htmx-config meta): into the alert region.
      c.header('HX-Retarget', '#flash');
      c.header('HX-Reswap', 'innerHTML');
      return c.html(<p class="error">{message}</p>, status);
    }
    return c.html(<ErrorPage base={base} status={status} message={message} />, status);
  });

  // "/dev/user-engagement/" (what a proxy usually forwards) is not the same route as the bare
  // mount path in Hono; send it to the users page, which is guarded like everything else.
  if (base) root.get(`${base}/`, requireSession(deps), (c) => c.redirect(`${base}/users`, 302));
  root.route(base || '/', app);
  return root;
}
