// Poll until a check yields a value (or throw naming what never happened).
import { setTimeout as sleep } from 'node:timers/promises';

export async function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined | null | false>,
  o: { timeoutMs?: number; everyMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (o.timeoutMs ?? 60_000);
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(o.everyMs ?? 100);
  }
}
