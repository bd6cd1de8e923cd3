// Process facts from /proc: memory of a pid, and which of our child processes runs a service.
import { readdirSync, readFileSync } from 'node:fs';

export interface Memory {
  /** Resident set size now (VmRSS), bytes. */
  rss: number;
  /** Peak resident set size (VmHWM), bytes. */
  hwm: number;
}

function kb(status: string, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return m ? Number(m[1]) * 1024 : Number.NaN;
}

/** VmRSS and VmHWM of a process; NaN when it is gone. */
export function memoryOf(pid: number): Memory {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    return { rss: kb(s, 'VmRSS'), hwm: kb(s, 'VmHWM') };
  } catch {
    return { rss: Number.NaN, hwm: Number.NaN };
  }
}

function childPids(of: number = process.pid): number[] {
  const pids: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${of}/task`)) {
      const list = readFileSync(`/proc/${of}/task/${task}/children`, 'utf8').trim();
      if (list) pids.push(...list.split(/\s+/).map(Number));
    }
  } catch {
    // exited meanwhile
  }
  return pids;
}

/** A process and all its descendants (the review service's model runs in a child process). */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...childPids(out[i]));
  return out;
}

/** Peak RSS of a process tree: the sum of each process's own peak. */
export function treePeakRss(pid: number): number {
  return processTree(pid).reduce((sum, p) => sum + memoryOf(p).hwm, 0);
}

/**
 * The pid of our child process running `entry` with `marker` (e.g. "PORT=40123") in its
 * environment: startProcess does not hand out the pid, /proc knows it.
 */
export function findChildPid(o: { entry: string; marker: string }): number | undefined {
  for (const pid of childPids()) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (!cmd.includes(o.entry)) continue;
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (env.includes(o.marker)) return pid;
    } catch {
      // exited meanwhile
    }
  }
  return undefined;
}

/** Linux reports process CPU time in clock ticks of USER_HZ, which is 100 on every Linux ABI. */
const TICKS_PER_SECOND = 100;

/** CPU time (user + system) a process has used so far, in milliseconds; NaN when it is gone. */
export function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start behind its closing bracket;
    // utime and stime are fields 14 and 15 of the whole line.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(rest[11]) + Number(rest[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** CPU time of a process and its descendants (as they are now), in milliseconds. */
export function treeCpuMsOf(pid: number): number {
  return processTree(pid).reduce((sum, p) => sum + (cpuMsOf(p) || 0), 0);
}

/**
 * CPU milliseconds each pid spends while `fn` runs. With `trees`, each pid's descendants count
 * too (a child process's CPU is not in its parent's /proc/<pid>/stat until it has exited); not
 * for the bench's own pid, whose descendants are every service.
 */
export async function cpuDuring<T>(
  pids: number[],
  fn: () => Promise<T>,
  opts: { trees?: boolean } = {},
): Promise<{ result: T; cpuMs: number[] }> {
  const of = opts.trees ? treeCpuMsOf : cpuMsOf;
  const before = pids.map(of);
  const result = await fn();
  return { result, cpuMs: pids.map((p, i) => of(p) - before[i]!) };
}
