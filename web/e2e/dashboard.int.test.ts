// The admin dashboard in real Chromium against the real stack (profiles + ingest + bff):
// the acceptance flows of DESIGN §6 / issue 5, hostile data, and the logged-out lockout.
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, type Page } from 'playwright-core';
import { launchChromium } from './browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  BASE,
  eventually,
  fixture,
  startStack,
  statusWebhook,
  textWebhook,
  type Stack,
} from './stack.js';

const SHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const HOSTILE_NAME =
  '<script>window.__xss=1</script>"><img src=x onerror="window.__xss=2"> مرحبا 🧨';
const HOSTILE_TEXT =
  'javascript:window.__xss=3 "><svg onload="window.__xss=4"> \u202Eevil\u202C 👩🏽‍💻 <b>bold?</b>';

const FIXTURE_FILES = [
  'text-basic.json',
  'batch-3-messages-2-contacts.json',
  'image-with-caption.json',
  'location-pin.json',
  'contacts-vcard.json',
  'interactive-button-reply.json',
  'order-catalog.json',
  'referral-click-to-whatsapp-ad.json',
  'text-reply-with-context.json',
  'reaction-added.json',
  'edit-and-revoke.json',
  'unsupported-message.json',
  'audio-voice-note.json',
  'document-pdf.json',
];

