// Every route refuses without a session, every mutation refuses without the CSRF token, and
// login/logout/expiry behave like a user expects. Real Redis; profiles faked (no data needed).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, BASE, buildHarness, Client, type Harness } from './harness.js';
import { fakeProfiles } from './fake-profiles.js';

const PUBLIC = new Set([
  'GET /healthz',
  `GET ${BASE}/healthz`,
  `GET ${BASE}/login`,
  `POST ${BASE}/login`,
  `GET ${BASE}/static/*`,
]);

/**
 * Entries of app.routes that are middleware (`use`), not endpoints: the guards themselves and
 * the header/cache middleware. Anything else registered for ALL methods or ending in `*` would
 * escape the table below, so it must be listed here on purpose.
 */
const MIDDLEWARE = new Set([`ALL ${BASE}/media/*`, `ALL ${BASE}/*`]);

/** Every endpoint behind the session guard. A new route fails this list until it is added. */
const GUARDED = [
  `GET ${BASE}`,
  `GET ${BASE}/`,
  `GET ${BASE}/users`,
  `GET ${BASE}/users/rows`,
  `GET ${BASE}/users/u1`,
  `GET ${BASE}/users/u1/messages`,
  `GET ${BASE}/users/u1/facts`,
  `GET ${BASE}/users/u1/log`,
  `GET ${BASE}/users/u1/events`,
  `GET ${BASE}/overview`,
  `GET ${BASE}/export/users.csv`,
  `GET ${BASE}/users/u1/transcript.csv`,
  `GET ${BASE}/users/u1/export.json`,
  `POST ${BASE}/logout`,
  `POST ${BASE}/users/u1/notes`,
  `POST ${BASE}/users/u1/follow-ups`,
  `POST ${BASE}/users/u1/log/l2/done`,
  `POST ${BASE}/users/u1/tags`,
  `POST ${BASE}/users/u1/tags/remove`,
  `POST ${BASE}/users/u1/status`,
  `POST ${BASE}/users/u1/pause`,
  `POST ${BASE}/users/u1/reply`,
  `POST ${BASE}/users/u1/erase`,
  `POST ${BASE}/users/u1/review`,
  `GET ${BASE}/media/:messageId`,
  `GET ${BASE}/media/:messageId/thumb`,
  `GET ${BASE}/accounts`,
  `POST ${BASE}/accounts/u1`,
  `POST ${BASE}/users/u1/profile`,
  `GET ${BASE}/users/u1/person/candidates`,
  `POST ${BASE}/users/u1/person/link`,
  `POST ${BASE}/users/u1/person/unlink`,
];

function concrete(path: string): string {
  return path
    .replace(/:id/g, 'u1')
    .replace(/:entry/g, 'l2')
    .replace(/\*$/, '');
}

