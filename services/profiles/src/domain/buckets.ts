// Time buckets (hour / day) in an IANA time zone, DST-aware, and a median helper.

function offsetMs(zone: string, t: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(t));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return asUtc - Math.floor(t / 1000) * 1000;
}

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Start (UTC ms) of the hour or day containing t, as a wall clock in `zone` sees it. */
export function bucketStart(t: number, unit: 'hour' | 'day', zone: string): number {
  const off = offsetMs(zone, t);
  const local = t + off;
  const size = unit === 'hour' ? 3_600_000 : 86_400_000;
  const floored = local - (((local % size) + size) % size);
  // Convert the local midnight/hour back to UTC with the offset valid at that instant.
  const guess = floored - off;
  const off2 = offsetMs(zone, guess);
  return floored - off2;
}

/** Consecutive bucket starts covering [from, to). */
export function bucketStarts(r: {
  from: number;
  to: number;
  unit: 'hour' | 'day';
  zone: string;
  max: number;
}): number[] {
  const { from, to, unit, zone, max } = r;
  const out: number[] = [];
  let s = bucketStart(from, unit, zone);
  while (s < to && out.length < max) {
    out.push(s);
    const step = unit === 'hour' ? 3_600_000 : 86_400_000;
    // Jump past the next boundary (days can be 23 or 25 h long) and snap to it.
    const next = bucketStart(s + step + (unit === 'day' ? 3 * 3_600_000 : 0), unit, zone);
    s = next > s ? next : s + step;
  }
  return out;
}

export function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : ((v[mid - 1] ?? 0) + (v[mid] ?? 0)) / 2;
}
