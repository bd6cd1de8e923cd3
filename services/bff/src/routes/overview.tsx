// Engagement at a glance: GetStats (day buckets in the display zone) and overdue follow-ups.
import { Hono } from 'hono';
import { StatsBucket } from '@ue/proto';
import type { AppDeps, AppEnv } from '../http/types.js';
import { displayName } from '../views/format.js';
import { OverviewPage } from '../views/overview-page.js';
import { isSafeId } from './users-query.js';

const DAYS = 14;

export function overviewRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/overview', async (c) => {
    const ctx = c.get('view');
    const asked = c.req.query('account');
    const account = isSafeId(asked) ? asked : '';
    const from = new Date(ctx.now.getTime() - (DAYS - 1) * 86400_000);
    from.setUTCHours(0, 0, 0, 0);
    const [stats, overdue] = await Promise.all([
      deps.profiles.getStats({
        accountId: account,
        from,
        to: ctx.now,
        bucket: StatsBucket.DAY,
        timeZone: ctx.timeZone,
      }),
      deps.profiles.listLogEntries({ overdueOnly: true, accountId: account, pageSize: 50 }),
    ]);
    // Name who each overdue follow-up is about (a handful of lookups, in parallel).
    const ids = [...new Set(overdue.entries.map((e) => e.userId))];
    const users = await Promise.all(
      ids.map((id) =>
        deps.profiles.getUser({ lookup: { $case: 'id', id } }).catch(() => undefined),
      ),
    );
    const names = Object.fromEntries(
      users.flatMap((r) => (r?.user ? [[r.user.id, displayName(r.user)]] : [])),
    );
    return c.html(
      <OverviewPage
        stats={stats}
        overdue={overdue.entries}
        names={names}
        days={DAYS}
        account={account}
        ctx={ctx}
      />,
    );
  });
  return app;
}
