// Accounts, channels and people in the pages: labels that never show a raw id alone, labelled
// channel icons, the people rows, every state of the person panel, the reply box's channel
// picker and retention notices, all with hostile names and reasons rendered as text.
import { describe, expect, it } from 'vitest';
import {
  Account,
  ActorKind,
  Channel,
  Direction,
  MediaState,
  Message,
  MessageType,
  Person,
  PersonRule,
  type RetentionPolicy,
} from '@ue/proto';
import {
  HOSTILE,
  hostileAccounts,
  hostileFacts,
  hostileLog,
  hostileMessages,
  hostilePerson,
  hostileUser,
  messengerIdentity,
  NOW,
} from '../../test/fixtures.js';
import { assertInert, render } from '../../test/html.js';
import { parseUsersQuery } from '../routes/users-query.js';
import { accountLabel, retentionNotice, retentionSummary, sourceLabel } from './accounts-format.js';
import { AccountCard, AccountsPage, healthState } from './accounts-page.js';
import { ChannelIcon } from './channel-icon.js';
import { MessageBubble } from './message-bubble.js';
import type { ViewCtx } from './context.js';
import { MergeCandidates, PersonPanel, type PersonModel } from './person-panel.js';
import { ReplyForm, UserPage } from './user-page.js';
import { UserRows, UsersPage } from './users-page.js';

const accounts = new Map(hostileAccounts().map((a) => [a.id, a]));
const ctx: ViewCtx = {
  base: '/dev/ue',
  csrf: 'tok_ABC-123',
  adminName: 'Ana',
  timeZone: 'Europe/Berlin',
  now: NOW,
  accounts,
};
const ago = (min: number): Date => new Date(NOW.getTime() - min * 60_000);
const model = (person: Person = hostilePerson()): PersonModel => ({
  person,
  others: new Map([['u3', hostileUser({ id: 'u3', profile: { name: 'Lena from facts' } })]]),
});
/** The text a reader sees (markup dropped, spaces collapsed, apostrophes as typed). */
const text = (html: string): string =>
  html
    .replace(/<[^>]+>/g, '')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ');

describe('account labels', () => {
  it('uses the name, else the display id, else the kind of account and its last digits', () => {
    const [berlin, page, insta] = hostileAccounts();
    expect(accountLabel({ accountId: berlin!.id, channel: Channel.WHATSAPP }, accounts)).toBe(
      `${HOSTILE} Berlin store`,
    );
    expect(accountLabel({ accountId: page!.id, channel: Channel.UNSPECIFIED }, accounts)).toBe(
      'Page …9900',
    );
    expect(accountLabel({ accountId: insta!.id, channel: Channel.INSTAGRAM }, accounts)).toBe(
      '@acme<b>shop</b>',
    );
    // Not listed (ListAccounts failed or the account is new): the identity's channel says what it is.
    const none = new Map();
    expect(accountLabel({ accountId: '100200300', channel: Channel.UNSPECIFIED }, none)).toBe(
      'WhatsApp number …0300',
    );
    expect(accountLabel({ accountId: '12345678', channel: Channel.INSTAGRAM }, undefined)).toBe(
      'Instagram account …5678',
    );
    expect(accountLabel({ accountId: '', channel: Channel.MESSENGER }, undefined)).toBe(
      'Unknown account',
    );
    expect(sourceLabel({ accountId: page!.id, channel: Channel.WHATSAPP }, accounts)).toBe(
      'Messenger · Page …9900',
    );
    // WhatsApp's display number comes without "+": it is written as a phone.
    const wa = Account.fromPartial({
      id: '117',
      channel: Channel.WHATSAPP,
      displayId: '15550123401',
    });
    expect(
      accountLabel({ accountId: '117', channel: Channel.WHATSAPP }, new Map([['117', wa]])),
    ).toBe('+1 555 012 3401');
  });
});

describe('channel icons', () => {
  it('label each channel for assistive technology and as a tooltip, or hide next to its name', async () => {
    for (const [c, name] of [
      [Channel.WHATSAPP, 'WhatsApp'],
      [Channel.UNSPECIFIED, 'WhatsApp'],
      [Channel.MESSENGER, 'Messenger'],
      [Channel.INSTAGRAM, 'Instagram'],
    ] as const) {
      const svg = await render(<ChannelIcon channel={c} />);
      expect(svg).toContain(`role="img" aria-label="${name}"`);
      expect(svg).toContain(`<title>${name}</title>`);
      expect(svg).toMatch(/^<svg class="ch-icon ch-[a-z]+" viewBox="0 0 16 16"/);
    }
    const hidden = await render(<ChannelIcon channel={Channel.MESSENGER} decorative={true} />);
    expect(hidden).toContain('aria-hidden="true"');
    expect(hidden).not.toContain('<title>');
  });
});

