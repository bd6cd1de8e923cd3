// A person with a WhatsApp and a Messenger identity, over a real profiles process: the timeline
// across channels and its older pages, live updates from every identity on one stream (resumed
// per identity), a reply on the channel picked, and an unmerge and merge from the page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProfilesClient } from '@ue/profiles-client';
import { ActorKind, Direction, PersonRule, type User } from '@ue/proto';
import { createProfilesApi, type ProfilesApi } from '../src/clients/profiles.js';
import { BASE, buildHarness, Client, openEventStream, type Harness } from './harness.js';
import { startProfiles, webhookClient, type ProfilesProcess } from './stack.js';

const PAGE = '1029384756';
const PSID = '6500000000009999';
const WA_ID = '4915100001111';

describe('a person across channels over real profiles', () => {
  let profiles: ProfilesProcess;
  let api: ProfilesApi;
  let h: Harness;
  let c: Client;
  let hook: ReturnType<typeof webhookClient>;
  let wa: User;
  let ms: User;
  const hx = () => ({ 'X-CSRF-Token': c.csrf, 'HX-Request': 'true' });

  beforeAll(async () => {
    profiles = await startProfiles('bff_people');
    api = createProfilesApi(
      createProfilesClient({ addr: profiles.addr, token: profiles.bffToken }),
    );
    hook = webhookClient(profiles.addr, profiles.testToken);
    const now = Date.now();
    await hook.messenger({
      page: PAGE,
      psid: PSID,
      text: 'Hi via Messenger',
      at: new Date(now - 120_000),
    });
    await hook.inbound({
      waId: WA_ID,
      name: 'Lena Vogel',
      text: 'Hallo über WhatsApp',
      at: new Date(now - 60_000),
    });
    const users = (await api.listUsers({ pageSize: 50 })).users;
    wa = users.find((u) => u.waId === WA_ID)!;
    ms = users.find((u) => u.scopedId === PSID)!;
    await api.linkIdentities({
      userIds: [wa.id, ms.id],
      actor: { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol' },
      reason: 'she said so',
      rule: PersonRule.MANUAL,
      clientId: 'people-live-1',
    });
    h = await buildHarness(api, { pageSizes: { users: 10, messages: 1 } });
    c = new Client(h.app);
    await c.login();
  });
  afterAll(async () => {
    hook?.close();
    api?.close();
    await h?.close();
    await profiles?.stop();
  });

  it('shows one timeline across both channels, and pages on across them', async () => {
    const page = await (await c.request(`${BASE}/users/${wa.id}`)).text();
    expect(page).toContain('<h2 id="conv-h">Timeline across channels</h2>');
    expect(page).toContain('Person · 2 identities');
    expect(page).toContain('Hallo über WhatsApp');
    expect(page).not.toContain('Hi via Messenger');
    const older = /<div class="older" hx-get="([^"]+)"/.exec(page)?.[1]?.replace(/&amp;/g, '&');
    expect(older).toContain('scope=person');
    const rest = await (await c.request(older!)).text();
    expect(rest).toContain('Hi via Messenger');
    expect(rest).toContain('Messenger · Page …4756');
    // This conversation only: the Messenger message is not in it.
    const one = await (await c.request(`${BASE}/users/${wa.id}?timeline=conversation`)).text();
    expect(one).toContain('<h2 id="conv-h">Conversation</h2>');
    expect(one).toContain('Start of the conversation');
  });

  it("streams every identity's messages to the person's page, each resumed from its cursor", async () => {
    const open = (lastEventId?: string) =>
      openEventStream(c, `${BASE}/users/${wa.id}/events?scope=person`, lastEventId);
    const first = await open();
    await first.until('event: heartbeat');
    await hook.messenger({ page: PAGE, psid: PSID, text: 'live from Messenger' });
    const seen = await first.until('live from Messenger');
    const block = seen.slice(seen.lastIndexOf('event: message-created'));
    expect(block).toContain('Messenger · Page …4756');
    const cursor = /\nid: (.+)\n/.exec(block)?.[1] ?? '';
    expect(cursor).toMatch(new RegExp(`^(${wa.id}|${ms.id})=[^,]+,(${wa.id}|${ms.id})=`));
    await first.close();
    await hook.inbound({ waId: WA_ID, name: 'Lena Vogel', text: 'while away on WhatsApp' });
    await hook.messenger({ page: PAGE, psid: PSID, text: 'while away on Messenger' });
    const second = await open(cursor);
    await second.until('while away on WhatsApp');
    const replay = await second.until('while away on Messenger');
    expect(replay).not.toContain('live from Messenger');
    await second.close();
  });

  it('sends a reply to the identity picked in the reply box', async () => {
    const res = await c.request(`${BASE}/users/${wa.id}/reply`, {
      method: 'POST',
      headers: hx(),
      body: new URLSearchParams({ text: 'Antwort auf Messenger', to: ms.id }),
    });
    expect(await res.text()).toContain('Reply queued on Messenger · Page …4756');
    const onMessenger = (await api.listMessages({ userId: ms.id, pageSize: 50 })).messages;
    const sent = onMessenger.find((m) => m.content?.text === 'Antwort auf Messenger');
    expect(sent?.direction).toBe(Direction.OUTBOUND);
    expect(sent?.author?.displayName).toBe('Ana Admin');
    const onWhatsApp = (await api.listMessages({ userId: wa.id, pageSize: 50 })).messages;
    expect(onWhatsApp.some((m) => m.content?.text === 'Antwort auf Messenger')).toBe(false);
  });

  it('unmerges and merges again from the page, each recorded with the admin and the reason', async () => {
    const join = (await api.getPerson({ lookup: { $case: 'userId', userId: wa.id } })).person!
      .links[0]!;
    const un = await c.request(`${BASE}/users/${wa.id}/person/unlink`, {
      method: 'POST',
      headers: hx(),
      body: new URLSearchParams({ link: join.id, reason: 'two different people' }),
    });
    expect(un.status).toBe(200);
    expect(await un.text()).toContain('Unmerged:');
    const alone = (await api.getPerson({ lookup: { $case: 'userId', userId: wa.id } })).person!;
    expect(alone.identities.map((i) => i.id)).toEqual([wa.id]);
    const undone = alone.links.find((l) => l.id === join.id)!;
    expect(undone.undoneBy?.displayName).toBe('Ana Admin');
    expect(undone.undoReason).toBe('two different people');

    const again = await c.request(`${BASE}/users/${wa.id}/person/link`, {
      method: 'POST',
      headers: hx(),
      body: new URLSearchParams({ with: ms.id, source: 'search', reason: 'the same after all' }),
    });
    expect(await again.text()).toContain('Merged:');
    const joined = (await api.getPerson({ lookup: { $case: 'userId', userId: wa.id } })).person!;
    expect(joined.identities.map((i) => i.id).sort()).toEqual([wa.id, ms.id].sort());
    const link = joined.links.find((l) => !l.undoneAt && l.reason === 'the same after all');
    expect(link?.by?.kind).toBe(ActorKind.ADMIN);
    expect(link?.rule).toBe(PersonRule.MANUAL);
  });
});
