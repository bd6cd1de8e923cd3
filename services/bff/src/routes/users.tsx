// Users list: full page, and the rows partial used by search, filters and infinite scroll.
import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../http/types.js';
import { href } from '../views/context.js';
import { ExportLink, UserRows, UsersPage } from '../views/users-page.js';
import { parseUsersQuery, toListUsersRequest, usersQueryParams } from './users-query.js';

export function usersRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const size = deps.settings.pageSizes?.users ?? 50;

  app.get('/users', async (c) => {
    const ctx = c.get('view');
    const q = parseUsersQuery((n) => c.req.query(n));
    const res = await deps.profiles.listUsers(toListUsersRequest(q, ctx.now, { size }));
    const nextUrl = res.nextPageToken
      ? href(ctx, '/users/rows', { ...usersQueryParams(q), page_token: res.nextPageToken })
      : undefined;
    return c.html(<UsersPage q={q} users={res.users} nextUrl={nextUrl} ctx={ctx} />);
  });

  app.get('/users/rows', async (c) => {
    const ctx = c.get('view');
    const q = parseUsersQuery((n) => c.req.query(n));
    const token = (c.req.query('page_token') ?? '').slice(0, 512);
    const res = await deps.profiles.listUsers(toListUsersRequest(q, ctx.now, { token, size }));
    const nextUrl = res.nextPageToken
      ? href(ctx, '/users/rows', { ...usersQueryParams(q), page_token: res.nextPageToken })
      : undefined;
    // A new search (not a next page) puts its filters in the address bar, so the URL can be shared.
    if (!token && c.req.header('hx-request'))
      c.header('HX-Replace-Url', href(ctx, '/users', usersQueryParams(q)));
    return c.html(
      <>
        <UserRows users={res.users} nextUrl={nextUrl} ctx={ctx} first={!token} />
        {token ? null : <ExportLink ctx={ctx} q={q} oob={true} />}
      </>,
    );
  });

  return app;
}
