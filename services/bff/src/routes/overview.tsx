// Engagement at a glance: GetStats (day buckets in the display zone) and overdue follow-ups.
import { Hono } from 'hono';
import { StatsBucket } from '@ue/proto';
import type { AppDeps, AppEnv } from '../http/types.js';
import { OverviewPage } from '../views/overview-page.js';

const DAYS = 14;

export function overviewRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/overview', async (c) => {
    const ctx = c.get('view');
    const from = new Date(ctx.now.getTime() - (DAYS - 1) * 86400_000);
    from.setUTCHours(0, 0, 0, 0);
    const [stats, overdue] = await Promise.all([
      deps.profiles.getStats({ from, to: ctx.now, bucket: StatsBucket.DAY, timeZone: ctx.timeZone }),
      deps.profiles.listLogEntries({ overdueOnly: true, pageSize: 50 }),
    ]);
    return c.html(<OverviewPage stats={stats} overdue={overdue.entries} days={DAYS} ctx={ctx} />);
  });
  return app;
}