describe('users list', () => {
  it('shows a person row with one icon per channel and its number of identities', async () => {
    const row = hostileUser({
      personChannels: [Channel.WHATSAPP, Channel.MESSENGER, Channel.INSTAGRAM],
      personIdentities: 3,
    });
    const html = await render(<UserRows users={[row]} ctx={ctx} first={true} />);
    expect(html).toContain('href="/dev/ue/users/u1"');
    const marks = html.slice(html.indexOf('person-marks')).split('</td>')[0]!;
    expect(marks.match(/role="img" aria-label="(\w+)"/g)).toEqual([
      'role="img" aria-label="WhatsApp"',
      'role="img" aria-label="Messenger"',
      'role="img" aria-label="Instagram"',
    ]);
    expect(html).toContain('3 identities');
    // The account column names the account, never its raw id alone.
    expect(text(html)).toContain('&lt;script&gt;');
    expect(html).not.toMatch(/>100200300</);
    const single = await render(<UserRows users={[hostileUser()]} ctx={ctx} first={true} />);
    expect(single).not.toContain('identities');
  });

  it('keeps the people toggle and the channel filter in the filter form', async () => {
    const q = parseUsersQuery((n) => ({ view: 'people', channel: 'instagram', account: '9' })[n]);
    const html = await render(<UsersPage q={q} users={[]} ctx={ctx} />);
    expect(html).toMatch(/<input type="radio" name="view" value="people" checked=""/);
    expect(html).toMatch(/<option value="instagram" selected="">Instagram<\/option>/);
    // An account in the URL that profiles does not list still gets a label, not its id alone.
    expect(html).toContain('<option value="9" selected="">WhatsApp number …9</option>');
    expect(html).toContain('<option value="556677889900">Messenger · Page …9900</option>');
    assertInert(await render(<UsersPage q={q} users={[hostileUser()]} ctx={ctx} />));
  });
});

