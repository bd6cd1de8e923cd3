// Pages and actions against a real profiles process over real gRPC, with data created the
// way ingest creates it (ApplyWebhookEvents).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProfilesClient } from '@ue/profiles-client';
import { createProfilesApi, type ProfilesApi } from '../src/clients/profiles.js';
import { BASE, buildHarness, Client, openEventStream, type Harness } from './harness.js';
import { startProfiles, webhookClient, type ProfilesProcess } from './stack.js';

describe('with profiles down', () => {
  it('shows a readable 503 instead of crashing, and /healthz says which dependency is missing', async () => {
    const dead = createProfilesApi(
      createProfilesClient({ addr: '127.0.0.1:1', token: 'whatever-token', deadlineMs: 500 }),
    );
    const h = await buildHarness(dead);
    const c = new Client(h.app);
    await c.login();
    const res = await c.request(`${BASE}/users`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('The profiles service is unavailable. Try again shortly.');
    const health = await c.request('/healthz');
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({
      status: 'degraded',
      checks: { profiles: 'unreachable', redis: 'ok' },
    });
    dead.close();
    await h.close();
  });
});

describe('pages over real profiles', () => {
  let profiles: ProfilesProcess;
  let api: ProfilesApi;
  let h: Harness;
  let c: Client;
  let hook: ReturnType<typeof webhookClient>;
  let joseId = '';

  beforeAll(async () => {
    profiles = await startProfiles('bff_pages');
    api = createProfilesApi(
      createProfilesClient({ addr: profiles.addr, token: profiles.bffToken }),
    );
    hook = webhookClient(profiles.addr, profiles.testToken);
    await hook.inbound({
      waId: '4915112345678',
      name: 'José Álvarez',
      text: 'Hola, quiero un presupuesto',
    });
    await hook.inbound({
      waId: '14155550123',
      name: '<script>alert(1)</script> Eve',
      text: '"><img src=x onerror=alert(1)>',
    });
    await hook.inbound({ waId: '4915112345678', name: 'José Álvarez', text: 'Segundo mensaje' });
    h = await buildHarness(api);
    c = new Client(h.app);
    await c.login();
    const found = await api.listUsers({ query: 'José' });
    joseId = found.users[0]?.id ?? '';
  });
  afterAll(async () => {
    hook?.close();
    api?.close();
    await h?.close();
    await profiles?.stop();
  });

  it('lists users with formatted phones, previews and escaped hostile names', async () => {
    const html = await (await c.request(`${BASE}/users`)).text();
    expect(html).toContain('José Álvarez');
    expect(html).toContain('+49 1511 2345678');
    expect(html).toContain('<bdi>Segundo mensaje</bdi>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Eve');
    expect(html).not.toContain('<script>alert(1)');
  });

  it('pages users and messages with keyset cursors loaded when scrolled into view', async () => {
    const small = await buildHarness(api, { pageSizes: { users: 1, messages: 1 } });
    const c = new Client(small.app);
    await c.login();
    const first = await (await c.request(`${BASE}/users`)).text();
    expect(first.match(/class="user-row"/g)).toHaveLength(1);
    const next = /<tr class="more" hx-get="([^"]+)" hx-trigger="revealed" hx-swap="outerHTML">/
      .exec(first)?.[1]
      ?.replace(/&amp;/g, '&');
    expect(next).toMatch(new RegExp(`^${BASE}/users/rows\\?page_token=`));
    const second = await (await c.request(next!)).text();
    expect(second.match(/class="user-row"/g)).toHaveLength(1);
    expect(second).not.toContain('class="more"');
    expect([first, second].join()).toContain('José Álvarez');
    expect([first, second].join()).toContain('Eve');

    const page = await (await c.request(`${BASE}/users/${joseId}`)).text();
    expect(page).toContain('Segundo mensaje');
    expect(page).not.toContain('Hola, quiero un presupuesto');
    const older = /<div class="older" hx-get="([^"]+)" hx-trigger="intersect once"/
      .exec(page)?.[1]
      ?.replace(/&amp;/g, '&');
    const olderHtml = await (await c.request(older!)).text();
    expect(olderHtml).toContain('Hola, quiero un presupuesto');
    await small.close();
  });

  it('searches by an accented name and by a phone written with +, spaces and dashes', async () => {
    const byName = await c.request(`${BASE}/users/rows?q=${encodeURIComponent('josé')}`, {
      headers: { 'HX-Request': 'true' },
    });
    const nameHtml = await byName.text();
    expect(nameHtml).toContain('José Álvarez');
    expect(nameHtml).not.toContain('Eve');
    expect(byName.headers.get('hx-replace-url')).toBe(`${BASE}/users?q=jos%C3%A9`);
    const byPhone = await (
      await c.request(`${BASE}/users/rows?q=${encodeURIComponent('+49 151-1234-5678')}`)
    ).text();
    expect(byPhone).toContain('José Álvarez');
    expect(byPhone).not.toContain('Eve');
    const none = await (await c.request(`${BASE}/users/rows?q=zzzznotthere`)).text();
    expect(none).toContain('No users match these filters.');
  });

  it('opens a user page with profile card and conversation', async () => {
    expect(joseId).not.toBe('');
    const html = await (await c.request(`${BASE}/users/${joseId}`)).text();
    expect(html).toContain('<h1 id="user-name" dir="auto">José Álvarez</h1>');
    expect(html).toContain('Segundo mensaje');
    expect(html).toContain(`sse-connect="${BASE}/users/${joseId}/events"`);
  });

  it('adds a note, a tag, a follow-up and changes the status, attributed to the admin', async () => {
    const hx = { 'X-CSRF-Token': c.csrf, 'HX-Request': 'true' };
    const note = await (
      await c.request(`${BASE}/users/${joseId}/notes`, {
        method: 'POST',
        headers: hx,
        body: new URLSearchParams({ text: 'Called <b>back</b>' }),
      })
    ).text();
    expect(note).toContain('Called &lt;b&gt;back&lt;/b&gt;');
    expect(note).toContain('Ana Admin');
    const tag = await (
      await c.request(`${BASE}/users/${joseId}/tags`, {
        method: 'POST',
        headers: hx,
        body: new URLSearchParams({ tag: 'VIP' }),
      })
    ).text();
    expect(tag).toContain('<li class="tag">vip');
    const fu = await (
      await c.request(`${BASE}/users/${joseId}/follow-ups`, {
        method: 'POST',
        headers: hx,
        body: new URLSearchParams({ text: 'Send the quote', due: '2020-01-01T09:00' }),
      })
    ).text();
    expect(fu).toContain('Send the quote');
    expect(fu).toContain('overdue since');
    const st = await (
      await c.request(`${BASE}/users/${joseId}/status`, {
        method: 'POST',
        headers: hx,
        body: new URLSearchParams({ status: '4' }),
      })
    ).text();
    expect(st).toContain('<span class="status">Quote request</span>');
    const user = (await api.getUser({ lookup: { $case: 'id', id: joseId } })).user!;
    expect(user.tags).toContain('vip');
    expect(user.statusChanged?.by?.displayName).toBe('Ana Admin');
    const filtered = await (await c.request(`${BASE}/users/rows?tag=vip&status=4`)).text();
    expect(filtered).toContain('José Álvarez');
  });

  it('pauses and resumes the agent, removes a tag and closes a follow-up', async () => {
    const hx = { 'X-CSRF-Token': c.csrf, 'HX-Request': 'true' };
    const post = async (path: string, form: Record<string, string>) =>
      (
        await c.request(`${BASE}/users/${joseId}${path}`, {
          method: 'POST',
          headers: hx,
          body: new URLSearchParams(form),
        })
      ).text();
    expect(await post('/pause', { paused: 'yes' })).toContain('Resume agent');
    expect((await api.getUser({ lookup: { $case: 'id', id: joseId } })).user?.paused).toBe(true);
    expect(await (await c.request(`${BASE}/users/rows?paused=yes`)).text()).toContain(
      'José Álvarez',
    );
    expect(await post('/pause', { paused: 'no' })).toContain('Pause agent (take over)');
    expect(await post('/tags/remove', { tag: 'vip' })).not.toContain('<li class="tag">vip');
    const log = await (await c.request(`${BASE}/users/${joseId}/log`)).text();
    const done = /hx-post="([^"]+\/done)"/.exec(log)?.[1];
    expect(done).toBeDefined();
    const after = await (await c.request(done!, { method: 'POST', headers: hx })).text();
    expect(after).toContain('done, due');
    expect(after).not.toContain('Mark done');
  });

  it('shows facts with their source and full history on demand', async () => {
    await hook.facts(joseId, [{ key: 'city', value: 'Sevilla', confidence: 0.6 }]);
    await hook.facts(joseId, [{ key: 'city', value: 'Madrid <b>', confidence: 0.9 }]);
    const page = await (await c.request(`${BASE}/users/${joseId}`)).text();
    expect(page).toMatch(
      /<span class="fact-key">city<\/span> <strong dir="auto">Madrid &lt;b&gt;<\/strong>/,
    );
    expect(page).toContain('90%');
    expect(page).toContain('Carol');
    expect(page).not.toContain('Sevilla');
    const history = await (
      await c.request(`${BASE}/users/${joseId}/facts?history=1`, {
        headers: { 'HX-Request': 'true' },
      })
    ).text();
    expect(history).toContain('Every version');
    expect(history).toContain('Sevilla');
    expect(history).toContain('Madrid &lt;b&gt;');
  });

  it('exports the filtered list as CSV with formula cells defused', async () => {
    const res = await c.request(`${BASE}/export/users.csv?q=${encodeURIComponent('Eve')}`);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const csv = await res.text();
    expect(csv.split('\n')[0]).toContain('user_id,name,phone');
    expect(csv).toContain("'+14155550123");
    expect(csv).not.toContain('José');
    const transcript = await (await c.request(`${BASE}/users/${joseId}/transcript.csv`)).text();
    expect(transcript).toContain('Hola, quiero un presupuesto');
  });

  it('answers an unknown user with a 404 page, and htmx requests with an alert fragment', async () => {
    const page = await c.request(`${BASE}/users/u_doesnotexist`);
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('<h1>Not found</h1>');
    const hx = await c.request(`${BASE}/users/u_doesnotexist/notes`, {
      method: 'POST',
      headers: { 'X-CSRF-Token': c.csrf, 'HX-Request': 'true' },
      body: new URLSearchParams({ text: '' }),
    });
    expect(hx.status).toBe(400);
    expect(hx.headers.get('hx-retarget')).toBe('#flash');
    expect(await hx.text()).toContain('text: required');
  });

  it('pushes a new message to an open page over SSE', async () => {
    const res = await c.request(`${BASE}/users/${joseId}/events`, {
      headers: { accept: 'text/event-stream' },
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    let buf = '';
    const readUntil = async (needle: string): Promise<void> => {
      while (!buf.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${needle}: ${buf}`);
        buf += dec.decode(value);
      }
    };
    // A heartbeat means the watch is running: whatever happens from here on is delivered.
    await readUntil('event: heartbeat');
    await hook.inbound({
      waId: '4915112345678',
      name: 'José Álvarez',
      text: 'Live <i>update</i> ✓',
    });
    await readUntil('Live &lt;i&gt;update&lt;/i&gt;');
    expect(buf).toContain('event: message-created');
    await reader.cancel();
  });

  it('resumes a dropped stream from Last-Event-ID without losing what happened meanwhile', async () => {
    const open = (lastEventId?: string) =>
      openEventStream(c, `${BASE}/users/${joseId}/events`, lastEventId);
    const first = await open();
    await first.until('event: heartbeat');
    await hook.inbound({ waId: '4915112345678', name: 'José Álvarez', text: 'before the drop' });
    const seen = await first.until('before the drop');
    const block = seen.slice(seen.lastIndexOf('event: message-created'));
    const cursor = /\nid: (.+)\n/.exec(block)?.[1];
    expect(cursor).toBeTruthy();
    await first.close();
    await hook.inbound({ waId: '4915112345678', name: 'José Álvarez', text: 'while disconnected' });
    const second = await open(cursor);
    const replay = await second.until('while disconnected');
    expect(replay).not.toContain('before the drop');
    await second.close();

    // A forged Last-Event-ID does not break the page: the stream starts from now.
    const forged = await open('not-a-cursor');
    await forged.until('event: heartbeat');
    await hook.inbound({ waId: '4915112345678', name: 'José Álvarez', text: 'after a forged id' });
    await forged.until('after a forged id');
    await forged.close();
  });
  it('exports everything about a user as JSON, refuses an unconfirmed erase, then erases', async () => {
    await hook.inbound({ waId: '4917099999999', name: 'Erin Erasable', text: 'Please forget me' });
    const erin = (await api.listUsers({ query: 'Erin Erasable' })).users[0]!;
    const exported = await c.request(`${BASE}/users/${erin.id}/export.json`);
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-disposition')).toContain('attachment');
    const doc = (await exported.json()) as {
      user: { id: string; profile: { name: string } };
      messages: { content: { text: string } }[];
      facts: unknown[];
      log_entries: unknown[];
    };
    expect(doc.user).toMatchObject({ id: erin.id, profile: { name: 'Erin Erasable' } });
    expect(doc.messages.map((m) => m.content.text)).toEqual(['Please forget me']);
    expect(doc.facts).toEqual([]);
    expect(doc.log_entries).toEqual([]);

    const erase = (confirm: string) =>
      c.request(`${BASE}/users/${erin.id}/erase`, {
        method: 'POST',
        headers: { 'X-CSRF-Token': c.csrf, 'HX-Request': 'true' },
        body: new URLSearchParams({ confirm }),
      });
    expect((await erase('erase')).status).toBe(400);
    expect((await api.listMessages({ userId: erin.id })).messages).toHaveLength(1);
    const done = await erase('ERASE');
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Data erased');
    expect((await api.listMessages({ userId: erin.id })).messages).toEqual([]);
    const after = (await (
      await c.request(`${BASE}/users/${erin.id}/export.json`)
    ).json()) as typeof doc;
    expect(after.messages).toEqual([]);
    expect(JSON.stringify(after)).not.toContain('Erin Erasable');
  });
});
