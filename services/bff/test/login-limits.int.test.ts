// Brute-force protection as the admin and an attacker meet it: the attacker's failures make the
// attacker's address wait (longer each time) and never lock the admin out from elsewhere; one
// address spraying emails hits a daily cap; one email sprayed from many addresses is slowed,
// not blocked. Real Redis; the wait elapsing is simulated by expiring its key, as Redis would.
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, buildHarness, Client, type Harness } from './harness.js';
import { fakeProfiles } from './fake-profiles.js';
import type { LoginLimits } from '../src/auth/login-limiter.js';

const ATTACKER = '203.0.113.7';
const ADMIN_IP = '198.51.100.4';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function harness(limits: Partial<LoginLimits> = {}): Promise<Harness> {
  h = await buildHarness(fakeProfiles(), { limits });
  return h;
}

/** Lets the current waits run out. */
async function elapse(hx: Harness): Promise<void> {
  for (const key of await hx.redis.keys(`${hx.prefix}login:wait:*`)) await hx.redis.pexpire(key, 1);
  await new Promise((r) => setTimeout(r, 20));
}

async function expectWait(res: Response, seconds: number, message: string): Promise<void> {
  expect(res.status).toBe(429);
  expect(res.headers.get('retry-after')).toBe(String(seconds));
  expect(await res.text()).toContain(`<p class="error" role="alert">${message}</p>`);
}

describe('login limits', () => {
  it('attacker from IP A fails 20 times; the admin from IP B logs in at once', async () => {
    const hx = await harness();
    const attacker = new Client(hx.app, ATTACKER);
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++)
      statuses.push((await attacker.login(ADMIN.email, `guess ${i}`)).status);

    const admin = new Client(hx.app, ADMIN_IP);
    const started = Date.now();
    const res = await admin.login();
    expect(res.status).toBe(303);
    expect(res.headers.get('retry-after')).toBeNull();
    expect(Date.now() - started).toBeLessThan(2000); // not slowed down either
    expect((await admin.request('/dev/user-engagement/users')).status).toBe(200);
    // The attacker was made to wait, and the admin's success does not free the attacker's address.
    expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect(new Set(statuses.slice(4))).toEqual(new Set([429]));
    expect((await attacker.login()).status).toBe(429);
  });

  it('attacker from IP A is blocked with growing waits; the right password waits too', async () => {
    const hx = await harness();
    const attacker = new Client(hx.app, ATTACKER);
    for (let i = 1; i <= 4; i++) {
      const res = await attacker.login(ADMIN.email, `guess ${i}`);
      expect(res.status, `failure ${i}`).toBe(401);
      expect(res.headers.get('retry-after')).toBeNull();
    }
    await expectWait(
      await attacker.login(ADMIN.email, 'guess 5'),
      30,
      'Wrong email or password. Too many failed attempts. Try again in 30 seconds.',
    );
    // While waiting nothing is checked, not even the right password.
    const early = await attacker.login();
    expect(early.status).toBe(429);
    expect(Number(early.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(early.headers.get('retry-after'))).toBeLessThanOrEqual(30);
    expect(await early.text()).toMatch(/Too many failed attempts\. Try again in \d+ seconds?\./);

    await elapse(hx);
    await expectWait(
      await attacker.login(ADMIN.email, 'guess 6'),
      60,
      'Wrong email or password. Too many failed attempts. Try again in 1 minute.',
    );
    await elapse(hx);
    await expectWait(
      await attacker.login(ADMIN.email, 'guess 7'),
      120,
      'Wrong email or password. Too many failed attempts. Try again in 2 minutes.',
    );
    await elapse(hx);
    await expectWait(
      await attacker.login(ADMIN.email, 'guess 8'),
      240,
      'Wrong email or password. Too many failed attempts. Try again in 4 minutes.',
    );

    // A success (after the wait) starts the count again.
    await elapse(hx);
    expect((await attacker.login()).status).toBe(303);
    expect((await attacker.login(ADMIN.email, 'typo')).status).toBe(401);
  });

  it('a burst of parallel guesses from one address gets no more checked than one by one', async () => {
    const hx = await harness();
    const clients = Array.from({ length: 20 }, () => new Client(hx.app, ATTACKER));
    const answers = await Promise.all(
      clients.map(async (c, i) => {
        const res = await c.login(ADMIN.email, `guess ${i}`);
        return {
          status: res.status,
          checked: (await res.text()).includes('Wrong email or password'),
        };
      }),
    );
    const checked = answers.filter((a) => a.checked).length;
    // Five free failures, and at most one attempt past them while the wait is being set.
    expect(checked).toBeGreaterThanOrEqual(5);
    expect(checked).toBeLessThanOrEqual(6);
    expect(answers.filter((a) => a.status === 429).length).toBeGreaterThanOrEqual(15);
  });

  it('one address trying many emails is blocked for a day; other addresses are not', async () => {
    const hx = await harness({ failuresPerAddressPerDay: 10 });
    const attacker = new Client(hx.app, ATTACKER);
    for (let i = 0; i < 10; i++)
      expect((await attacker.login(`user${i}@example.com`, 'password1')).status).toBe(401);
    await expectWait(
      await attacker.login(),
      24 * 3600,
      'Too many failed attempts. Try again in 24 hours.',
    );
    expect((await new Client(hx.app, ADMIN_IP).login()).status).toBe(303);
  });

  it('IPv6 addresses of one /64 share their budget', async () => {
    const hx = await harness({ failuresPerAddressPerDay: 3 });
    for (let i = 1; i <= 3; i++)
      expect(
        (await new Client(hx.app, `2001:db8:1:2::${i}`).login(`u${i}@x.io`, 'pw')).status,
      ).toBe(401);
    expect((await new Client(hx.app, '2001:db8:1:2:ffff::9').login()).status).toBe(429);
    expect((await new Client(hx.app, '2001:db8:1:3::1').login()).status).toBe(303);
  });

  it('one email sprayed from many addresses is slowed down, never locked', async () => {
    const slowDownMs = 400;
    const hx = await harness({ slowDownAfterAccountFailures: 6, slowDownMs });
    for (let i = 1; i <= 6; i++) {
      const res = await new Client(hx.app, `192.0.2.${i}`).login(ADMIN.email, 'spray');
      expect(res.status, `address ${i}`).toBe(401);
    }
    const timed = async (c: Client, password = ADMIN.password) => {
      const started = Date.now();
      const res = await c.login(ADMIN.email, password);
      return { status: res.status, ms: Date.now() - started };
    };
    const more = await timed(new Client(hx.app, '192.0.2.7'), 'spray');
    expect(more.status).toBe(401);
    expect(more.ms).toBeGreaterThanOrEqual(slowDownMs);
    const admin = await timed(new Client(hx.app, ADMIN_IP));
    expect(admin.status).toBe(303);
    expect(admin.ms).toBeGreaterThanOrEqual(slowDownMs);
  });
});
