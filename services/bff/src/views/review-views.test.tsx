// What an admin reads about a review: the list's badge, the user page's section, the overview's
// quality charts. Hostile input is covered in views.test.tsx; this is about the content.
import { describe, expect, it } from 'vitest';
import { GetStatsResponse } from '@ue/proto';
import { hostileReviews, hostileReviewSummary, hostileUser, NOW } from '../../test/fixtures.js';
import type { ViewCtx } from './context.js';
import { OverviewPage } from './overview-page.js';
import { ReviewSection } from './review-section.js';
import { UserRows } from './users-page.js';

const ctx: ViewCtx = { base: '/dev/ue', csrf: 't', adminName: 'Ana', timeZone: 'UTC', now: NOW };

async function render(el: unknown): Promise<string> {
  return String(await (el as Promise<string>));
}

/** Text as a reader gets it: tags out, entities decoded, blanks folded. */
function text(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

describe('review in the users list', () => {
  it('shows score with its band in words, sentiment, open actions, local model and update pending', async () => {
    const u = hostileUser({
      review: hostileReviewSummary({ headline: 'Customer waited an hour.' }),
    });
    const row = text(await render(<UserRows users={[u]} ctx={ctx} first={true} />));
    expect(row).toContain(
      '38 of 100, poor Sentiment: negative 2 open actions local model update pending',
    );
    expect(row).toContain('Customer waited an hour.');
    expect(await render(<UserRows users={[u]} ctx={ctx} first={true} />)).toContain(
      'class="score score-bad"',
    );
  });

  it('says "review pending" before the first review, and nothing is pending once it covers the last message', async () => {
    const pending = text(await render(<UserRows users={[hostileUser()]} ctx={ctx} first={true} />));
    expect(pending).toContain('review pending');
    expect(pending).not.toContain('of 100');
    const failedOnly = hostileUser({
      review: hostileReviewSummary({ hasReview: false, lastError: 'timeout' }),
    });
    expect(text(await render(<UserRows users={[failedOnly]} ctx={ctx} first={true} />))).toContain(
      'review pending last attempt failed',
    );
    const fresh = hostileUser({
      review: hostileReviewSummary({ score: 91, provider: 'openai', coveredUntil: NOW }),
      lastInteractionAt: NOW,
    });
    const html = await render(<UserRows users={[fresh]} ctx={ctx} first={true} />);
    expect(text(html)).toContain('91 of 100, good');
    expect(html).toContain('class="score score-good"');
    expect(text(html)).not.toContain('update pending');
    expect(text(html)).not.toContain('local model');
  });
});

describe('review section of the user page', () => {
  const user = hostileUser({ review: hostileReviewSummary() });

  it('explains the score: criteria with source and weight, the measured signals and their cap', async () => {
    const html = await render(<ReviewSection user={user} reviews={hostileReviews()} ctx={ctx} />);
    const t = text(html);
    expect(t).toContain('Reviewed by a local model — check it against the measured signals.');
    expect(t).toContain('The criteria add up to 71; the measured signals cap the score at 38');
    expect(t).toMatch(/Response time 2\/10 30% measured/);
    expect(t).toContain('9/10 70% model');
    expect(t).toContain('First response 1.0 h Median response —');
    expect(t).toContain('Unanswered customer questions 2 Failed deliveries 1 Human takeovers 1');
    expect(t).toContain('Score cap 38');
    expect(t).toContain('Sentiment: negative ↘ worsening');
    expect(t).toContain('Conversation in German (de)');
    expect(t).toMatch(/Owed by the human .*Owed by the agent Send the invoice/);
    expect(t).toContain('Prompt version v1"><x>');
    expect(t).toContain('9 messages, 21 Nov 2026, 11:00 UTC to 21 Nov 2026, 11:30 UTC');
    expect(t).toContain('Update pending: new messages arrived after this review');
  });

  it('keeps earlier reviews and failed attempts, with their error, folded away', async () => {
    const html = await render(<ReviewSection user={user} reviews={hostileReviews()} ctx={ctx} />);
    const history = html.slice(html.indexOf('<details class="review-history'));
    expect(history).toContain('Earlier reviews and attempts (2)');
    expect(text(history)).toContain('failed: model timed out <script>');
    expect(text(history)).toContain('81 of 100, good Sentiment: positive Went fine at first.');
    expect(html).not.toMatch(/<details[^>]* open/);
  });

  it('offers "Review now" as an htmx POST that replaces the section', async () => {
    const html = await render(<ReviewSection user={user} reviews={[]} ctx={ctx} />);
    expect(html).toContain(
      '<form hx-post="/dev/ue/users/u1/review" hx-target="#review" hx-swap="outerHTML"><button type="submit" class="secondary small">Review now</button></form>',
    );
    const erased = await render(
      <ReviewSection user={hostileUser({ erasedAt: NOW })} reviews={[]} ctx={ctx} />,
    );
    expect(erased).not.toContain('Review now');
  });

  it('before any review says when one comes', async () => {
    const t = text(await render(<ReviewSection user={hostileUser()} reviews={[]} ctx={ctx} />));
    expect(t).toContain(
      'Review pending — conversations are reviewed about 10 minutes after their last message.',
    );
    expect(t).not.toContain('Earlier reviews');
  });

  it('still shows the headline and score when the reviews could not be listed', async () => {
    const u = hostileUser({ review: hostileReviewSummary({ headline: 'Went badly.' }) });
    const t = text(await render(<ReviewSection user={u} reviews={undefined} ctx={ctx} />));
    expect(t).toContain('Reviews could not be loaded.');
    expect(t).toContain('38 of 100, poor Sentiment: negative');
    expect(t).toContain('Went badly.');
    expect(t).not.toContain('Review pending —');
  });
});

describe('conversation quality on the overview', () => {
  it('draws ten score bands coloured by band, the mean score per day and the counts', async () => {
    const stats = GetStatsResponse.fromPartial({
      reviews: {
        reviewedUsers: 12,
        pendingUsers: 3,
        scoreBands: [1, 0, 2, 0, 1, 3, 0, 1, 2, 2],
        positive: 5,
        neutral: 4,
        negative: 3,
        series: [
          { bucketStart: new Date('2026-11-20T00:00:00Z'), reviews: 4, meanScore: 57.6 },
          { bucketStart: new Date('2026-11-21T00:00:00Z'), reviews: 0 },
        ],
      },
    });
    const html = await render(
      <OverviewPage stats={stats} overdue={[]} names={{}} days={14} account="" ctx={ctx} />,
    );
    const bands = html.slice(
      html.indexOf('Users by review score'),
      html.indexOf('id="mean-score-t"'),
    );
    expect(bands.match(/class="bar s-bad"/g)).toHaveLength(5);
    expect(bands.match(/class="bar s-mid"/g)).toHaveLength(3);
    expect(bands.match(/class="bar s-good"/g)).toHaveLength(2);
    expect(bands).toContain('<title>90–100 · Users: 2</title>');
    expect(bands).toContain('<th scope="col">Score</th>');
    const mean = html.slice(html.indexOf('id="mean-score-t"'));
    expect(mean).toContain('<title>20 Nov · Mean score: 58</title>');
    // A day without reviews has no bar, and its table cell says so instead of "0".
    expect(mean).not.toContain('21 Nov · Mean score');
    expect(mean).toMatch(/<th scope="row">21 Nov<\/th><td>—<\/td>/);
    const t = text(html);
    expect(t).toContain('12 Reviewed conversations 3 Review pending 4 Scored below 50');
    expect(t).toMatch(/Positive 5 .*Neutral 4 .*Negative 3/);
    expect(html).toContain('href="/dev/ue/users?score_below=50&amp;sort=score_asc"');
  });
});
