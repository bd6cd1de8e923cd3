// Histograms read from a service's Prometheus endpoint: the mean of what was observed between
// two scrapes (sum and count deltas), for splitting a latency into the stages services measure.

export type Scrape = Map<string, number>;

/** Every sample line of a text exposition, keyed by name and labels as written. */
export function parseExposition(text: string): Scrape {
  const out: Scrape = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    const value = Number(line.slice(cut + 1));
    if (cut > 0 && Number.isFinite(value)) out.set(line.slice(0, cut), value);
  }
  return out;
}

export async function scrape(url: string | undefined): Promise<Scrape> {
  if (!url) return new Map();
  const res = await fetch(url).catch(() => undefined);
  return res?.ok ? parseExposition(await res.text()) : new Map();
}

/** Mean observation of histogram `name` (one label set, e.g. `method="X"`) between two scrapes. */
export function meanBetween(
  [before, after]: [Scrape, Scrape],
  name: string,
  labels = '',
): { mean: number; count: number } {
  const key = (suffix: string): string => `${name}_${suffix}${labels ? `{${labels}}` : ''}`;
  const d = (suffix: string): number =>
    (after.get(key(suffix)) ?? 0) - (before.get(key(suffix)) ?? 0);
  const count = d('count');
  return { mean: count > 0 ? d('sum') / count : Number.NaN, count };
}
