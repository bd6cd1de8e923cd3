// Brute-force protection for the login form, shared across bff instances through Redis, after
// rate-limiter-flexible's "Login endpoint protection"
// (https://github.com/animir/node-rate-limiter-flexible/wiki/Overall-example#login-endpoint-protection):
//
// - failures in a row per (email, client address): after `failuresBeforeWait` the pair waits, longer
//   after each further failure (login-policy.ts); a success resets it. Keyed by the address too,
//   so an attacker's failures never keep the admin out from another address.
// - failures per client address per day, any email: a generous cap, then a day's block.
// - failures per email per hour from all addresses (spraying one account from many addresses):
//   past a threshold every attempt for that email is slowed, never refused, so nobody can lock
//   the admin out by knowing the email. docs/dashboard.md says what that leaves open.
//
// Attempts are reserved before the password is checked and refunded when refused, so a burst of
// parallel requests cannot all slip past the checks before the first failure is counted.
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { normaliseEmail } from './admins.js';
import {
  addressKey,
  DEFAULT_LOGIN_LIMITS,
  type LoginLimits,
  waitAfterFailure,
} from './login-policy.js';

export type { LoginLimits } from './login-policy.js';

export interface LoginAttempt {
  /** Records a wrong password; the seconds this client must now wait (0: none). */
  failed(): Promise<number>;
  succeeded(): Promise<void>;
}

export type LoginGate =
  | { allowed: false; retryAfterSeconds: number }
  | { allowed: true; slowDownMs: number; attempt: LoginAttempt };

export interface LoginLimiter {
  /** Whether this client may try a password for this email now, and how slowly. */
  begin(ip: string, email: string): Promise<LoginGate>;
}

const HOUR = 3600;
const DAY = 24 * HOUR;

interface Keys {
  account: string;
  address: string;
  pair: string;
}

const seconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

/** Consumes a point; 0 when granted, else the seconds until the limiter would grant one. */
async function take(limiter: RateLimiterRedis, key: string): Promise<number> {
  try {
    await limiter.consume(key);
    return 0;
  } catch (e) {
    if (e instanceof RateLimiterRes) return seconds(e.msBeforeNext);
    throw e;
  }
}

export function createLoginLimiter(
  redis: Redis,
  opts: Partial<LoginLimits> & { prefix?: string } = {},
): LoginLimiter {
  const { prefix = 'ue:bff:login', ...overrides } = opts;
  const limits: LoginLimits = { ...DEFAULT_LOGIN_LIMITS, ...overrides };
  const limiter = (name: string, o: { points: number; duration: number; blockDuration?: number }) =>
    new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:${name}`, ...o });
  // Failures in a row per (email, address): only ever counted up (penalty) and reset.
  const byPair = limiter('pair', { points: limits.failuresBeforeWait, duration: DAY });
  // The pair's current wait; a point held while one over-the-limit attempt is checked.
  const claimSeconds = 10 + Math.ceil(limits.slowDownMs / 1000);
  const waits = limiter('wait', { points: 1, duration: claimSeconds });
  const byAddress = limiter('ip', {
    points: limits.failuresPerAddressPerDay,
    duration: DAY,
    blockDuration: DAY,
  });
  const byAccount = limiter('account', {
    points: limits.slowDownAfterAccountFailures,
    duration: HOUR,
  });

  /** Seconds until this client may try again, from reads only (cheap under a flood). */
  const waitingFor = async (k: Keys): Promise<number> => {
    const [addressRes, waitRes] = await Promise.all([byAddress.get(k.address), waits.get(k.pair)]);
    const ms = Math.max(
      addressRes && addressRes.consumedPoints > byAddress.points ? addressRes.msBeforeNext : 0,
      waitRes ? waitRes.msBeforeNext : 0,
    );
    return ms > 0 ? seconds(ms) : 0;
  };

  /** Counts the attempt before its password is checked: its number in a row, or a wait. */
  const reserve = async (k: Keys): Promise<{ n: number } | { wait: number }> => {
    const addressWait = await take(byAddress, k.address);
    if (addressWait > 0) return { wait: addressWait };
    const n = (await byPair.penalty(k.pair)).consumedPoints;
    // Past the limit only one attempt at a time gets checked; the others are refunded.
    const claimWait = n > limits.failuresBeforeWait ? await take(waits, k.pair) : 0;
    if (claimWait === 0) return { n };
    await Promise.all([byPair.reward(k.pair), byAddress.reward(k.address)]);
    return { wait: claimWait };
  };

  const attempt = (k: Keys, n: number): LoginAttempt => ({
    async failed() {
      await byAccount.penalty(k.account);
      const wait = waitAfterFailure(n, limits);
      if (wait > 0) await waits.block(k.pair, wait);
      return wait;
    },
    async succeeded() {
      await Promise.all([byPair.delete(k.pair), waits.delete(k.pair), byAddress.reward(k.address)]);
    },
  });

  return {
    async begin(ip, email) {
      const account = normaliseEmail(email);
      const address = addressKey(ip);
      const k: Keys = { account, address, pair: `${account}|${address}` };
      const early = await waitingFor(k);
      if (early > 0) return { allowed: false, retryAfterSeconds: early };
      const [reserved, accountRes] = await Promise.all([reserve(k), byAccount.get(account)]);
      if ('wait' in reserved) return { allowed: false, retryAfterSeconds: reserved.wait };
      const slowed = (accountRes?.consumedPoints ?? 0) >= limits.slowDownAfterAccountFailures;
      return {
        allowed: true,
        slowDownMs: slowed ? limits.slowDownMs : 0,
        attempt: attempt(k, reserved.n),
      };
    },
  };
}
