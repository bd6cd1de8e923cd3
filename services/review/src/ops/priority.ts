// Lower the CPU priority of the whole process. On Linux a niceness belongs to a thread, and
// os.setPriority() sets the calling thread's only: libuv's worker threads, where
// node-llama-cpp runs the model, would keep niceness 0 and compete with ingest and profiles as
// equals. Every thread listed in /proc/self/task is reniced; threads created later inherit the
// niceness of the thread that creates them, so calling this again after the model has loaded
// and after a review catches the ones that appeared meanwhile.
import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** Renice every thread of this process to at least `nice`; returns how many were changed. */
export function lowerPriority(nice: number): number {
  let tids: number[];
  try {
    tids = readdirSync('/proc/self/task').map(Number);
  } catch {
    setPriority(nice); // no procfs: the calling thread (the whole process elsewhere)
    return 1;
  }
  let changed = 0;
  for (const tid of tids) {
    try {
      if (getPriority(tid) < nice) {
        setPriority(tid, nice);
        changed += 1;
      }
    } catch {
      // the thread ended meanwhile
    }
  }
  return changed;
}
