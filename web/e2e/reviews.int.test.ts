// AI reviews in real Chromium against the real stack: the users list's score badges and review
// filters, the user page's Review section (criteria, measured signals, history), "Review now"
// reaching the reviewer, and a new review appearing live. Screenshots at 1440 and 375 px.
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type Locator, type Page } from 'playwright-core';
import { launchChromium } from './browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionOwner, ReviewState, Sentiment, SentimentTrend } from '@ue/proto';
import { ADMIN, eventually, startStack, textWebhook, type Stack } from './stack.js';

const SHOTS = process.env.REVIEW_SHOTS_DIR ?? join(tmpdir(), 'review-shots');
const HOSTILE_SUMMARY =
  '<script>window.__xss=1</script><img src=x onerror="window.__xss=2"> Rita asked twice for a refund and got no answer. The agent promised a call.';

const criteria = (answered: number, speed: number, tone: number) => [
  {
    key: 'answered_questions',
    score: answered,
    weight: 40,
    measured: false,
    reason: 'Asked twice.',
  },
  {
    key: 'response_time',
    score: speed,
    weight: 30,
    measured: true,
    reason: 'Replied after 90 min.',
  },
  { key: 'tone', score: tone, weight: 30, measured: false, reason: 'Polite throughout.' },
];
const signals = (cap: number, reasons: string[] = []) => ({
  firstResponseMs: 5_400_000,
  medianResponseMs: 3_000_000,
  unansweredQuestions: cap < 100 ? 2 : 0,
  failedDeliveries: 0,
  humanTakeovers: 0,
  inboundMessages: 2,
  outboundMessages: 0,
  scoreCap: cap,
  capReasons: reasons,
});

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  // From the top: the sticky conversation column would otherwise be drawn where it stuck.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const review = page.locator('#review');
  if (await review.count()) await review.screenshot({ path: join(SHOTS, `${name}-review.png`) });
}

/** What a screen reader says: the rendered text, visually hidden words included, blanks folded. */
const said = async (l: Locator): Promise<string> =>
  (await l.innerText()).replace(/\s+/g, ' ').trim();

const overflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

