// Latency summaries, medians over runs, ratios and number formatting for the report.

export interface Summary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of an ascending array (p in 0..100); NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarize(samples: readonly number[]): Summary {
  const s = Float64Array.from(samples).sort();
  const sorted = Array.from(s);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
  };
}

/** Median of the finite values (mean of the middle two for an even count); NaN when none. */
export function median(values: readonly number[]): number {
  const s = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** ours / baseline; NaN when either is missing or the baseline is 0. */
export function ratio(ours: number, baseline: number): number {
  if (!Number.isFinite(ours) || !Number.isFinite(baseline) || baseline === 0) return Number.NaN;
  return ours / baseline;
}

/** Per metric, the median over runs: [{a:1},{a:3},{a:2}] -> {a:2}. */
export function medianRecord<K extends string>(
  runs: readonly Readonly<Record<K, number>>[],
): Record<K, number> {
  const out = {} as Record<K, number>;
  const keys = new Set<K>(runs.flatMap((r) => Object.keys(r) as K[]));
  for (const k of keys) out[k] = median(runs.map((r) => r[k]));
  return out;
}

/** "min–max" of a metric over runs, for the spread column ("" for a single run). */
export function spread(values: readonly number[], fmt: (v: number) => string): string {
  const s = values.filter((v) => Number.isFinite(v));
  if (s.length < 2) return '';
  return `${fmt(Math.min(...s))}–${fmt(Math.max(...s))}`;
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  return ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : fmtInt(ms);
}

/** 12,345 (rounded, thousands separated). */
export function fmtInt(n: number): string {
  if (!Number.isFinite(n)) return '–';
  return Math.round(n).toLocaleString('en-US');
}

export function fmtRatio(r: number): string {
  if (!Number.isFinite(r)) return '–';
  return `${r < 0.1 ? r.toFixed(3) : r.toFixed(2)}×`;
}

export function fmtMb(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 1048576).toFixed(0)} MB` : '–';
}

/** 12.3 s / 850 ms / 2 min 5 s, for progress lines. */
export function fmtDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/**
 * Cells "ours, baseline, ours / baseline" of a CPU-per-operation row. A process the baseline does
 * not use (under 0.01 ms per operation: its idle noise) gets "not used" and no ratio.
 */
export function cpuCells(ours: number, baseline: number): [string, string, string] {
  if (!(baseline >= 0.01)) return [fmtMs(ours), 'not used', '–'];
  return [fmtMs(ours), fmtMs(baseline), fmtRatio(ratio(ours, baseline))];
}
