import { describe, expect, it } from 'vitest';
import { addressKey, DEFAULT_LOGIN_LIMITS, waitAfterFailure } from './login-policy.js';

describe('login policy', () => {
  it('waits nothing for the first four failures in a row, then 30 s, doubling, up to an hour', () => {
    const waits = Array.from({ length: 14 }, (_, i) =>
      waitAfterFailure(i + 1, DEFAULT_LOGIN_LIMITS),
    );
    expect(waits).toEqual([0, 0, 0, 0, 30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
    expect(waitAfterFailure(10_000, DEFAULT_LOGIN_LIMITS)).toBe(3600);
  });

  it('counts IPv4 as it is, IPv4-mapped IPv6 as IPv4, and IPv6 by its /64', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0DB8:0001:0002:ffff:1:2:3')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
    expect(addressKey('unknown')).toBe('unknown');
  });
});
