// The per-number send limit, against real Redis: shared by every caller, one window per second.
import { requireEnv, uniqueName } from '@ue/testing';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRateLimiter } from '../src/queue/rate-limiter.js';

const redis = new Redis(requireEnv('REDIS_URL'));
afterAll(async () => {
  await redis.quit();
});

describe('per-number rate limiter', () => {
  it('lets at most N sends per second through for one number, without slowing another', async () => {
    const limiter = createRateLimiter(redis, { prefix: uniqueName('rate'), perSecond: 5 });
    const seconds: number[] = [];
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 12 }, () =>
        limiter.acquire('117733559900011').then(() => seconds.push(Math.floor(Date.now() / 1000))),
      ),
    );
    // 12 sends at 5 per second need at least three one-second windows.
    expect(new Set(seconds).size).toBeGreaterThanOrEqual(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);

    const other = Date.now();
    await limiter.acquire('228844661100022');
    expect(Date.now() - other).toBeLessThan(500);
  });
});
