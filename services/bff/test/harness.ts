// Build the app over real Redis (sessions, admins, rate limits) for route-level tests, and a
// tiny cookie-keeping client around app.request().
import { uniqueName, requireEnv } from '@ue/testing';
import { cookieHeader, keepCookies } from './cookies.js';
import { Redis } from 'ioredis';
import { createLogger } from '@ue/kit';
import { publicDir } from '@ue/web';
import type { Hono } from 'hono';
import type { AppEnv } from '../src/http/types.js';
import { createApp } from '../src/app.js';
import { createAdminStore, type AdminStore } from '../src/auth/admins.js';
import { createLoginLimiter, type LoginLimits } from '../src/auth/login-limiter.js';
import { createSessionStore, type SessionStore } from '../src/auth/sessions.js';
import type { ProfilesApi } from '../src/clients/profiles.js';
import { createAccountDirectory } from '../src/accounts/directory.js';

export const BASE = '/dev/user-engagement';
export const ADMIN = { email: 'ana@example.com', password: 'correct horse battery' };

export interface Harness {
  app: Hono<AppEnv>;
  redis: Redis;
  admins: AdminStore;
  sessions: SessionStore;
  prefix: string;
  close(): Promise<void>;
}

export async function buildHarness(
  profiles: ProfilesApi,
  opts: {
    ttlSeconds?: number;
    limits?: Partial<LoginLimits>;
    pageSizes?: { users: number; messages: number };
  } = {},
): Promise<Harness> {
  const redis = new Redis(requireEnv('REDIS_URL'));
  const prefix = `${uniqueName('bff')}:`;
  const admins = createAdminStore(redis, prefix);
  const sessions = createSessionStore(redis, opts.ttlSeconds ?? 3600, prefix);
  await admins.create(ADMIN.email, ADMIN.password, 'Ana Admin');
  const log = createLogger('bff-test', 'silent');
  const app = createApp({
    profiles,
    accounts: createAccountDirectory({ profiles, log }),
    admins,
    sessions,
    limiter: createLoginLimiter(redis, { prefix: `${prefix}login`, ...opts.limits }),
    redisReachable: async () => (await redis.ping()) === 'PONG',
    log,
    settings: {
      basePath: BASE,
      sessionSecret: 'x'.repeat(40),
      cookieSecure: 'auto',
      sessionTtlSeconds: opts.ttlSeconds ?? 3600,
      timeZone: 'Europe/Berlin',
      staticRoot: publicDir,
      // One proxy in front: a Client's `ip` arrives as X-Forwarded-For.
      trustedProxies: 1,
      ...(opts.pageSizes ? { pageSizes: opts.pageSizes } : {}),
    },
  });
  return { app, redis, admins, sessions, prefix, close: async () => void (await redis.quit()) };
}

/**
 * A browser-ish client: keeps cookies, can log in, knows the page's CSRF token. With `ip` its
 * requests come through the harness's one trusted proxy from that address.
 */
export class Client {
  cookies = new Map<string, string>();
  csrf = '';
  constructor(
    private app: Hono<AppEnv>,
    private ip?: string,
  ) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.ip) headers.set('x-forwarded-for', this.ip);
    if (this.cookies.size) headers.set('cookie', cookieHeader(this.cookies));
    const res = await this.app.request(`http://localhost${path}`, {
      ...init,
      headers,
      redirect: 'manual',
    });
    keepCookies(this.cookies, res);
    return res;
  }

  async login(email = ADMIN.email, password = ADMIN.password): Promise<Response> {
    const page = await (await this.request(`${BASE}/login`)).text();
    const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const res = await this.request(`${BASE}/login`, {
      method: 'POST',
      body: new URLSearchParams({ email, password, _csrf: token }),
    });
    if (res.status === 303) {
      const html = await (await this.request(`${BASE}/users`)).text();
      this.csrf = /X-CSRF-Token&quot;:&quot;([^&]+)&quot;/.exec(html)?.[1] ?? '';
    }
    return res;
  }
}

/**
 * An admin's open live stream (`/users/:id/events`): read until a text has arrived, resuming
 * after `lastEventId` when given.
 */
export async function openEventStream(
  c: Client,
  path: string,
  lastEventId?: string,
): Promise<{ until(needle: string): Promise<string>; close(): Promise<void> }> {
  const res = await c.request(path, {
    headers: {
      accept: 'text/event-stream',
      ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
    },
  });
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let buf = '';
  return {
    async until(needle) {
      while (!buf.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${needle}`);
        buf += dec.decode(value);
      }
      return buf;
    },
    close: () => reader.cancel(),
  };
}