describe('route guards', () => {
  let h: Harness;
  let routes: { method: string; path: string }[];
  beforeAll(async () => {
    h = await buildHarness(fakeProfiles());
    const seen = new Set<string>();
    routes = h.app.routes
      .filter(
        (r) => r.method !== 'ALL' && !r.path.endsWith('*') && !PUBLIC.has(`${r.method} ${r.path}`),
      )
      .map((r) => ({ method: r.method, path: concrete(r.path) }))
      .filter(
        (r) => !seen.has(`${r.method} ${r.path}`) && Boolean(seen.add(`${r.method} ${r.path}`)),
      );
  });
  afterAll(() => h.close());

  it('knows every page, partial, stream, export and action, and nothing escapes the table', () => {
    const names = routes.map((r) => `${r.method} ${r.path}`);
    expect([...names].sort()).toEqual([...GUARDED].sort());
    const skipped = h.app.routes
      .map((r) => `${r.method} ${r.path}`)
      .filter((r) => !PUBLIC.has(r) && (r.startsWith('ALL ') || r.endsWith('*')));
    expect([...new Set(skipped)]).toEqual([...MIDDLEWARE]);
  });

  it('without a session: pages redirect to login, htmx requests get 401 + HX-Redirect, mutations 401', async () => {
    const anon = new Client(h.app);
    for (const r of routes) {
      const res = await anon.request(r.path, { method: r.method });
      if (r.method === 'GET') {
        expect(res.status, r.path).toBe(302);
        expect(res.headers.get('location'), r.path).toMatch(new RegExp(`^${BASE}/login`));
      } else {
        expect(res.status, `${r.method} ${r.path}`).toBe(401);
      }
      const hx = await anon.request(r.path, {
        method: r.method,
        headers: { 'HX-Request': 'true' },
      });
      expect(hx.status, `htmx ${r.path}`).toBe(401);
      expect(hx.headers.get('hx-redirect'), r.path).toBe(`${BASE}/login`);
    }
  });

  it('a forged session cookie is refused like no cookie at all', async () => {
    const forged = new Client(h.app);
    forged.cookies.set(
      'ue_session',
      'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.ZmFrZQ%3D%3D',
    );
    expect((await forged.request(`${BASE}/users`)).status).toBe(302);
  });

  it('with a session: every mutation without a valid CSRF token is rejected with 403 and does nothing', async () => {
    const profiles = fakeProfiles();
    const h2 = await buildHarness(profiles);
    const c = new Client(h2.app);
    expect((await c.login()).status).toBe(303);
    expect(c.csrf.length).toBeGreaterThan(20);
    const mutations = routes.filter((r) => r.method !== 'GET');
    expect(mutations.length).toBeGreaterThanOrEqual(8);
    for (const r of mutations) {
      const form = new URLSearchParams({
        text: 'x',
        tag: 't',
        status: '1',
        paused: 'yes',
        due: '2030-01-01T10:00',
      });
      expect((await c.request(r.path, { method: r.method, body: form })).status, r.path).toBe(403);
      expect(
        (
          await c.request(r.path, {
            method: r.method,
            body: form,
            headers: { 'X-CSRF-Token': 'wrong' },
          })
        ).status,
        r.path,
      ).toBe(403);
      form.set('_csrf', `${c.csrf}x`);
      expect((await c.request(r.path, { method: r.method, body: form })).status, r.path).toBe(403);
    }
    // A multipart reply (the one with a file) is never read before its token is checked, so
    // the token must be in the header; in the body it does not count.
    const multipart = new FormData();
    multipart.set('_csrf', c.csrf);
    multipart.set('text', 'x');
    multipart.set('file', new Blob([new Uint8Array([0xff, 0xd8, 0xff])]), 'a.jpg');
    const mp = await c.request(`${BASE}/users/u1/reply`, { method: 'POST', body: multipart });
    expect(mp.status).toBe(403);
    expect(await mp.text()).toContain('X-CSRF-Token header');
    expect(profiles.calls.filter((x) => x !== 'getUser')).toEqual([]);
    // The same request with the token goes through.
    const ok = await c.request(`${BASE}/users/u1/notes`, {
      method: 'POST',
      body: new URLSearchParams({ text: 'hi' }),
      headers: { 'X-CSRF-Token': c.csrf, 'HX-Request': 'true' },
    });
    expect(ok.status).toBe(200);
    expect(profiles.calls).toContain('addLogEntry');
    await h2.close();
  });
});

