import type { GetStatsResponse, LogEntry } from '@ue/proto';
import { accountChoices } from './accounts-format.js';
import { href, type ViewCtx } from './context.js';
import { BarChart, Breakdown } from './charts.js';
import { dateTimeFormat, formatDuration, statusLabel } from './format.js';
import { Layout } from './layout.js';
import { ReviewStatsSection } from './overview-reviews.js';
import { Time } from './time.js';

export interface OverviewModel {
  stats: GetStatsResponse;
  overdue: LogEntry[];
  /** Display names of the users the overdue entries belong to, by user id. */
  names: Record<string, string>;
  days: number;
  /** The one account shown ('' for all). */
  account: string;
  ctx: ViewCtx;
}

/** All accounts or one: a plain GET form, so the URL says which. */
function AccountFilter(props: { account: string; ctx: ViewCtx }) {
  const { ctx, account } = props;
  return (
    <form class="row overview-filter" method="get" action={href(ctx, '/overview')}>
      <label>
        Account
        <select name="account">
          <option value="">All accounts</option>
          {accountChoices(ctx.accounts, account).map(([id, label]) => (
            <option value={id} selected={id === account}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" class="secondary">
        Show
      </button>
    </form>
  );
}

function dayLabel(d: Date | undefined, timeZone: string): string {
  return d ? dateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone }).format(d) : '';
}

export function OverviewPage(m: OverviewModel) {
  const { ctx, stats } = m;
  const labels = stats.series.map((p) => dayLabel(p.bucketStart, ctx.timeZone));
  const t = stats.totals;
  const tiles: [string, string][] = [
    ['Users', String(t?.users ?? 0)],
    ['Needs reply', String(t?.needsReply ?? 0)],
    ['Agent paused', String(t?.paused ?? 0)],
    ['Overdue follow-ups', String(t?.overdueFollowUps ?? 0)],
    ['Failed deliveries', String(t?.failedDeliveries ?? 0)],
    ['Median first response', formatDuration(t?.medianFirstResponseSeconds)],
  ];
  return (
    <Layout title="Overview" ctx={ctx} area="overview">
      <div class="page-head">
        <h1>Overview</h1>
        <p class="muted">
          Last {m.days} days, by day ({ctx.timeZone})
        </p>
        <AccountFilter account={m.account} ctx={ctx} />
      </div>
      <ul class="tiles">
        {tiles.map(([k, v]) => (
          <li class="tile">
            <span class="tile-v">{v}</span>
            <span class="tile-k">{k}</span>
          </li>
        ))}
      </ul>
      <div class="charts">
        <BarChart
          id="msgs"
          title="Messages per day"
          labels={labels}
          series={[
            { label: 'Received', cls: 's-in', values: stats.series.map((p) => p.inboundMessages) },
            { label: 'Sent', cls: 's-out', values: stats.series.map((p) => p.outboundMessages) },
          ]}
        />
        <BarChart
          id="users"
          title="New and active users per day"
          labels={labels}
          series={[
            { label: 'New', cls: 's-new', values: stats.series.map((p) => p.newUsers) },
            { label: 'Active', cls: 's-active', values: stats.series.map((p) => p.activeUsers) },
          ]}
        />
        <BarChart
          id="frt"
          title="Median first response (minutes)"
          labels={labels}
          unit=" min"
          series={[
            {
              label: 'Median',
              cls: 's-frt',
              values: stats.series.map(
                (p) => Math.round((p.medianFirstResponseSeconds ?? 0) / 6) / 10,
              ),
            },
          ]}
        />
        <Breakdown
          title="Users by status"
          rows={stats.statusMix.map((s) => ({ label: statusLabel(s.status), value: s.users }))}
        />
      </div>
      <ReviewStatsSection
        stats={stats.reviews}
        labels={(stats.reviews?.series ?? []).map((p) => dayLabel(p.bucketStart, ctx.timeZone))}
        ctx={ctx}
      />
      <section class="card" aria-labelledby="overdue-h">
        <h2 id="overdue-h">Overdue follow-ups</h2>
        {m.overdue.length === 0 ? <p class="muted">Nothing overdue.</p> : null}
        <ul class="overdue">
          {m.overdue.map((e) => (
            <li>
              <a href={href(ctx, `/users/${encodeURIComponent(e.userId)}`)} dir="auto">
                {m.names[e.userId] ?? 'Unknown user'}
              </a>
              : <bdi>{e.text}</bdi>{' '}
              <span class="error-text small">
                due <Time at={e.dueAt} ctx={ctx} />
              </span>
            </li>
          ))}
        </ul>
      </section>
    </Layout>
  );
}