describe('person panel', () => {
  it('renders identities, sources, suggestions and history inert', async () => {
    assertInert(await render(<PersonPanel user={hostileUser()} model={model()} ctx={ctx} />));
  });

  it('lists each identity with its account, masked scoped id and a link to its own page', async () => {
    const html = await render(<PersonPanel user={hostileUser()} model={model()} ctx={ctx} />);
    expect(html).toContain('Person · 2 identities');
    expect(html).toContain('<a href="/dev/ue/users/u2" dir="auto">Lena V.</a>');
    expect(html).toMatch(/<a href="\/dev\/ue\/users\/u1" aria-current="page"/);
    expect(text(html)).toContain('Messenger · Page …9900 · ID …2468');
    expect(html).not.toContain('24680135792468');
    expect(text(html)).toContain('+49 1511 2345678');
  });

  it('shows each profile value with the identity it comes from', async () => {
    const html = text(await render(<PersonPanel user={hostileUser()} model={model()} ctx={ctx} />));
    expect(html).toContain('Lena V. — Messenger · Page …9900');
    expect(html).toContain('lena@example.com — Messenger · Page …9900');
    expect(html).toContain('&quot;&gt;&lt;script&gt;x&lt;/script&gt;@evil.test — WhatsApp ·');
  });

  it('offers Unmerge for an active join, strikes an undone one through with who undid it', async () => {
    const html = await render(<PersonPanel user={hostileUser()} model={model()} ctx={ctx} />);
    expect(html.match(/<summary>Unmerge…<\/summary>/g)).toHaveLength(1);
    expect(html).toContain('<input type="hidden" name="link" value="l-active"/>');
    expect(html).not.toContain('value="l-undone"');
    const undone = html.slice(html.indexOf('class="link undone"'));
    expect(undone).toMatch(/^class="link undone"><p><del>Joined /);
    expect(text(undone)).toContain('Undone by Ben Admin');
    expect(text(undone)).toContain('“not the same &lt;script&gt;');
    // Every reason field is required and the forms redraw the page body.
    expect(html).toMatch(
      /<textarea id="reason-unlink_l-active" name="reason" rows="2" required=""/,
    );
    expect(html).toContain('hx-post="/dev/ue/users/u1/person/unlink" hx-target="#main"');
  });

  it('offers Split off for an identity joined automatically', async () => {
    const p = hostilePerson();
    // As profiles derives it from the phone: no person it came from, nothing to unmerge by id.
    Object.assign(p.links[0]!, {
      rule: PersonRule.SAME_PHONE,
      by: { kind: ActorKind.SYSTEM, id: '', displayName: '' },
      fromPersonId: '',
    });
    const html = await render(<PersonPanel user={hostileUser()} model={model(p)} ctx={ctx} />);
    expect(html).toContain('<input type="hidden" name="split" value="u2"/>');
    expect(text(html)).toContain('same phone (automatic) · by the system');
    expect(html).not.toContain('<summary>Unmerge…</summary>');
    const plain = await render(<PersonPanel user={hostileUser()} model={model()} ctx={ctx} />);
    expect(plain).not.toContain('name="split"');
  });

  it('offers a suggested merge with its reason prefilled and the suggested user named', async () => {
    const html = await render(<PersonPanel user={hostileUser()} model={model()} ctx={ctx} />);
    const s = html.slice(html.indexOf('class="suggestions"'));
    expect(text(s)).toContain('Lena from facts');
    expect(text(s)).toContain('phone in facts:');
    expect(s).toContain('<input type="hidden" name="with" value="u3"/>');
    expect(s).toContain('<input type="hidden" name="source" value="suggestion"/>');
    expect(s).toMatch(/<textarea [^>]*>&lt;script&gt;alert\(&quot;xss&quot;\)/);
  });

  it('shows a refused action at its own form, with what the admin wrote', async () => {
    const html = await render(
      <PersonPanel
        user={hostileUser()}
        model={model()}
        ctx={ctx}
        state={{ form: 'unlink:l-active', error: 'Say why.', reason: '<b>because</b>' }}
      />,
    );
    expect(html).toContain('aria-invalid="true" aria-describedby="reason-unlink_l-active-error"');
    expect(html).toContain(
      '<p class="error-text small" id="reason-unlink_l-active-error">Say why.</p>',
    );
    expect(html).toContain('&lt;b&gt;because&lt;/b&gt;</textarea>');
    expect(html).toMatch(/<details class="person-action" open="">\s*<summary>Unmerge…/);
  });

  it('is a compact "merge by hand" box for one identity without suggestions', async () => {
    const alone = Person.fromPartial({ id: 'p', identities: [hostileUser()] });
    const html = await render(
      <PersonPanel user={hostileUser()} model={{ person: alone, others: new Map() }} ctx={ctx} />,
    );
    expect(html).toContain('Same person on another channel?');
    expect(html).toContain('Merge with another conversation…');
    expect(html).not.toContain('Person ·');
  });

  it('lists merge candidates as labelled choices', async () => {
    const html = await render(
      <MergeCandidates users={[messengerIdentity()]} ctx={ctx} searched={true} />,
    );
    expect(html).toContain('<input type="radio" name="with" value="u2" required=""/>');
    expect(text(html)).toContain('Lena V. · Messenger · Page …9900 · ID …2468');
    const none = await render(<MergeCandidates users={[]} ctx={ctx} searched={true} />);
    expect(none).toContain('No other conversation matches.');
  });
});

describe('user page across channels', () => {
  const page = (timeline: 'person' | 'conversation') =>
    render(
      <UserPage
        user={hostileUser({ personId: 'p1' })}
        facts={hostileFacts()}
        log={hostileLog()}
        messages={[
          ...hostileMessages().slice(0, 2),
          { ...hostileMessages()[0]!, id: 'mx', userId: 'u2', accountId: '556677889900' },
        ]}
        reviews={[]}
        person={model()}
        timeline={timeline}
        ctx={ctx}
      />,
    );

  it('marks each message of the timeline with its channel and account', async () => {
    const html = await page('person');
    assertInert(html);
    expect(html).toContain('sse-connect="/dev/ue/users/u1/events?scope=person"');
    expect(html).toContain('<h2 id="conv-h">Timeline across channels</h2>');
    expect(html).toMatch(/<a href="\/dev\/ue\/users\/u1" aria-current="page">All channels<\/a>/);
    const bubble = (id: string) =>
      text(html.slice(html.indexOf(`id="msg-${id}"`)).split('</article>')[0]!);
    expect(bubble('mx')).toContain('Messenger · Page …9900');
    expect(bubble('m1')).toContain('WhatsApp · &lt;script&gt;');
  });

  it('shows one conversation without marks when asked, and says what an edit applies to', async () => {
    const html = await page('conversation');
    expect(html).toContain('sse-connect="/dev/ue/users/u1/events"');
    expect(html).toMatch(/aria-current="page">This conversation<\/a>/);
    expect(html.slice(html.indexOf('id="msg-m1"')).split('</article>')[0]).not.toContain(
      'source-account',
    );
    expect(text(html)).toContain('Editing WhatsApp · &lt;script&gt;');
    expect(text(html)).toContain('changes apply to this conversation only');
  });

  it('says which account does not keep old messages', async () => {
    const html = text(await page('person'));
    expect(html).toContain(
      'Messages older than 30 days are not kept for this account. Media files older than 7 days are removed.',
    );
    // The Page keeps everything: no line for it.
    expect(html.match(/not kept for this account/g)).toHaveLength(1);
  });
});

