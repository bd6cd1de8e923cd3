// Every page and partial rendered with hostile data: what users wrote comes out as text,
// never as markup, script, event handler or javascript: link.
import { describe, expect, it } from 'vitest';
import { Fact, GetStatsResponse, LogEntry, UserStatus } from '@ue/proto';
import {
  HOSTILE,
  hostileFacts,
  hostileLog,
  hostileMessages,
  hostileReviews,
  hostileReviewSummary,
  hostileUser,
  NOW,
} from '../../test/fixtures.js';
import { assertInert, render } from '../../test/html.js';
import type { ViewCtx } from './context.js';
import { LoginPage } from './login-page.js';
import { MessageBubble } from './message-bubble.js';
import { OverviewPage } from './overview-page.js';
import {
  FactsSection,
  LogSection,
  OlderMessages,
  ReplyForm,
  ReviewSection,
  UserCard,
  UserPage,
} from './user-page.js';
import { UserRows, UsersPage } from './users-page.js';
import { parseUsersQuery } from '../routes/users-query.js';

const ctx: ViewCtx = {
  base: '/dev/ue',
  csrf: 'tok_ABC-123',
  adminName: HOSTILE,
  timeZone: 'Europe/Berlin',
  now: NOW,
};

const hostileQuery = parseUsersQuery((n) => ({ q: HOSTILE, tag: '"><script>', account: '<x>' })[n]);

const HOSTILE_STATS = GetStatsResponse.fromPartial({
  series: [{ bucketStart: NOW, inboundMessages: 3 }],
  statusMix: [{ status: UserStatus.SPAM, users: 2 }],
  totals: { users: 2 },
  reviews: {
    reviewedUsers: 5,
    pendingUsers: 2,
    scoreBands: [1, 0, 0, 1, 0, 0, 1, 0, 1, 1],
    positive: 2,
    neutral: 1,
    negative: 2,
    series: [{ bucketStart: NOW, reviews: 3, meanScore: 61.4, negative: 1 }],
  },
});

