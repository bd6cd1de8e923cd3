// Redis connections. The request path gets a fail-fast connection (no offline queue, short
// timeouts) so a provider request never waits on a Redis that is down; workers get
// BullMQ's blocking-friendly defaults through plain connection options.
import { Redis, type RedisOptions } from 'ioredis';

export function createFailFastRedis(url: string, timeoutMs: number): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: timeoutMs,
    connectTimeout: timeoutMs,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
}

/** Options for BullMQ workers (BullMQ opens its own connections from them). */
export function workerConnection(url: string): RedisOptions & { url: string } {
  return { url, maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(times * 200, 2000) };
}

/** Resolve with the value, or reject after ms: nothing on the request path may hang. */
export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