describe('login, logout and expiry', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await buildHarness(fakeProfiles(), { limits: { failuresBeforeWait: 3 } });
  });
  afterAll(() => h.close());

  it('sets a signed, HttpOnly, SameSite session cookie scoped to BASE_PATH and security headers', async () => {
    const c = new Client(h.app);
    const page = await c.request(`${BASE}/login`);
    expect(page.headers.get('content-security-policy')).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    );
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('referrer-policy')).toBe('same-origin');
    const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    const res = await c.request(`${BASE}/login`, {
      method: 'POST',
      body: new URLSearchParams({ ...ADMIN, _csrf: token, next: `${BASE}/overview` }),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${BASE}/overview`);
    const cookie = res.headers.getSetCookie().find((s) => s.startsWith('ue_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(new RegExp(`Path=${BASE}`));
    expect(cookie).not.toMatch(/Secure/);
    expect(decodeURIComponent(cookie.split(';')[0]!)).toMatch(/^ue_session=[\w-]+\.[\w+/=-]+$/);
  });

  it('marks the cookie Secure behind an HTTPS proxy', async () => {
    const c = new Client(h.app);
    const page = await c.request(`${BASE}/login`);
    const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    const res = await c.request(`${BASE}/login`, {
      method: 'POST',
      body: new URLSearchParams({ ...ADMIN, _csrf: token }),
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(res.headers.getSetCookie().find((s) => s.startsWith('ue_session='))).toMatch(/Secure/);
  });

  it('answers one generic error for a wrong password and an unknown email, then makes that address wait', async () => {
    const c = new Client(h.app);
    const wrong = await c.login(ADMIN.email, 'not the password');
    expect(wrong.status).toBe(401);
    const unknown = await c.login('nobody@example.com', 'whatever-password');
    expect(unknown.status).toBe(401);
    const [a, b] = [await wrong.text(), await unknown.text()];
    expect(a).toContain('Wrong email or password.');
    expect(b).toContain('Wrong email or password.');
    expect((await c.login(ADMIN.email, 'nope 2')).status).toBe(401);
    const third = await c.login(ADMIN.email, 'nope 3');
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('30');
    expect(await third.text()).toContain(
      'Wrong email or password. Too many failed attempts. Try again in 30 seconds.',
    );
    // From the same address even the right password waits: the wait is what stops guessing.
    const limited = await c.login(ADMIN.email, ADMIN.password);
    expect(limited.status).toBe(429);
    expect(await limited.text()).toMatch(/Too many failed attempts\. Try again in \d+ seconds?\./);
  });

  it('rejects a login post without the form token', async () => {
    const c = new Client(h.app);
    const res = await c.request(`${BASE}/login`, {
      method: 'POST',
      body: new URLSearchParams({ email: 'x@example.com', password: 'y' }),
    });
    expect(res.status).toBe(403);
  });

  it('logout ends the session for real: the old cookie no longer opens anything', async () => {
    const h2 = await buildHarness(fakeProfiles());
    const c = new Client(h2.app);
    await c.login();
    const saved = new Map(c.cookies);
    expect((await c.request(`${BASE}/users`)).status).toBe(200);
    const out = await c.request(`${BASE}/logout`, {
      method: 'POST',
      body: new URLSearchParams({ _csrf: c.csrf }),
    });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe(`${BASE}/login`);
    c.cookies = saved; // a stolen copy of the cookie
    expect((await c.request(`${BASE}/users`)).status).toBe(302);
    expect((await c.request(`${BASE}/export/users.csv`)).status).toBe(302);
    const hx = await c.request(`${BASE}/users/rows`, { headers: { 'HX-Request': 'true' } });
    expect(hx.status).toBe(401);
    expect(hx.headers.get('hx-redirect')).toBe(`${BASE}/login`);
    await h2.close();
  });

  it('answers the bare mount path with the users page, with or without a trailing slash', async () => {
    const h2 = await buildHarness(fakeProfiles());
    const c = new Client(h2.app);
    for (const path of [`${BASE}/`, BASE]) {
      const anon = await c.request(path);
      expect(anon.status, path).toBe(302);
      expect(anon.headers.get('location'), path).toMatch(new RegExp(`^${BASE}/login`));
    }
    await c.login();
    for (const path of [`${BASE}/`, BASE]) {
      const res = await c.request(path);
      expect(res.headers.get('location'), path).toBe(`${BASE}/users`);
    }
    await h2.close();
  });

  it('an expired session sends an htmx request to the login page', async () => {
    const h2 = await buildHarness(fakeProfiles(), { ttlSeconds: 60 });
    const c = new Client(h2.app);
    await c.login();
    expect(
      (await c.request(`${BASE}/users/rows`, { headers: { 'HX-Request': 'true' } })).status,
    ).toBe(200);
    // Expire it the way Redis would.
    for (const key of await h2.redis.keys(`${h2.prefix}session:*`)) await h2.redis.pexpire(key, 1);
    await new Promise((r) => setTimeout(r, 20));
    const res = await c.request(`${BASE}/users/rows`, { headers: { 'HX-Request': 'true' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('hx-redirect')).toBe(`${BASE}/login`);
    await h2.close();
  });
});
