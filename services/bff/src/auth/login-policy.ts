// The numbers behind the login limiter (login-limiter.ts), as pure functions: how long a client
// waits after its n-th failure in a row, and which part of its address it is counted by.
import { isIPv4, isIPv6 } from 'node:net';

export interface LoginLimits {
  /** Failures in a row per (email, client address) after which that pair has to wait… */
  failuresBeforeWait: number;
  /** …this long; each further failure doubles the wait… */
  firstWaitSeconds: number;
  /** …up to this. */
  maxWaitSeconds: number;
  /** Failures per client address per day, whatever the email; then that address waits a day. */
  failuresPerAddressPerDay: number;
  /** Failures per email per hour from all addresses after which its logins are slowed. */
  slowDownAfterAccountFailures: number;
  /** The slow-down: every attempt for that email waits this long before its password is checked. */
  slowDownMs: number;
}

export const DEFAULT_LOGIN_LIMITS: Readonly<LoginLimits> = Object.freeze({
  failuresBeforeWait: 5,
  firstWaitSeconds: 30,
  maxWaitSeconds: 3600,
  failuresPerAddressPerDay: 100,
  slowDownAfterAccountFailures: 20,
  slowDownMs: 2000,
});

/** Seconds a (email, address) pair waits after its n-th failure in a row: 0, …, 30, 60, 120 … max. */
export function waitAfterFailure(n: number, limits: LoginLimits): number {
  if (n < limits.failuresBeforeWait) return 0;
  // Capped exponent: 2 ** 1000 is Infinity, and Math.min copes, but keep the numbers tame.
  const doublings = Math.min(n - limits.failuresBeforeWait, 30);
  return Math.min(limits.maxWaitSeconds, limits.firstWaitSeconds * 2 ** doublings);
}

/**
 * What a client address is counted by: IPv4 as it is (IPv4-mapped IPv6 too), IPv6 by its /64,
 * which one subscriber gets whole, so rotating addresses inside it buys no fresh budget.
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped && isIPv4(mapped[1]!)) return mapped[1]!;
  const bare = ip.split('%')[0]!.toLowerCase();
  if (!isIPv6(bare)) return ip;
  const [head = '', tail] = bare.split('::');
  const groups = (s: string): string[] => (s ? s.split(':') : []);
  const width = (gs: string[]): number => gs.reduce((w, g) => w + (g.includes('.') ? 2 : 1), 0);
  const full =
    tail === undefined
      ? groups(head)
      : [
          ...groups(head),
          ...Array<string>(8 - width(groups(head)) - width(groups(tail))).fill('0'),
          ...groups(tail),
        ];
  return `${full
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}
