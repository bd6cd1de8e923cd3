// Accounts and people through the bff's routes, over real Redis sessions and a fake profiles:
// what each action sends (attributed to the admin), what it refuses before sending, and how
// profiles' refusals come back to the form they belong to.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@ue/kit';
import { ActorKind, PersonRule } from '@ue/proto';
import { fakeProfiles, type FakeOptions } from './fake-profiles.js';
import { hostilePerson, hostileUser, messengerIdentity } from './fixtures.js';
import { BASE, buildHarness, Client } from './harness.js';

const ADMIN_ACTOR = { kind: ActorKind.ADMIN, displayName: 'Ana Admin' };

async function session(opts: FakeOptions = {}) {
  const profiles = fakeProfiles([hostileUser({ personId: 'p1' })], {
    people: [hostilePerson()],
    ...opts,
  });
  const h = await buildHarness(profiles);
  const c = new Client(h.app);
  await c.login();
  const post = (path: string, form: Record<string, string>) =>
    c.request(`${BASE}${path}`, {
      method: 'POST',
      headers: { 'X-CSRF-Token': c.csrf, 'HX-Request': 'true' },
      body: new URLSearchParams(form),
    });
  return { profiles, h, c, post };
}

describe('person actions', () => {
  let s: Awaited<ReturnType<typeof session>>;
  beforeAll(async () => {
    s = await session();
  });
  afterAll(() => s.h.close());

  it('shows the person panel and the timeline across channels on the user page', async () => {
    const html = await (await s.c.request(`${BASE}/users/u1`)).text();
    expect(html).toContain('Person · 2 identities');
    expect(html).toContain(`sse-connect="${BASE}/users/u1/events?scope=person"`);
    expect(html).toContain('<div id="announce" class="sr-only" role="status" aria-live="polite">');
  });

  it('refuses a merge without a reason before asking profiles', async () => {
    const res = await s.post('/users/u1/person/link', {
      with: 'u3',
      source: 'suggestion',
      reason: '   ',
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('Say why: the reason is kept with the change.');
    expect(html).toContain('id="reason-link_u3-error"');
    expect(s.profiles.requests.linkIdentities).toEqual([]);
  });

  it('merges a suggestion with the rule profiles suggested, attributed to the admin', async () => {
    const res = await s.post('/users/u1/person/link', {
      with: 'u3',
      source: 'suggestion',
      reason: 'same email in facts',
      // What a crafted form claims is ignored: the rule is the suggestion's.
      rule: String(PersonRule.SAME_PHONE),
    });
    expect(res.status).toBe(200);
    const req = s.profiles.requests.linkIdentities.at(-1)!;
    expect(req).toMatchObject({
      userIds: ['u1', 'u3'],
      reason: 'same email in facts',
      rule: PersonRule.PHONE_IN_FACTS,
      actor: ADMIN_ACTOR,
      clientId: 'merge:p1:u3:2',
    });
    const html = await res.text();
    expect(html).toContain('<div id="announce" hx-swap-oob="innerHTML">Merged:');
    expect(html).toContain('<h2 id="person-h">');
  });

  it('merges a conversation found by search as a manual join, and refuses one not picked', async () => {
    await s.post('/users/u1/person/link', { with: 'u7', source: 'search', reason: 'she said so' });
    expect(s.profiles.requests.linkIdentities.at(-1)).toMatchObject({
      userIds: ['u1', 'u7'],
      rule: PersonRule.MANUAL,
    });
    const before = s.profiles.requests.linkIdentities.length;
    const none = await s.post('/users/u1/person/link', { source: 'search', reason: 'x' });
    expect(none.status).toBe(400);
    expect(await none.text()).toContain('Pick the conversation to merge with.');
    expect(s.profiles.requests.linkIdentities).toHaveLength(before);
    // Already one person: nothing to do.
    const same = await s.post('/users/u1/person/link', {
      with: 'u2',
      source: 'search',
      reason: 'x',
    });
    expect(await same.text()).toContain('They are one person already.');
    expect(s.profiles.requests.linkIdentities).toHaveLength(before);
  });

  it('unmerges one join and splits one identity off, each with its reason', async () => {
    const missing = await s.post('/users/u1/person/unlink', { link: 'l-active', reason: '' });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toMatch(
      /<details class="person-action" open="">\s*<summary>Unmerge/,
    );
    expect(s.profiles.requests.unlinkIdentities).toEqual([]);
    await s.post('/users/u1/person/unlink', { link: 'l-active', reason: 'two different Lenas' });
    await s.post('/users/u1/person/unlink', { split: 'u2', reason: 'shared phone' });
    expect(s.profiles.requests.unlinkIdentities).toHaveLength(2);
    const [undo, split] = s.profiles.requests.unlinkIdentities;
    expect(undo).toMatchObject({
      target: { $case: 'linkId', linkId: 'l-active' },
      actor: ADMIN_ACTOR,
      reason: 'two different Lenas',
    });
    expect(split).toMatchObject({
      target: { $case: 'userId', userId: 'u2' },
      actor: ADMIN_ACTOR,
      reason: 'shared phone',
    });
  });

  it('shows profiles refusing a join at the form it came from', async () => {
    const r = await session({
      fail: { unlinkIdentities: new AppError('FAILED_PRECONDITION', 'already undone') },
    });
    const res = await r.post('/users/u1/person/unlink', { link: 'l-active', reason: 'why' });
    expect(res.status).toBe(409);
    const html = await res.text();
    expect(html).toContain('<p class="error-text small" id="reason-unlink_l-active-error">');
    expect(html).toContain('Not done: already undone');
    await r.h.close();
  });

  it('finds merge candidates with the users search, leaving out the person’s own identities', async () => {
    const html = await (
      await s.c.request(`${BASE}/users/u1/person/candidates?q=lena`, {
        headers: { 'HX-Request': 'true' },
      })
    ).text();
    // The fake lists only u1, which is this page's own identity.
    expect(html).toContain('No other conversation matches.');
    expect(s.profiles.requests.listUsers.at(-1)).toMatchObject({ query: 'lena' });
  });

  it('sends a reply to the identity picked, and nowhere outside the person', async () => {
    // Both windows open now (the fixtures' clock is fixed in the past).
    const open = { serviceWindowExpiresAt: new Date(Date.now() + 3600_000) };
    const person = hostilePerson();
    person.identities = [messengerIdentity(open), hostileUser({ personId: 'p1', ...open })];
    const r = await session({ people: [person] });
    const reply = (to: string) =>
      r.post('/users/u1/reply', { text: 'Hallo Lena', to }).then((res) => res.text());
    const html = await reply('u2');
    expect(r.profiles.requests.sendMessage.at(-1)).toMatchObject({
      userId: 'u2',
      author: ADMIN_ACTOR,
    });
    expect(html).toContain('Reply queued on Messenger · Page …9900.');
    // The picker stays on the identity just written to.
    expect(html).toContain('<input type="radio" name="to" value="u2" checked=""/>');
    const sent = r.profiles.requests.sendMessage.length;
    expect(await reply('u9')).toContain('Not sent: to: not an identity of this person');
    expect(r.profiles.requests.sendMessage).toHaveLength(sent);
    await r.h.close();
  });

  it('says when profiles sent with the HUMAN_AGENT tag', async () => {
    const late = messengerIdentity({ serviceWindowExpiresAt: new Date(Date.now() - 3600_000) });
    const person = hostilePerson();
    person.identities[0] = late;
    const r = await session({ people: [person] });
    const html = await (await r.post('/users/u1/reply', { text: 'hi', to: 'u2' })).text();
    expect(html).toContain('(sent with the HUMAN_AGENT tag)');
    await r.h.close();
  });

  it('corrects the name and email of the identity viewed, only what changed', async () => {
    await s.post('/users/u1/profile', { display_name: 'Lena Vogel', email: '' });
    expect(s.profiles.requests.updateUser.at(-1)).toMatchObject({
      userId: 'u1',
      displayName: 'Lena Vogel',
      actor: ADMIN_ACTOR,
    });
    expect(s.profiles.requests.updateUser.at(-1)).toHaveProperty('email', '');
    const bad = await s.post('/users/u1/profile', { display_name: '', email: 'not-an-email' });
    expect(bad.status).toBe(400);
  });
});

describe('accounts', () => {
  let s: Awaited<ReturnType<typeof session>>;
  beforeAll(async () => {
    s = await session();
  });
  afterAll(() => s.h.close());

  it('lists the accounts in the nav and on their page, by name', async () => {
    const html = await (await s.c.request(`${BASE}/accounts`)).text();
    expect(html).toContain('<h1>Accounts</h1>');
    expect(html).toContain('Page …9900');
    expect(html).toContain('<code>WHATSAPP_TOKEN_BERLIN</code>');
  });

  it('saves an account as the admin and says so', async () => {
    const res = await s.post('/accounts/556677889900', {
      name: 'Acme Page',
      business_id: 'acme',
      credentials_ref: 'MESSENGER_PAGE_TOKEN_ACME',
      messages_days: '30',
      media_days: '7',
      deliveries_days: '',
      review_texts_days: '90',
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<p class="notice small" role="status">Saved.</p>');
    expect(html).toContain('Acme Page');
    expect(s.profiles.requests.updateAccount.at(-1)).toMatchObject({
      accountId: '556677889900',
      actor: ADMIN_ACTOR,
      name: 'Acme Page',
      businessId: 'acme',
      credentialsRef: 'MESSENGER_PAGE_TOKEN_ACME',
      retention: { messagesDays: 30, mediaDays: 7, deliveriesDays: 0, reviewTextsDays: 90 },
    });
  });

  it('refuses a bad value before asking profiles, next to its field', async () => {
    const before = s.profiles.requests.updateAccount.length;
    const res = await s.post('/accounts/556677889900', { messages_days: 'forever' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('id="account-556677889900-messages_days-error"');
    expect(s.profiles.requests.updateAccount).toHaveLength(before);
    expect((await s.post('/accounts/nope', { name: 'x' })).status).toBe(404);
  });

  it("shows profiles' INVALID_ARGUMENT next to the field it names", async () => {
    const r = await session({
      fail: { updateAccount: AppError.invalid('retention.media_days', 'longer than messages') },
    });
    const res = await r.post('/accounts/100200300', { media_days: '400', messages_days: '30' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain(
      '<span class="error-text small" id="account-100200300-media_days-error">longer than messages</span>',
    );
    expect(html).toMatch(/name="media_days" value="400"/);
    await r.h.close();
  });

  it('exports channel and account name columns in the users CSV', async () => {
    const csv = await (await s.c.request(`${BASE}/export/users.csv`)).text();
    const [header, row] = csv.split('\n');
    expect(header).toContain('user_id,name,phone,email,channel,account,account_id,status');
    expect(row).toContain(',WhatsApp,');
    expect(row).toContain('Berlin store",100200300,');
  });
});