describe('AI reviews in Chromium', () => {
  let stack: Stack;
  let context: BrowserContext;
  let page: Page;
  let profileDir: string;
  const problems: string[] = [];
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    stack = await startStack('e2e_reviews');
    const people: [string, string, string, string][] = [
      ['rita', '4915200000001', 'Rita Reklamation', 'Wo bleibt meine Erstattung?'],
      ['otto', '4915200000002', 'Otto Ordentlich', 'Danke, alles angekommen!'],
      ['nora', '4915200000003', 'Nora Neu', 'Hallo, ich habe eine Frage.'],
    ];
    for (const [, waId, name, text] of people)
      expect(await stack.postWebhook(textWebhook({ waId, name, text }))).toBe(200);
    expect(
      await stack.postWebhook(
        textWebhook({ waId: '4915200000001', name: 'Rita Reklamation', text: 'Hallo??' }),
      ),
    ).toBe(200);
    const users = await eventually(
      () => stack.listUsers(''),
      (list) => list.length === 3 && list.some((u) => u.counters?.inboundMessages === 2),
    );
    for (const [key, waId] of people) ids[key] = users.find((u) => u.waId === waId)!.id;
    await stack.reviewer.record(ids.rita!, {
      state: ReviewState.FAILED,
      error: 'model timed out after 60 s',
      provider: 'local',
      model: 'qwen2.5-3b',
    });
    // (4×40 + 3×30 + 6×30) / 10 = 43, capped at 30 by two unanswered questions.
    await stack.reviewer.record(ids.rita!, {
      summary: HOSTILE_SUMMARY,
      conversationLanguage: 'de',
      topics: ['refund', 'delivery'],
      sentiment: Sentiment.NEGATIVE,
      sentimentTrend: SentimentTrend.WORSENING,
      actionItems: [
        { text: 'Call Rita back about the refund today', owner: ActionOwner.HUMAN },
        { text: 'Send the refund form', owner: ActionOwner.AGENT },
      ],
      criteria: criteria(4, 3, 6),
      signals: signals(30, ['2 customer questions were never answered']),
      provider: 'local',
      model: 'qwen2.5-3b',
    });
    await stack.reviewer.record(ids.otto!, {
      summary: 'Otto confirmed the delivery and thanked the agent. Nothing left to do.',
      sentiment: Sentiment.POSITIVE,
      sentimentTrend: SentimentTrend.IMPROVING,
      criteria: criteria(9, 9, 9),
      signals: signals(100),
    });
    ({ context, profileDir } = await launchChromium({ viewport: { width: 1440, height: 900 } }));
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to|htmx/i.test(m.text()))
        problems.push(`console: ${m.text()}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
    });
  });

  afterAll(async () => {
    await context?.close();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
    await stack?.stop();
  });

  const row = (name: string) => page.locator('tr.user-row', { hasText: name });

  it('shows each conversation with its score band in words, sentiment and headline', async () => {
    await page.goto(`${stack.bffUrl}/users`);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${stack.bffUrl}/users`);
    await expect.poll(() => page.locator('tr.user-row').count()).toBe(3);
    const rita = row('Rita Reklamation').locator('.c-review');
    expect(await rita.locator('.score').getAttribute('class')).toBe('score score-bad');
    expect(await said(rita.locator('.score'))).toBe('30 of 100, poor');
    expect(await said(rita.locator('.sentiment'))).toBe('Sentiment: negative');
    expect(await rita.innerText()).toContain('local model');
    expect(await rita.innerText()).toContain('2 open actions');
    expect(await rita.locator('.headline').innerText()).toBe(
      '<script>window.__xss=1</script><img src=x onerror="window.__xss=2"> Rita asked twice for a refund and got no answer.',
    );
    expect(await said(row('Otto Ordentlich').locator('.score'))).toBe('90 of 100, good');
    expect(await said(row('Nora Neu').locator('.c-review'))).toBe('review pending');
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
    await shot(page, 'users-1440');
    await page.setViewportSize({ width: 375, height: 812 });
    await page.reload();
    await expect.poll(() => page.locator('tr.user-row').count()).toBe(3);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await shot(page, 'users-375');
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('filters by negative sentiment and score, sorts by score, and keeps it all in the URL', async () => {
    await page.goto(`${stack.bffUrl}/users`);
    await page.getByLabel('Negative sentiment').check();
    await expect
      .poll(() => page.locator('tr.user-row .user-link').allTextContents())
      .toEqual(['Rita Reklamation']);
    await expect.poll(() => page.url()).toContain('sentiment=negative');
    // Each change waits for its rows: a change while one is in flight replaces (aborts) it.
    await page.getByLabel('Negative sentiment').uncheck();
    await expect.poll(() => page.locator('tr.user-row').count()).toBe(3);
    await page.getByLabel('Review pending').check();
    await expect
      .poll(() => page.locator('tr.user-row .user-link').allTextContents())
      .toEqual(['Nora Neu']);
    await page.getByLabel('Review pending').uncheck();
    await expect.poll(() => page.locator('tr.user-row').count()).toBe(3);
    await page.getByLabel('Sort').selectOption({ label: 'Lowest score first (reviewed only)' });
    await expect
      .poll(() => page.locator('tr.user-row .user-link').allTextContents())
      .toEqual(['Rita Reklamation', 'Otto Ordentlich']);
    await page.getByLabel('Review score').selectOption({ label: 'Below 50' });
    await expect
      .poll(() => page.locator('tr.user-row .user-link').allTextContents())
      .toEqual(['Rita Reklamation']);
    await expect.poll(() => page.url()).toContain('score_below=50');
    // A reload (or a shared link) opens the same list with the same controls set.
    await page.reload();
    expect(await page.getByLabel('Review score').inputValue()).toBe('50');
    expect(await page.getByLabel('Sort').inputValue()).toBe('score_asc');
    expect(await page.locator('tr.user-row').count()).toBe(1);
    expect(await page.locator('#export-link').getAttribute('href')).toContain(
      'score_below=50&sort=score_asc',
    );
  });

  it('shows the review on the user page: why the score, what was measured, what to do', async () => {
    const sse = page.waitForResponse((r) => r.url().endsWith('/events'));
    await page.getByRole('link', { name: 'Rita Reklamation' }).click();
    await page.waitForURL(/\/users\/[^/]+$/);
    await sse;
    const review = page.locator('#review');
    expect(await review.getByRole('note').innerText()).toBe(
      'Reviewed by a local model — check it against the measured signals.',
    );
    expect(await said(review.locator('.score-lg'))).toBe('30 of 100, poor');
    expect(await review.locator('.review-summary').innerText()).toBe(HOSTILE_SUMMARY);
    expect(await review.innerText()).toContain(
      'The criteria add up to 43; the measured signals cap the score at 30',
    );
    expect(await review.locator('table.criteria tbody tr').count()).toBe(3);
    expect(
      await review.locator('table.criteria tr', { hasText: 'Response time' }).innerText(),
    ).toMatch(/Response time\s+3\/10\s+30%\s+measured\s+Replied after 90 min\./);
    expect(await review.locator('.signals').innerText()).toContain(
      '2 customer questions were never answered',
    );
    expect(await review.locator('.actions').innerText()).toMatch(
      /human\s+Call Rita back about the refund today/i,
    );
    const history = review.locator('details.review-history');
    expect(await history.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    await history.locator('summary').click();
    expect(await history.innerText()).toContain('failed: model timed out after 60 s');
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('#main img, #main script').count()).toBe(0);
    await shot(page, 'user-1440');
    await page.setViewportSize({ width: 375, height: 812 });
    await page.reload();
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await shot(page, 'user-375');
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('"Review now" reaches the reviewer, and the new review replaces the old one live', async () => {
    await page.reload();
    await page.evaluate(() => ((window as { __same?: boolean }).__same = true));
    // One heartbeat through the page's own stream: the watch is live before anything is recorded.
    await page.evaluate(
      () =>
        new Promise<void>((resolve) =>
          document
            .getElementById('sse-heartbeat')!
            .addEventListener('htmx:sseMessage', () => resolve(), { once: true }),
        ),
    );
    const requests = await stack.reviewer.watchRequests(ids.rita!);
    await page.getByRole('button', { name: 'Review now' }).click();
    await expect
      .poll(() => page.locator('#review [role=status]').first().innerText())
      .toContain('Review requested.');
    await requests.next();
    requests.close();
    await stack.reviewer.record(ids.rita!, {
      summary: 'Second look: the agent answered in the end. Rita is waiting for the form.',
      sentiment: Sentiment.NEUTRAL,
      sentimentTrend: SentimentTrend.IMPROVING,
      actionItems: [{ text: 'Send the refund form', owner: ActionOwner.AGENT }],
      criteria: criteria(7, 6, 8),
      signals: signals(100),
    });
    await expect
      .poll(() => said(page.locator('#review .score-lg')), { timeout: 15_000 })
      .toBe('70 of 100, fair');
    expect(await page.locator('#review .review-summary').innerText()).toContain('Second look');
    expect(await page.locator('#review').getByRole('note').count()).toBe(0);
    expect(await page.locator('#review details.review-history summary').innerText()).toBe(
      'Earlier reviews and attempts (2)',
    );
    expect(await page.evaluate(() => (window as { __same?: boolean }).__same)).toBe(true);
  });

  it('says when a review comes for a conversation without one', async () => {
    await page.goto(`${stack.bffUrl}/users/${ids.nora}`);
    expect(await page.locator('#review').innerText()).toContain(
      'Review pending — conversations are reviewed about 10 minutes after their last message.',
    );
    expect(await page.getByRole('button', { name: 'Review now' }).isVisible()).toBe(true);
  });

  it('draws the score bands, mean score and sentiment mix on the overview', async () => {
    await page.goto(`${stack.bffUrl}/overview`);
    const quality = page.locator('section[aria-labelledby="quality-h"]');
    expect(await said(quality.locator('.tiles'))).toBe(
      '2 Reviewed conversations 1 Review pending 0 Scored below 50',
    );
    expect(await quality.locator('#bands-t + svg rect.bar.s-bad').count()).toBe(5);
    expect(await quality.locator('#bands-t + svg rect title').allTextContents()).toContain(
      '70–79 · Users: 1',
    );
    await shot(page, 'overview-1440');
    await page.setViewportSize({ width: 375, height: 812 });
    await page.reload();
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await shot(page, 'overview-375');
    await page.setViewportSize({ width: 1440, height: 900 });
    expect(problems).toEqual([]);
  });
});
