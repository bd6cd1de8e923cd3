// The overview's "Conversation quality" part: how the latest reviews score (ten bands), the
// mean score per day, the sentiment mix and how many conversations wait for a first review.
import type { ReviewStats } from '@ue/proto';
import { BarChart, Breakdown } from './charts.js';
import { href, type ViewCtx } from './context.js';
import { scoreBand } from './review-format.js';

/** [0,10) … [80,90) and [90,100], as GetStats counts them. */
const BAND_LABELS = Array.from({ length: 10 }, (_, i) =>
  i === 9 ? '90–100' : `${i * 10}–${i * 10 + 9}`,
);

export function ReviewStatsSection(props: {
  stats: ReviewStats | undefined;
  /** Labels of `stats.series`' buckets. */
  labels: string[];
  ctx: ViewCtx;
}) {
  const s = props.stats;
  const bands = BAND_LABELS.map((_, i) => s?.scoreBands[i] ?? 0);
  const poor = bands.slice(0, 5).reduce((a, b) => a + b, 0);
  const tiles: [string, number][] = [
    ['Reviewed conversations', s?.reviewedUsers ?? 0],
    ['Review pending', s?.pendingUsers ?? 0],
    ['Scored below 50', poor],
  ];
  return (
    <section aria-labelledby="quality-h">
      <h2 id="quality-h">Conversation quality</h2>
      <p class="muted small">
        The latest AI review of each user active in this period; scores below 50 went badly.
      </p>
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
          id="bands"
          title="Users by review score"
          labels={BAND_LABELS}
          axis="Score"
          legend={[
            { label: 'poor (below 50)', cls: 's-bad' },
            { label: 'fair', cls: 's-mid' },
            { label: 'good (75+)', cls: 's-good' },
          ]}
          series={[
            {
              label: 'Users',
              cls: 's-score',
              values: bands,
              clsOf: (i) => `s-${scoreBand(i * 10)}`,
            },
          ]}
        />
        <BarChart
          id="mean-score"
          title="Mean review score per day"
          labels={props.labels}
          series={[
            {
              label: 'Mean score',
              cls: 's-score',
              values: (s?.series ?? []).map((p) =>
                p.meanScore === undefined ? undefined : Math.round(p.meanScore),
              ),
            },
          ]}
        />
        <Breakdown
          title="Sentiment of the latest reviews"
          rows={[
            { label: 'Positive', value: s?.positive ?? 0, cls: 's-good' },
            { label: 'Neutral', value: s?.neutral ?? 0, cls: 's-mid' },
            { label: 'Negative', value: s?.negative ?? 0, cls: 's-bad' },
          ]}
        />
        <Breakdown
          title="Reviewed and pending"
          rows={[
            { label: 'Reviewed', value: s?.reviewedUsers ?? 0, cls: 's-status' },
            { label: 'Review pending', value: s?.pendingUsers ?? 0, cls: 's-pending' },
          ]}
        />
      </div>
      <p>
        <a href={href(props.ctx, '/users', { score_below: '50', sort: 'score_asc' })}>
          Users whose conversation scored below 50, worst first
        </a>
      </p>
    </section>
  );
}
