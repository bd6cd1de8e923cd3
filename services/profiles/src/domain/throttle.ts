// At most one pass per key per period, in this process: the hot path's bound on writes that only
// need to be roughly current (an account's last delivery time).
export interface Throttle {
  /** True when `key` may pass at `nowMs` (counted as passed); false within its period. */
  take(key: string, nowMs: number): boolean;
  /** Forget the key's last pass (what it let through failed): the next call passes. */
  release(key: string): void;
}

export function createThrottle(periodMs: number): Throttle {
  const last = new Map<string, number>();
  return {
    take(key, nowMs) {
      const prev = last.get(key);
      if (prev !== undefined && nowMs - prev < periodMs && nowMs >= prev) return false;
      last.set(key, nowMs);
      return true;
    },
    release: (key) => void last.delete(key),
  };
}