describe('views with hostile data', () => {
  const user = hostileUser({ review: hostileReviewSummary() });
  const cases: [string, () => unknown][] = [
    [
      'login page',
      () => <LoginPage base="/dev/ue" csrf="c" email={HOSTILE} error={HOSTILE} next={HOSTILE} />,
    ],
    [
      'users page',
      () => (
        <UsersPage
          q={hostileQuery}
          users={[user, hostileUser({ id: 'u2', paused: true })]}
          nextUrl="/dev/ue/users/rows?page_token=x"
          ctx={ctx}
        />
      ),
    ],
    ['user rows partial', () => <UserRows users={[user]} ctx={ctx} first={false} />],
    [
      'user page',
      () => (
        <UserPage
          user={user}
          facts={hostileFacts()}
          log={hostileLog()}
          messages={hostileMessages()}
          reviews={hostileReviews()}
          olderUrl="/dev/ue/users/u1/messages?page_token=t"
          ctx={ctx}
        />
      ),
    ],
    [
      'review section partial (SSE fragment)',
      () => (
        <ReviewSection
          user={user}
          reviews={hostileReviews()}
          notice={HOSTILE}
          ctx={ctx}
          oob={true}
        />
      ),
    ],
    [
      'review section before any review',
      () => (
        <ReviewSection
          user={hostileUser({
            review: { ...hostileReviewSummary(), hasReview: false, lastError: HOSTILE },
          })}
          reviews={hostileReviews().slice(0, 1)}
          ctx={ctx}
        />
      ),
    ],
    ['user card partial', () => <UserCard user={user} ctx={ctx} notice={HOSTILE} />],
    [
      'facts partial with history',
      () => <FactsSection user={user} facts={hostileFacts()} history={hostileFacts()} ctx={ctx} />,
    ],
    ['log partial', () => <LogSection user={user} log={hostileLog()} ctx={ctx} />],
    ['older messages partial', () => <OlderMessages messages={hostileMessages()} ctx={ctx} />],
    ['reply form partial', () => <ReplyForm user={user} ctx={ctx} notice={HOSTILE} />],
    [
      'bubble (SSE fragment)',
      () => <MessageBubble m={hostileMessages()[0]!} ctx={ctx} oob={true} />,
    ],
    [
      'overview page',
      () => (
        <OverviewPage
          stats={HOSTILE_STATS}
          overdue={[LogEntry.fromPartial({ id: 'l', userId: 'u1', text: HOSTILE, dueAt: NOW })]}
          names={{ u1: HOSTILE }}
          days={14}
          account="<x>"
          ctx={ctx}
        />
      ),
    ],
  ];

  for (const [name, el] of cases) {
    it(`renders the ${name} inert`, async () => {
      assertInert(await render(el()));
    });
  }

  it('never links a picture, referral or media URL a user supplied', async () => {
    const html = await render(
      <UserPage
        user={user}
        facts={[]}
        log={[]}
        messages={hostileMessages()}
        reviews={hostileReviews()}
        ctx={ctx}
      />,
    );
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/href="[^"]*evil/);
    // The avatar falls back to initials.
    expect(html).toMatch(/<span class="avatar" aria-hidden="true">[^<]{1,4}<\/span>/);
  });

  it('puts the CSRF token on <body> for htmx and every link under BASE_PATH', async () => {
    const html = await render(<UsersPage q={hostileQuery} users={[user]} ctx={ctx} />);
    expect(html).toContain('hx-headers="{&quot;X-CSRF-Token&quot;:&quot;tok_ABC-123&quot;}"');
    const hrefs = [...html.matchAll(/(?:href|action|hx-get|hx-post|src)="([^"]*)"/g)].map(
      (m) => m[1]!,
    );
    for (const h of hrefs)
      expect(h.startsWith('/dev/ue/') || h.startsWith('#') || h === 'data:,', h).toBe(true);
  });

  it('shows delivery ticks, failure reasons, edits and deletions', async () => {
    const html = await render(<OlderMessages messages={hostileMessages()} ctx={ctx} />);
    expect(html).toContain('ticks-read');
    expect(html).toContain('Not delivered: &lt;script&gt;err&lt;/script&gt; (131026)');
    expect(html).toContain('<summary>edited</summary>');
    expect(html).toContain('Deleted by the sender');
    expect(html).toContain('Unsupported message: &lt;script&gt;poll&lt;/script&gt;');
    expect(html).toContain('Start of the conversation');
    expect(html).toContain('(52.52000, 13.40500)');
    expect(html).toContain('🛒 Order (1 items)');
    expect(html).toContain('2 × &lt;i&gt;sku&lt;/i&gt; · 9.5 EUR');
    expect(html).toContain('<span class="chip">button reply</span>');
    expect(html).toContain(
      '<span class="filename"> · &quot;&gt;&lt;svg onload=alert(1)&gt;.png</span>',
    );
    expect(html).toContain('↩ Reply to <a href="#msg-m2">an earlier message</a>');
  });

  it('links a fact to the message it came from, by message id or wamid', async () => {
    const facts = [
      Fact.fromPartial({ key: 'a', value: '1', sourceMessageId: 'm5' }),
      Fact.fromPartial({ key: 'b', value: '2', sourceMessageId: 'wamid.HBg+/=' }),
    ];
    const html = await render(<FactsSection user={hostileUser()} facts={facts} ctx={ctx} />);
    expect(html).toContain('<a href="#msg-m5">source message</a>');
    expect(html).toContain('<a href="#wa-wamid_HBg___">source message</a>');
    const bubble = await render(
      <MessageBubble m={{ ...hostileMessages()[0]!, wamid: 'wamid.HBg+/=' }} ctx={ctx} />,
    );
    expect(bubble).toContain('<span id="wa-wamid_HBg___" class="anchor"></span>');
  });

  it('disables the reply box with the reason outside the 24 h window', async () => {
    const closed = hostileUser({ serviceWindowExpiresAt: new Date(NOW.getTime() - 1000) });
    const html = await render(<ReplyForm user={closed} ctx={ctx} />);
    expect(html).toMatch(/<textarea[^>]*disabled/);
    expect(html).toContain('24-hour window closed');
  });
});
