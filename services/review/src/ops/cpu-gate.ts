// Reviews use the CPU nobody else needs. Niceness alone is not enough: a model streaming a
// gigabyte of weights through the caches slows whatever shares the cores, even when the
// scheduler favours the others (measured: ingest at 0.64× with a nice-19 review running,
// docs/BENCHMARKS.md). So the reviewer watches how busy the rest of the machine is (all CPU
// time in /proc/stat minus its own, the model's process included) and
//   - starts a review only after the others have left enough idle CPU for a few seconds;
//   - pauses a running review as soon as they need the CPU, and continues it once they have
//     been quiet again for as long (the model's process is stopped meanwhile: no CPU at all,
//     nothing computed is lost).
// Without /proc (not Linux) the gate is always open.
import { readFileSync } from 'node:fs';
import type { Pausable } from '../models/model.js';

export interface CpuGate {
  /** Share of all CPUs (0..1) used by other processes over the last sample period. */
  othersBusy(): number;
  /** Resolves once others have stayed below the limit for `quietSamples` periods in a row. */
  waitForQuiet(signal?: AbortSignal): Promise<void>;
  /**
   * For a running review: pause `target` while others are above the limit, resume it after
   * `quietSamples` quiet periods; `done()` stops watching (and resumes it if paused).
   */
  holdWhileBusy(target: Pausable, onPause?: () => void): { done(): void };
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

/** utime + stime of a process in jiffies, from /proc/<pid>/stat (all its threads). */
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
  /** Other processes whose CPU counts as this service's own (the model's process). */
  ownPids?: () => ReadonlyArray<number | undefined>;
}): CpuGate {
  const period = o.periodMs ?? 1000;
  const quietNeeded = o.quietSamples ?? 3;
  const cpuOf = (pid: number | 'self'): number => {
    try {
      return parseOwnStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return 0; // ended meanwhile: the next sample's difference starts from it again
    }
  };
  const read = (): Sample | undefined => {
    try {
      const s = parseProcStat(readFileSync('/proc/stat', 'utf8'));
      const others = (o.ownPids?.() ?? []).filter((p): p is number => p !== undefined);
      return { ...s, own: others.reduce((sum, p) => sum + cpuOf(p), cpuOf('self')) };
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
    holdWhileBusy(target, onPause) {
      let paused = false;
      const check = (): void => {
        if (open) return;
        if (!paused && share >= o.limit) {
          paused = true;
          target.pause();
          onPause?.();
        } else if (paused && quietRun >= quietNeeded) {
          paused = false;
          target.resume();
        }
      };
      listeners.add(check);
      return {
        done() {
          listeners.delete(check);
          if (paused) target.resume();
        },
      };
    },
    close: () => clearInterval(timer),
  };
}
