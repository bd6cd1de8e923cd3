// Charts drawn on the server as SVG: no chart JS, every bar titled, and the numbers repeated
// in a visually hidden table for screen readers.

export interface Series {
  label: string;
  /** CSS class giving the colour (see app.css). */
  cls: string;
  /** One per label; undefined draws no bar and reads "—" (e.g. a day without reviews). */
  values: (number | undefined)[];
  /** A class per bar instead of `cls` (e.g. score bands coloured by how good they are). */
  clsOf?: (index: number) => string;
}

const W = 640;
const H = 200;
const PAD = { l: 36, r: 8, t: 10, b: 24 };

function niceMax(v: number): number {
  if (v <= 5) return 5;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((m) => m >= v) ?? 10 * p;
}

export function BarChart(props: {
  id: string;
  title: string;
  labels: string[];
  series: Series[];
  unit?: string;
  /** What the labels are, for the data table's header ("Day" unless told). */
  axis?: string;
  /** Legend keys when they are not the series (bars coloured by `clsOf`). */
  legend?: { label: string; cls: string }[];
}) {
  const { labels, series } = props;
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values.map((v) => v ?? 0))));
  const plotW = W - PAD.l - PAD.r;
  const plotH = H - PAD.t - PAD.b;
  const slot = plotW / Math.max(1, labels.length);
  const barW = Math.max(2, (slot * 0.8) / Math.max(1, series.length));
  const y = (v: number): number => PAD.t + plotH - (v / max) * plotH;
  const every = Math.ceil(labels.length / 7);
  return (
    <figure class="chart" aria-labelledby={`${props.id}-t`}>
      <figcaption id={`${props.id}-t`}>
        {props.title}
        <span class="legend">
          {(props.legend ?? series).map((s) => (
            <span class={`key ${s.cls}`}>{s.label}</span>
          ))}
        </span>
      </figcaption>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={props.title}
        preserveAspectRatio="none"
        class="chart-svg"
      >
        {[0, 0.5, 1].map((f) => (
          <g>
            <line x1={PAD.l} x2={W - PAD.r} y1={y(max * f)} y2={y(max * f)} class="grid" />
            <text x={PAD.l - 4} y={y(max * f) + 4} class="axis" text-anchor="end">
              {Math.round(max * f)}
            </text>
          </g>
        ))}
        {labels.map((l, i) => (
          <g>
            {series.map((s, j) => {
              const v = s.values[i];
              if (v === undefined) return null;
              return (
                <rect
                  x={PAD.l + i * slot + slot * 0.1 + j * barW}
                  y={y(v)}
                  width={barW}
                  height={Math.max(0, y(0) - y(v))}
                  class={`bar ${s.clsOf?.(i) ?? s.cls}`}
                >
                  <title>{`${l} · ${s.label}: ${v}${props.unit ?? ''}`}</title>
                </rect>
              );
            })}
            {i % every === 0 ? (
              <text x={PAD.l + i * slot + slot / 2} y={H - 6} class="axis" text-anchor="middle">
                {l}
              </text>
            ) : null}
          </g>
        ))}
      </svg>
      <table class="sr-only">
        <caption>{props.title}</caption>
        <thead>
          <tr>
            <th scope="col">{props.axis ?? 'Day'}</th>
            {series.map((s) => (
              <th scope="col">{s.label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {labels.map((l, i) => (
            <tr>
              <th scope="row">{l}</th>
              {series.map((s) => (
                <td>{s.values[i] ?? '—'}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

/** Horizontal bars for a breakdown (e.g. users per status). */
export function Breakdown(props: {
  title: string;
  /** `cls` colours one bar (default: the status colour). */
  rows: { label: string; value: number; cls?: string }[];
}) {
  const max = Math.max(1, ...props.rows.map((r) => r.value));
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      <svg
        viewBox={`0 0 ${W} ${props.rows.length * 26 + 4}`}
        role="img"
        aria-label={props.title}
        class="chart-svg"
      >
        {props.rows.map((r, i) => (
          <g>
            <text x={0} y={i * 26 + 17} class="axis">
              {r.label}
            </text>
            <rect
              x={170}
              y={i * 26 + 4}
              width={Math.max(1, (r.value / max) * (W - 230))}
              height={18}
              class={`bar ${r.cls ?? 's-status'}`}
            >
              <title>{`${r.label}: ${r.value}`}</title>
            </rect>
            <text x={176 + (r.value / max) * (W - 230)} y={i * 26 + 17} class="axis">
              {r.value}
            </text>
          </g>
        ))}
      </svg>
      <table class="sr-only">
        <caption>{props.title}</caption>
        <tbody>
          {props.rows.map((r) => (
            <tr>
              <th scope="row">{r.label}</th>
              <td>{r.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
