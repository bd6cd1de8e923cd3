// Brute-force protection for the login form, shared across bff instances through Redis:
// per client IP and per account (email), whichever runs out first.
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { normaliseEmail } from './admins.js';

export interface LoginLimiter {
  /** Seconds to wait when blocked, or 0 when an attempt is allowed. */
  blockedFor(ip: string, email: string): Promise<number>;
  recordFailure(ip: string, email: string): Promise<void>;
  recordSuccess(ip: string, email: string): Promise<void>;
}

export function createLoginLimiter(
  redis: Redis,
  opts: { perIp?: number; perAccount?: number; windowSeconds?: number; prefix?: string } = {},
): LoginLimiter {
  const windowSeconds = opts.windowSeconds ?? 15 * 60;
  const prefix = opts.prefix ?? 'ue:bff:login';
  const byIp = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${prefix}:ip`,
    points: opts.perIp ?? 50,
    duration: windowSeconds,
    blockDuration: windowSeconds,
  });
  const byAccount = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${prefix}:acct`,
    points: opts.perAccount ?? 5,
    duration: windowSeconds,
    blockDuration: windowSeconds,
  });
  const remainingWait = async (
    limiter: RateLimiterRedis,
    key: string,
    max: number,
  ): Promise<number> => {
    const res = await limiter.get(key);
    return res && res.consumedPoints >= max ? Math.ceil(res.msBeforeNext / 1000) : 0;
  };
  const consume = async (limiter: RateLimiterRedis, key: string): Promise<void> => {
    await limiter.consume(key).catch((e: unknown) => {
      if (!(e instanceof RateLimiterRes)) throw e;
    });
  };
  return {
    async blockedFor(ip, email) {
      const [a, b] = await Promise.all([
        remainingWait(byIp, ip, opts.perIp ?? 50),
        remainingWait(byAccount, normaliseEmail(email), opts.perAccount ?? 5),
      ]);
      return Math.max(a, b);
    },
    async recordFailure(ip, email) {
      await Promise.all([consume(byIp, ip), consume(byAccount, normaliseEmail(email))]);
    },
    async recordSuccess(_ip, email) {
      await byAccount.delete(normaliseEmail(email));
    },
  };
}