describe('reply box', () => {
  const whatsapp = hostileUser({ personId: 'p1', lastInboundAt: ago(30) });
  const messenger = messengerIdentity({ lastInboundAt: ago(2) });

  it('offers the reachable identities and picks the one the person last wrote from', async () => {
    const html = await render(
      <ReplyForm user={whatsapp} identities={[whatsapp, messenger]} ctx={ctx} />,
    );
    assertInert(html);
    expect(html).toContain('<legend>Reply on</legend>');
    expect(html).toContain('<input type="radio" name="to" value="u2" checked=""/>');
    expect(html).toContain('<input type="radio" name="to" value="u1"/>');
    expect(text(html)).toContain('window closes in 2 hr.');
  });

  it('preselects the viewed identity in "This conversation" when it can get a message', async () => {
    const html = await render(
      <ReplyForm user={whatsapp} identities={[whatsapp, messenger]} preferred="u1" ctx={ctx} />,
    );
    expect(html).toContain('<input type="radio" name="to" value="u1" checked=""/>');
  });

  it('says a Messenger reply after 24 hours goes with the HUMAN_AGENT tag, within 7 days', async () => {
    const late = messengerIdentity({
      lastInboundAt: ago(3 * 24 * 60),
      serviceWindowExpiresAt: ago(2 * 24 * 60),
    });
    const closedWa = hostileUser({ serviceWindowExpiresAt: ago(60) });
    const html = await render(
      <ReplyForm user={closedWa} identities={[closedWa, late]} ctx={ctx} />,
    );
    expect(html).toContain('<input type="radio" name="to" value="u2" checked=""/>');
    expect(text(html)).toContain('— sent with the HUMAN_AGENT tag');
    expect(text(html)).toContain('Closed now: WhatsApp · &lt;script&gt;');
    expect(html).not.toMatch(/<textarea[^>]*disabled/);
    const alone = await render(<ReplyForm user={late} ctx={ctx} />);
    expect(text(alone)).toContain('a reply is sent with the HUMAN_AGENT tag');
  });

  it('closes with a clear note when no identity can get a message', async () => {
    const gone = messengerIdentity({
      lastInboundAt: ago(8 * 24 * 60),
      serviceWindowExpiresAt: ago(7 * 24 * 60),
    });
    const closedWa = hostileUser({ serviceWindowExpiresAt: ago(60) });
    const html = await render(
      <ReplyForm user={closedWa} identities={[closedWa, gone]} ctx={ctx} />,
    );
    expect(html).toMatch(/<textarea[^>]*disabled/);
    expect(html).not.toContain('name="to"');
    expect(text(html)).toContain('no channel of this person can get a message now');
    // One WhatsApp conversation closes exactly as before.
    const one = await render(<ReplyForm user={closedWa} ctx={ctx} />);
    expect(text(one)).toContain('24-hour window closed after the last message from this user');
  });
});

