import { describe, expect, it } from 'vitest';
import { isStateChanging, tokensMatch } from './csrf.js';
import { Hono } from 'hono';
import { clientIp, safeNext } from '../routes/auth.js';

describe('CSRF token check', () => {
  it('accepts only the exact session token', () => {
    expect(tokensMatch('abc123', 'abc123')).toBe(true);
    expect(tokensMatch('abc123', 'abc124')).toBe(false);
    expect(tokensMatch('abc123', 'abc12')).toBe(false);
    expect(tokensMatch('abc123', undefined)).toBe(false);
    expect(tokensMatch('abc123', '')).toBe(false);
    expect(tokensMatch('', '')).toBe(false);
  });

  it('guards every method but GET, HEAD and OPTIONS', () => {
    for (const m of ['POST', 'PUT', 'PATCH', 'DELETE']) expect(isStateChanging(m)).toBe(true);
    for (const m of ['GET', 'head', 'OPTIONS']) expect(isStateChanging(m)).toBe(false);
  });
});

describe('post-login destination', () => {
  it('stays inside the app', () => {
    expect(safeNext('/b', '/b/users/1')).toBe('/b/users/1');
    expect(safeNext('/b', 'https://evil.com')).toBe('/b/users');
    expect(safeNext('/b', '//evil.com/b/')).toBe('/b/users');
    expect(safeNext('', '//evil.com')).toBe('/users');
    expect(safeNext('/b', '/b/login')).toBe('/b/users');
    expect(safeNext('/b', undefined)).toBe('/b/users');
  });
});

describe('client address for rate limiting', () => {
  const app = new Hono().get('/', (c) => c.text(clientIp(c, Number(c.req.query('hops') ?? 0))));
  const ip = async (hops: number, xff?: string) =>
    (
      await app.request(`/?hops=${hops}`, { headers: xff ? { 'x-forwarded-for': xff } : {} })
    ).text();

  it('ignores X-Forwarded-For unless proxies are trusted', async () => {
    expect(await ip(0, '6.6.6.6')).toBe('unknown');
  });

  it('takes the entry the trusted proxy appended, not what the client wrote', async () => {
    expect(await ip(1, '6.6.6.6, 203.0.113.7')).toBe('203.0.113.7');
    expect(await ip(2, '6.6.6.6, 203.0.113.7, 10.0.0.2')).toBe('203.0.113.7');
  });
});