async function screenshot(
  page: Page,
  name: string,
  fullPage = false,
  forDocs = true,
): Promise<void> {
  // CI runs must not dirty the tree: PNGs are rewritten only on request.
  const dir =
    process.env.UPDATE_SCREENSHOTS === '1' && forDocs ? SHOTS : join(tmpdir(), 'ue-e2e-shots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage });
}

describe('admin dashboard in Chromium', () => {
  let stack: Stack;
  let context: BrowserContext;
  let page: Page;
  let profileDir: string;
  const problems: string[] = [];
  let userUrl = '';

  beforeAll(async () => {
    stack = await startStack('e2e_dashboard');
    for (const f of FIXTURE_FILES) expect(await stack.postWebhook(fixture(f)), f).toBe(200);
    expect(
      await stack.postWebhook(
        textWebhook({ waId: '14155550199', name: HOSTILE_NAME, text: HOSTILE_TEXT }),
      ),
    ).toBe(200);
    const users = await eventually(
      () => stack.listUsers(''),
      (list) => list.length >= 4 && list.some((u) => u.profile?.name === HOSTILE_NAME),
    );
    // What Carol the agent adds over gRPC: a reply with delivery ticks, facts, a follow-up.
    const bjoern = users.find((u) => u.waId === '4917640286153')!;
    const sentAt = new Date(bjoern.lastInboundAt!.getTime() + 90_000);
    await stack.agent.recordOutbound(
      bjoern.id,
      'Hallo Björn! Ihr Paket #5820 ist unterwegs und kommt am Freitag. 📦',
      'wamid.e2e.carol.1',
      sentAt,
    );
    for (const status of ['sent', 'delivered', 'read'] as const) {
      expect(
        await stack.postWebhook(
          statusWebhook({ wamid: 'wamid.e2e.carol.1', waId: '4917640286153', status, at: sentAt }),
        ),
      ).toBe(200);
    }
    await stack.agent.upsertFacts(bjoern.id, [
      { key: 'city', value: 'Düsseldorf', confidence: 0.9 },
      { key: 'order_id', value: '5820', confidence: 1 },
    ]);
    const elodie = users.find((u) => u.profile?.name === 'Élodie Marchand');
    if (elodie)
      await stack.agent.addFollowUp(
        elodie.id,
        'Confirm Friday delivery with Élodie',
        new Date(Date.now() - 3600_000),
      );
    ({ context, profileDir } = await launchChromium({ viewport: { width: 1366, height: 900 } }));
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
    // Any failing asset or request, except the deliberate wrong-password login (401).
    page.on('response', (r) => {
      if (r.status() >= 400 && !r.url().endsWith('/login'))
        problems.push(`${r.status()} ${r.url()}`);
    });
  });

  afterAll(async () => {
    await context?.close();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
    await stack?.stop();
  });

  it('logs in with the bootstrapped admin and shows the users page', async () => {
    await page.goto(`${stack.bffUrl}/users`);
    await page.waitForURL(/\/login/);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill('wrong password!!');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect
      .poll(() => page.locator('[role=alert]').textContent())
      .toBe('Wrong email or password.');
    await screenshot(page, 'login-error', false, false);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${stack.bffUrl}/users`);
    // Pages of 4: further pages load as the end of the list scrolls into view.
    await expect.poll(() => page.locator('tr.user-row').count()).toBeGreaterThanOrEqual(4);
    const total = (await stack.listUsers('')).length;
    expect(total).toBeGreaterThan(8);
    await expect
      .poll(async () => {
        await page.locator('tr.user-row').last().scrollIntoViewIfNeeded();
        return page.locator('tr.user-row').count();
      })
      .toBe(total);
    expect(await page.locator('tr.more').count()).toBe(0);
    expect(
      await page
        .locator('tr.user-row', { hasText: 'Björn Großkreutz' })
        .locator('.c-phone')
        .textContent(),
    ).toBe('+49 176 40286153');
  });

  it('is keyboard usable: a visible skip link first, then focus lands on labelled controls', async () => {
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to content' });
    expect(await skip.evaluate((el) => el === document.activeElement)).toBe(true);
    expect((await skip.boundingBox())!.x).toBeGreaterThanOrEqual(0);
    const outline = await skip.evaluate((el) => getComputedStyle(el).outlineStyle);
    expect(outline).not.toBe('none');
    await page.keyboard.press('Enter');
    await page.getByRole('searchbox').focus();
    await page.keyboard.type('björn');
    await expect.poll(() => page.locator('tr.user-row').count()).toBe(1);
    await page.getByRole('searchbox').fill('');
    await expect.poll(() => page.locator('tr.user-row').count()).toBeGreaterThan(1);
  });

  it('searches by an accented name and by a phone written with +, spaces and dashes', async () => {
    const search = page.getByRole('searchbox');
    await search.fill('björn');
    await expect
      .poll(() => page.locator('tr.user-row').allTextContents())
      .toEqual([expect.stringContaining('Björn Großkreutz')]);
    await expect.poll(() => decodeURIComponent(page.url())).toContain('/users?q=björn');
    await search.fill('+49 176-4028-6153');
    await expect
      .poll(() => page.locator('tr.user-row').allTextContents())
      .toEqual([expect.stringContaining('Björn Großkreutz')]);
    await search.fill('no such person anywhere');
    await expect
      .poll(() => page.locator('tr.empty').textContent())
      .toBe('No users match these filters.');
    // The address bar holds the search: reloading keeps it.
    await page.reload();
    expect(await page.getByRole('searchbox').inputValue()).toBe('no such person anywhere');
    await search.fill('+49 176-4028-6153');
    await expect.poll(() => page.locator('tr.user-row').count()).toBe(1);
  });

  it('opens the user and adds a note, a tag and a follow-up, and changes the status', async () => {
    const sse = page.waitForResponse((r) => r.url().endsWith('/events'));
    await page.getByRole('link', { name: 'Björn Großkreutz' }).click();
    await page.waitForURL(/\/users\/[^/]+$/);
    userUrl = page.url();
    await sse;
    expect(await page.locator('h1').textContent()).toBe('Björn Großkreutz');
    await expect.poll(() => page.locator('#messages').textContent()).toContain('Paket #5820');

    await page.getByLabel('Note').fill('Asked about parcel #5820 — called back ✓');
    await page.getByRole('button', { name: 'Add note' }).click();
    await expect
      .poll(() => page.locator('#log .log-item').first().textContent())
      .toContain('called back ✓');

    await page.getByPlaceholder('Add a tag').fill('vip');
    await page.getByRole('button', { name: 'Add tag' }).click();
    await expect
      .poll(() => page.locator('#user-card .tags .tag').allTextContents())
      .toEqual([expect.stringContaining('vip')]);

    await page.getByLabel('Follow-up').fill('Send the tracking link');
    await page.getByLabel(/^Due/).fill('2030-01-02T09:30');
    await page.getByRole('button', { name: 'Add follow-up' }).click();
    await expect.poll(() => page.locator('#log').textContent()).toContain('Send the tracking link');
    expect(
      await page.locator('#log .log-item', { hasText: 'Send the tracking link' }).textContent(),
    ).toContain('open, due');

    await page.getByLabel('Status').selectOption({ label: 'Quote request' });
    await page.getByRole('button', { name: 'Change status' }).click();
    await expect
      .poll(() => page.locator('#user-card .status').first().textContent())
      .toBe('Quote request');

    // All of it is stored in profiles, not just drawn.
    const [user] = await stack.listUsers('Björn');
    expect(user?.tags).toEqual(['vip']);
    expect(user?.status).toBe(4);
  });

  it('shows a webhook posted now on the open page without reload', async () => {
    await page.evaluate(
      () => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true),
    );
    // One heartbeat through the page's own stream proves the watch is live before the webhook.
    await page.evaluate(
      () =>
        new Promise<void>((resolve) =>
          document
            .getElementById('sse-heartbeat')!
            .addEventListener('htmx:sseMessage', () => resolve(), { once: true }),
        ),
    );
    const text = 'Danke! Kann ich die Lieferadresse noch ändern? 🏠';
    expect(
      await stack.postWebhook(
        textWebhook({ waId: '4917640286153', name: 'Björn Großkreutz', text }),
      ),
    ).toBe(200);
    await expect
      .poll(() => page.locator('#messages .bubble').first().textContent(), { timeout: 15_000 })
      .toContain(text);
    // The 24 h window just opened: the reply box comes alive, still without a reload.
    await expect.poll(() => page.getByRole('button', { name: 'Send' }).isEnabled()).toBe(true);
    expect(await page.locator('#user-card').textContent()).toContain('open, closes');
    expect(
      await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument),
    ).toBe(true);
    expect(await page.locator('#messages .bubble.out .ticks-read').count()).toBe(1);
    // An agent's message appears, then its ticks move as statuses arrive: the bubble is updated in place.
    const [bjoern] = await stack.listUsers('Björn');
    await stack.agent.recordOutbound(
      bjoern!.id,
      'Natürlich, welche Adresse?',
      'wamid.e2e.carol.2',
      new Date(),
    );
    const carolBubble = page.locator('#messages .bubble.out', { hasText: 'welche Adresse' });
    await expect.poll(() => carolBubble.count(), { timeout: 15_000 }).toBe(1);
    expect(
      await stack.postWebhook(
        statusWebhook({
          wamid: 'wamid.e2e.carol.2',
          waId: '4917640286153',
          status: 'delivered',
          at: new Date(),
        }),
      ),
    ).toBe(200);
    await expect
      .poll(() => carolBubble.locator('.ticks').getAttribute('class'), { timeout: 15_000 })
      .toBe('ticks ticks-delivered');
    expect(
      await stack.postWebhook(
        statusWebhook({
          wamid: 'wamid.e2e.carol.2',
          waId: '4917640286153',
          status: 'read',
          at: new Date(),
        }),
      ),
    ).toBe(200);
    await expect
      .poll(() => carolBubble.locator('.ticks').getAttribute('class'), { timeout: 15_000 })
      .toBe('ticks ticks-read');
    expect(await carolBubble.count()).toBe(1);
    // A late "created" event for a message already on the page (a resume racing the page load)
    // inserts the same bubble again, as the SSE swap would: the page keeps a single copy.
    await page.evaluate(() => {
      const log = document.getElementById('messages')!;
      const existing = Array.from(log.querySelectorAll('.bubble.out')).find((b) =>
        b.textContent?.includes('welche Adresse'),
      )!;
      log.insertAdjacentHTML('afterbegin', existing.outerHTML);
    });
    await expect.poll(() => carolBubble.count()).toBe(1);

    // A reply goes to profiles' SendMessage and comes back over SSE as a pending bubble.
    await page.getByLabel('Reply').fill('Ja, klar! Schicken Sie mir einfach die neue Adresse.');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect
      .poll(() => page.locator('#reply [role=status]').textContent())
      .toContain('Reply queued');
    await expect
      .poll(() => page.locator('#messages .bubble.out').first().textContent(), { timeout: 15_000 })
      .toContain('Schicken Sie mir einfach');
    expect(await page.locator('#messages .bubble.out').first().textContent()).toContain(
      ADMIN.email,
    );

    // What the agent learns and promises shows up live too, and a note being typed survives it.
    await page.getByLabel('Note').fill('Draft: call back about the address');
    await stack.agent.upsertFacts(bjoern!.id, [
      { key: 'delivery.address', value: 'Neue Straße 5, Düsseldorf', confidence: 0.8 },
    ]);
    await expect
      .poll(() => page.locator('#facts-current').textContent(), { timeout: 15_000 })
      .toContain('Neue Straße 5, Düsseldorf');
    await stack.agent.addFollowUp(
      bjoern!.id,
      'Confirm the new address with Björn',
      new Date(Date.now() + 3_600_000),
    );
    await expect
      .poll(() => page.locator('#log-entries').textContent(), { timeout: 15_000 })
      .toContain('Confirm the new address with Björn');
    expect(await page.getByLabel('Note').inputValue()).toBe('Draft: call back about the address');
    expect(
      await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument),
    ).toBe(true);
    await page.getByLabel('Note').fill('');

    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'user', true);
  });

  it('renders hostile names and texts as text: nothing executes and the layout holds at 375 px', async () => {
    await page.goto(`${stack.bffUrl}/users?q=${encodeURIComponent('+1 415-555-0199')}`);
    await expect.poll(() => page.locator('tr.user-row').count()).toBe(1);
    await page.getByRole('link', { name: /window.__xss/ }).click();
    await page.waitForURL(/\/users\/[^/]+$/);
    expect(await page.locator('h1').textContent()).toBe(HOSTILE_NAME);
    await expect.poll(() => page.locator('#messages').textContent()).toContain('<svg onload=');
    expect(
      await page.evaluate(() => (window as unknown as { __xss?: number }).__xss),
    ).toBeUndefined();
    expect(await page.locator('#main img, #main svg[onload], #main script').count()).toBe(0);
    for (const url of [page.url(), `${stack.bffUrl}/users`, `${stack.bffUrl}/overview`]) {
      await page.setViewportSize({ width: 375, height: 800 });
      await page.goto(url);
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - window.innerWidth,
      );
      expect(overflow, url).toBeLessThanOrEqual(0);
      await screenshot(
        page,
        `hostile-375-${new URL(url).pathname.split('/').pop() ?? ''}`,
        true,
        false,
      );
    }
    await page.setViewportSize({ width: 1366, height: 900 });
    expect(
      await page.evaluate(() => (window as unknown as { __xss?: number }).__xss),
    ).toBeUndefined();
  });

  it('draws the overview charts as server-side SVG', async () => {
    await page.goto(`${stack.bffUrl}/overview`);
    expect(await page.locator('h1').textContent()).toBe('Overview');
    await expect.poll(() => page.locator('figure.chart svg rect.bar').count()).toBeGreaterThan(5);
    expect(await page.locator('#overdue-h').textContent()).toBe('Overdue follow-ups');
    expect(await page.locator('ul.overdue').textContent()).toContain(
      'Élodie Marchand: Confirm Friday delivery with Élodie',
    );
    await screenshot(page, 'overview');
    await page.goto(`${stack.bffUrl}/users`);
    await expect.poll(() => page.locator('tr.user-row').count()).toBeGreaterThanOrEqual(10);
    await screenshot(page, 'users');
    await page.setViewportSize({ width: 375, height: 812 });
    await page.reload();
    await screenshot(page, 'users-mobile');
    await page.setViewportSize({ width: 1366, height: 900 });
  });

  it('logs out; afterwards no page, partial, stream or export opens', async () => {
    expect(problems).toEqual([]);
    // A second tab stays open on the users page while the first one logs out.
    const other = await context.newPage();
    await other.goto(`${stack.bffUrl}/users`);
    // Let its infinite scroll finish first, so the search below is its next request.
    await expect.poll(() => other.locator('tr.more').count()).toBe(0);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(`${stack.bffUrl}/login`);
    // Its next htmx request (typing a search) meets the dead session and lands on the login page.
    await other.getByRole('searchbox').fill('björn');
    await other.waitForURL(`${stack.bffUrl}/login`);
    expect(await other.getByRole('button', { name: 'Log in' }).isVisible()).toBe(true);
    await other.close();
    const userPath = new URL(userUrl).pathname;
    for (const path of [
      '/users',
      '/overview',
      userPath,
      `${userPath}/messages`,
      `${userPath}/facts?history=1`,
      '/export/users.csv',
      `${userPath}/transcript.csv`,
    ]) {
      await page.goto(
        `${stack.bffUrl.replace(BASE, '')}${path.startsWith(BASE) ? path : BASE + path}`,
      );
      expect(new URL(page.url()).pathname, path).toBe(`${BASE}/login`);
    }
    for (const path of ['/users/rows?q=j', `${userPath.replace(BASE, '')}/log`]) {
      const res = await page.request.get(`${stack.bffUrl}${path}`, {
        headers: { 'HX-Request': 'true' },
        maxRedirects: 0,
      });
      expect(res.status(), path).toBe(401);
      expect(res.headers()['hx-redirect']).toBe(`${BASE}/login`);
    }
    const stream = await page.request.get(`${stack.bffUrl}${userPath.replace(BASE, '')}/events`, {
      headers: { accept: 'text/event-stream' },
      maxRedirects: 0,
    });
    expect(stream.status()).toBe(401);
    const post = await page.request.post(`${stack.bffUrl}${userPath.replace(BASE, '')}/notes`, {
      form: { text: 'after logout' },
      maxRedirects: 0,
    });
    expect(post.status()).toBe(401);
  });
});