describe('retention and the accounts page', () => {
  const policy = (p: Partial<RetentionPolicy>): RetentionPolicy => ({
    messagesDays: 0,
    mediaDays: 0,
    deliveriesDays: 0,
    reviewTextsDays: 0,
    ...p,
  });

  it('says what a policy keeps, in one line per account', () => {
    expect(retentionNotice(policy({}))).toBeUndefined();
    expect(retentionNotice(policy({ deliveriesDays: 3 }))).toBeUndefined();
    expect(retentionNotice(policy({ messagesDays: 1 }))).toBe(
      'Messages older than 1 day are not kept for this account.',
    );
    expect(retentionNotice(policy({ messagesDays: 30, mediaDays: 7, reviewTextsDays: 90 }))).toBe(
      'Messages older than 30 days are not kept for this account. Media files older than 7 days and review texts older than 90 days are removed.',
    );
    expect(retentionSummary(policy({ messagesDays: 30 }))).toEqual([
      ['messages', '30 days'],
      ['media', 'kept'],
      ['raw deliveries', 'kept'],
      ['review texts', 'kept'],
    ]);
  });

  it("says a file was removed by the account's policy, after how many days", async () => {
    const expired = (accountId: string) =>
      render(
        <MessageBubble
          m={Message.fromPartial({
            id: 'mm',
            accountId,
            direction: Direction.INBOUND,
            content: {
              type: MessageType.IMAGE,
              text: 'caption stays',
              media: { filename: 'a.jpg', stored: { state: MediaState.EXPIRED } },
            },
          })}
          ctx={ctx}
        />,
      );
    const html = text(await expired('100200300'));
    expect(html).toContain(
      "Image · a.jpg: removed after 7 days by this account's retention policy",
    );
    expect(html).toContain('caption stays');
    expect(text(await expired('556677889900'))).toContain(
      "a.jpg: removed by this account's retention policy",
    );
  });

  it('tells no delivery yet, healthy and an error newer than the last delivery apart', () => {
    expect(healthState(undefined)).toBe('none');
    expect(healthState({ lastDeliveryAt: ago(1), lastErrorAt: ago(5), lastError: 'x' })).toBe(
      'healthy',
    );
    expect(healthState({ lastDeliveryAt: ago(5), lastErrorAt: ago(1), lastError: 'x' })).toBe(
      'error',
    );
    expect(healthState({ lastDeliveryAt: undefined, lastErrorAt: ago(1), lastError: '' })).toBe(
      'error',
    );
  });

  it('says which people rules run, the automatic one and each suggestion', async () => {
    const on = text(
      await render(
        <AccountsPage
          accounts={hostileAccounts()}
          rules={{ samePhoneJoin: true, suggestSameEmail: false, suggestPhoneInFacts: true }}
          ctx={ctx}
        />,
      ),
    );
    expect(on).toContain('How conversations become one person');
    expect(on).toMatch(/Same phone on WhatsApp numbers of one business\s*joined automatically/);
    expect(on).toMatch(/Same email in profiles or facts\s*off/);
    expect(on).toMatch(/equal to another conversation’s phone\s*suggested to an admin/);
    const none = text(await render(<AccountsPage accounts={[]} ctx={ctx} />));
    expect(none).not.toContain('How conversations become one person');
  });

  it('renders every account with counts, health, retention and credentials reference, inert', async () => {
    const html = await render(<AccountsPage accounts={hostileAccounts()} ctx={ctx} />);
    assertInert(html);
    const t = text(html);
    expect(t).toContain('1234 received · 567 sent');
    expect(t).toContain('Error');
    expect(t).toMatch(/Last delivery 21 Nov 2026, 12:57 CET \(3 min\. ago\)/);
    expect(t).toContain('Last error 21 Nov 2026, 12:58 CET (2 min. ago): &lt;script&gt;');
    expect(t).toContain('messages: 30 days');
    expect(t).toContain('raw deliveries: kept');
    expect(t).toContain('Messages older than 30 days are not kept for this account.');
    expect(html).toContain('<code>WHATSAPP_TOKEN_BERLIN</code>');
    expect(t).toContain('No delivery yet');
    expect(t).toContain('Healthy');
    expect(html).toContain('<h2 id="account-556677889900-h" dir="auto">Page …9900</h2>');
    expect(html).toContain('hx-post="/dev/ue/accounts/556677889900"');
    expect(html).toMatch(/<nav aria-label="Main">[\s\S]*aria-current="page">\s*Accounts/);
  });

  it('shows a refused value next to its field and keeps what the admin typed', async () => {
    const [berlin] = hostileAccounts();
    const html = await render(
      <AccountCard
        account={berlin!}
        form={{
          name: '<i>new</i>',
          business_id: '',
          credentials_ref: 'X',
          messages_days: '-3',
          media_days: '0',
          deliveries_days: '0',
          review_texts_days: '0',
        }}
        errors={{ messages_days: 'a whole number <b>' }}
        ctx={ctx}
      />,
    );
    assertInert(html.replace('<h2', '<h2 data-x="&lt;script&gt;"'));
    expect(html).toContain('<details class="account-edit" open="">');
    expect(html).toMatch(
      /name="messages_days" value="-3"[^>]*aria-invalid="true" aria-describedby="account-100200300-messages_days-error"/,
    );
    expect(html).toContain(
      '<span class="error-text small" id="account-100200300-messages_days-error">a whole number &lt;b&gt;</span>',
    );
    expect(html).toContain('value="&lt;i&gt;new&lt;/i&gt;"');
  });
});
