// Load shapes. Closed loop: n callers, each starting its next call when the last one ended
// (throughput). Open loop: calls started on a fixed schedule whatever the answers do, latency
// measured from each call's scheduled start, so a stall shows up in the tail instead of
// silently lowering the offered rate (no coordinated omission).
import { setTimeout as sleep } from 'node:timers/promises';

export interface LoopResult {
  /** Completed calls. */
  count: number;
  errors: number;
  elapsedMs: number;
  /** Per completed call, ms (open loop: from its scheduled start). */
  latencies: number[];
}

export async function closedLoop(o: {
  concurrency: number;
  seconds: number;
  call: (i: number) => Promise<unknown>;
}): Promise<LoopResult> {
  const latencies: number[] = [];
  let errors = 0;
  let n = 0;
  const t0 = performance.now();
  const until = t0 + o.seconds * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < until) {
      const t = performance.now();
      try {
        await o.call(n++);
        latencies.push(performance.now() - t);
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  return { count: latencies.length, errors, elapsedMs: performance.now() - t0, latencies };
}

/** When call i of an open loop is due, ms after the start. */
export function dueAt(i: number, rate: number): number {
  return (i * 1000) / rate;
}

export interface OpenLoopResult extends LoopResult {
  /** Calls still unanswered when the loop gave up waiting (counted as errors too). */
  unanswered: number;
}

export async function openLoop(o: {
  rate: number;
  seconds: number;
  /** Call i; `scheduled` is its due time on the performance.now() clock. */
  call: (i: number, scheduled: number) => Promise<unknown>;
  /** How long to wait for the last answers after the schedule ends (default 10 s). */
  drainMs?: number;
}): Promise<OpenLoopResult> {
  const latencies: number[] = [];
  let errors = 0;
  let pending = 0;
  const total = Math.round(o.rate * o.seconds);
  const t0 = performance.now();
  const fire = (i: number): void => {
    const scheduled = t0 + dueAt(i, o.rate);
    pending += 1;
    o.call(i, scheduled).then(
      () => {
        pending -= 1;
        latencies.push(performance.now() - scheduled);
      },
      () => {
        pending -= 1;
        errors += 1;
      },
    );
  };
  for (let i = 0; i < total;) {
    const now = performance.now() - t0;
    while (i < total && dueAt(i, o.rate) <= now) fire(i++);
    if (i < total) await sleep(Math.max(0, dueAt(i, o.rate) - (performance.now() - t0)));
  }
  const drainUntil = performance.now() + (o.drainMs ?? 10_000);
  while (pending > 0 && performance.now() < drainUntil) await sleep(5);
  return {
    count: latencies.length,
    errors: errors + pending,
    unanswered: pending,
    elapsedMs: performance.now() - t0,
    latencies,
  };
}
