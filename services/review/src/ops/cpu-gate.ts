// Reviews use the CPU nobody else needs. Niceness alone is not enough: a model streaming a
// gigabyte of weights through the caches slows whatever shares the cores, even when the
// scheduler favours the others (measured: ingest at 0.64× with a nice-19 review running,
// docs/BENCHMARKS.md). So the reviewer watches how busy the rest of the machine is (all CPU
// time in /proc/stat minus its own) and
//   - starts a review only after the others have left enough idle CPU for a few seconds;
//   - aborts a running review as soon as they need it, to be redone when they are quiet.
// Without /proc (not Linux) the gate is always open.
import { readFileSync } from 'node:fs';

export interface CpuGate {
  /** Share of all CPUs (0..1) used by other processes over the last sample period. */
  othersBusy(): number;
  /** Resolves once others have stayed below the limit for `quietSamples` periods in a row. */
  waitForQuiet(signal?: AbortSignal): Promise<void>;
  /** An AbortSignal that fires when others rise above the limit (for a running review). */
  whileQuiet(): { signal: AbortSignal; done(): void };
  close(): void;
}

interface Sample {
  total: number;
  busy: number;
  own: number;
}

/** Jiffies of all CPUs (total, busy) from /proc/stat's first line. */
export function parseProcStat(text: string): { total: number; busy: number } {
  const f = text.split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0); // guest time is inside user
  const idle = (f[3] ?? 0) + (f[4] ?? 0); // idle + iowait
  return { total, busy: total - idle };
}

/** utime + stime of this process in jiffies, from /proc/self/stat. */
export function parseOwnStat(text: string): number {
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

export function othersShare(a: Sample, b: Sample): number {
  const dt = b.total - a.total;
  if (dt <= 0) return 0;
  return Math.max(0, Math.min(1, (b.busy - a.busy - (b.own - a.own)) / dt));
}

export function createCpuGate(o: {
  /** Others' share of all CPUs above which reviews wait (0..1); 1 disables the gate. */
  limit: number;
  periodMs?: number;
  quietSamples?: number;
}): CpuGate {
  const period = o.periodMs ?? 1000;
  const quietNeeded = o.quietSamples ?? 3;
  const read = (): Sample | undefined => {
    try {
      const s = parseProcStat(readFileSync('/proc/stat', 'utf8'));
      return { ...s, own: parseOwnStat(readFileSync('/proc/self/stat', 'utf8')) };
    } catch {
      return undefined;
    }
  };
  let last = read();
  let share = 0;
  let quietRun = 0;
  const listeners = new Set<() => void>();
  const timer = setInterval(() => {
    const now = read();
    if (!now || !last) return;
    share = othersShare(last, now);
    last = now;
    quietRun = share < o.limit ? quietRun + 1 : 0;
    for (const l of listeners) l();
  }, period);
  timer.unref();
  const open = !last || o.limit >= 1;

  return {
    othersBusy: () => share,
    waitForQuiet(signal) {
      if (open || quietRun >= quietNeeded) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (signal?.aborted) {
            listeners.delete(check);
            reject(new Error('cancelled'));
          } else if (quietRun >= quietNeeded) {
            listeners.delete(check);
            resolve();
          }
        };
        listeners.add(check);
      });
    },
    whileQuiet() {
      const ac = new AbortController();
      const check = (): void => {
        if (!open && share >= o.limit) ac.abort(new YieldedError(share));
      };
      listeners.add(check);
      return { signal: ac.signal, done: () => listeners.delete(check) };
    },
    close: () => clearInterval(timer),
  };
}

/** A review stopped because other processes needed the CPU; redone later, not a failure. */
export class YieldedError extends Error {
  override readonly name = 'YieldedError';
  constructor(share: number) {
    super(`yielded the CPU (others at ${Math.round(share * 100)} %)`);
  }
}
