import type { Child } from 'hono/jsx';
import { href, type ViewCtx } from './context.js';
import { CSRF_FIELD } from '../auth/csrf.js';

// htmx must not inject its inline indicator <style> (CSP style-src 'self') nor eval anything.
// Error answers (4xx/5xx) are swapped too: the server points them at the #flash region.
const HTMX_CONFIG = JSON.stringify({
  includeIndicatorStyles: false,
  allowEval: false,
  allowScriptTags: false,
  historyCacheSize: 0,
  responseHandling: [
    { code: '204', swap: false },
    { code: '[23]..', swap: true },
    { code: '[45]..', swap: true, error: true },
  ],
});

export function Document(props: {
  title: string;
  base: string;
  children: Child;
  bodyAttrs?: Record<string, string>;
}) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="htmx-config" content={HTMX_CONFIG} />
        <title>{`${props.title} · User Engagement`}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href={`${props.base}/static/app.css`} />
        <script src={`${props.base}/static/vendor/htmx.min.js`}></script>
        <script src={`${props.base}/static/vendor/sse.js`}></script>
        <script src={`${props.base}/static/app.js`} defer></script>
      </head>
      <body {...(props.bodyAttrs ?? {})}>{props.children}</body>
    </html>
  );
}

export function ErrorPage(props: { base: string; status: number; message: string }) {
  return (
    <Document title={`Error ${props.status}`} base={props.base}>
      <main id="main" class="login">
        <h1>{props.status === 404 ? 'Not found' : 'Something went wrong'}</h1>
        <p class="error">{props.message}</p>
        <p>
          <a href={`${props.base}/users`}>Back to the users</a>
        </p>
      </main>
    </Document>
  );
}

export type NavArea = 'users' | 'overview' | 'accounts';

export function Layout(props: { title: string; ctx: ViewCtx; area: NavArea; children: Child }) {
  const { ctx } = props;
  // The CSRF token is a server-made base64url string; JSON.stringify keeps the attribute valid.
  const headers = JSON.stringify({ 'X-CSRF-Token': ctx.csrf });
  return (
    <Document title={props.title} base={ctx.base} bodyAttrs={{ 'hx-headers': headers }}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <a class="brand" href={href(ctx, '/users')}>
          User Engagement
        </a>
        <nav aria-label="Main">
          <a href={href(ctx, '/users')} aria-current={props.area === 'users' ? 'page' : undefined}>
            Users
          </a>
          <a
            href={href(ctx, '/overview')}
            aria-current={props.area === 'overview' ? 'page' : undefined}
          >
            Overview
          </a>
          <a
            href={href(ctx, '/accounts')}
            aria-current={props.area === 'accounts' ? 'page' : undefined}
          >
            Accounts
          </a>
        </nav>
        <form class="logout" method="post" action={href(ctx, '/logout')}>
          <input type="hidden" name={CSRF_FIELD} value={ctx.csrf} />
          <span class="muted who">{ctx.adminName}</span>
          <button type="submit" class="link">
            Log out
          </button>
        </form>
      </header>
      <div id="flash" class="flash" role="alert" aria-live="assertive"></div>
      {/* Results of actions that redraw a whole panel (a merge, an unmerge), read out politely. */}
      <div id="announce" class="sr-only" role="status" aria-live="polite"></div>
      <main id="main">{props.children}</main>
    </Document>
  );
}
