// A per-key rate limit shared by every ingest process: a fixed one-second window counted in
// Redis (INCR + PEXPIRE). Meta's default throughput is 80 messages/s per business number.
import type { Redis } from 'ioredis';

export interface RateLimiter {
  /** Wait until one more call for key fits in the current second. */
  acquire(key: string): Promise<void>;
}

export function createRateLimiter(
  redis: Redis,
  o: { prefix: string; perSecond: number; sleep?: (ms: number) => Promise<unknown> },
): RateLimiter {
  const { prefix, perSecond } = o;
  const sleep = o.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  return {
    async acquire(key) {
      for (;;) {
        const now = Date.now();
        const second = Math.floor(now / 1000);
        const k = `${prefix}:ingest:rate:${key}:${second}`;
        const res = await redis.multi().incr(k).pexpire(k, 2000).exec();
        const count = Number(res?.[0]?.[1] ?? 0);
        if (count <= perSecond) return;
        await sleep(1000 - (now % 1000) + 1);
      }
    },
  };
}
