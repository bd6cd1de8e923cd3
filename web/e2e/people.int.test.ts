// One customer on WhatsApp and on Messenger, in real Chromium against the real stack (profiles,
// ingest, bff; signed webhooks to /webhooks/whatsapp and /webhooks/messenger, and a stand-in for
// Meta's Send API): accounts named on the Accounts page, the suggestion to join by email, a
// merge showing one timeline across both channels, an unmerge that restores exactly what was
// there before, and a reply on Messenger picked in the reply box that reaches the provider.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ActorKind,
  Direction,
  GetPersonRequest,
  GetUserRequest,
  ListFactsRequest,
  ListLogEntriesRequest,
  ListMessagesRequest,
  type User,
} from '@ue/proto';
import { launchChromium } from './browser.js';
import { ADMIN, eventually, startStack, textWebhook, type Stack } from './stack.js';

const DOCS_SHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const TMP_SHOTS = join(tmpdir(), 'ue-people-shots');
/** The WhatsApp number textWebhook() writes to, and the Page of this test. */
const WA_ACCOUNT = '117733559900011';
const PAGE = '1029384756';
const WA_ID = '4915112349876';
const PSID = '6500000000004242';
const EMAIL = 'lena.vogel@example.com';

/** One Messenger text from the customer, as the Messenger Platform posts it. */
function messengerText(o: { text: string; at: Date }): string {
  const t = o.at.getTime();
  return JSON.stringify({
    object: 'page',
    entry: [
      {
        id: PAGE,
        time: t,
        messaging: [
          {
            sender: { id: PSID },
            recipient: { id: PAGE },
            timestamp: t,
            message: { mid: `m_${randomBytes(16).toString('hex')}`, text: o.text },
          },
        ],
      },
    ],
  });
}

interface SentCall {
  path: string;
  body: { recipient?: { id?: string }; message?: { text?: string } };
}

/** Meta's Send API as far as ingest uses it: POST /<page id>/messages, answered with a mid. */
async function startSendApi(): Promise<{ url: string; sent: SentCall[]; close(): Promise<void> }> {
  const sent: SentCall[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0]!;
      if (req.method !== 'POST' || !/\/messages$/.test(path)) {
        res.writeHead(404).end();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as SentCall['body'];
      sent.push({ path, body });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          recipient_id: PSID,
          message_id: `m_standin_${sent.length}`,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sent,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The docs keep person.png and accounts.png; every other shot goes to the temp folder. */
const FOR_DOCS = new Set(['person', 'accounts']);

async function screenshot(page: Page, name: string): Promise<void> {
  // CI runs must not dirty the tree: the docs' PNGs are rewritten only on request.
  const dir = process.env.UPDATE_SCREENSHOTS === '1' && FOR_DOCS.has(name) ? DOCS_SHOTS : TMP_SHOTS;
  mkdirSync(dir, { recursive: true });
  // caret 'initial': hiding the caret leaves style="" on every input, which htmx would then copy
  // onto the swapped-in field with the same id (an inline style the CSP rightly refuses).
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true, caret: 'initial' });
}

describe('one person on WhatsApp and Messenger, in Chromium', () => {
  let stack: Stack;
  let sendApi: Awaited<ReturnType<typeof startSendApi>>;
  let context: BrowserContext;
  let page: Page;
  let profileDir: string;
  let wa: User;
  let ms: User;
  const problems: string[] = [];
  let before: unknown;

  const grpcUser = async (id: string): Promise<User> =>
    (await stack.grpc.call('getUser', GetUserRequest.fromPartial({ lookup: { $case: 'id', id } })))
      .user!;
  const person = async (userId: string) =>
    (
      await stack.grpc.call(
        'getPerson',
        GetPersonRequest.fromPartial({ lookup: { $case: 'userId', userId } }),
      )
    ).person!;
  const userUrl = (u: User) => `${stack.bffUrl}/users/${u.id}`;

  /** What a page shows in its card, conversation, facts and log, without the times (they age). */
  const pageText = async (url: string): Promise<Record<string, string>> => {
    await page.goto(url);
    return page.evaluate(() => {
      const out: Record<string, string> = {};
      for (const sel of ['#user-card', '#messages', '#facts', '#log']) {
        const el = document.querySelector(sel)!.cloneNode(true) as HTMLElement;
        el.querySelectorAll('time').forEach((t) => t.remove());
        out[sel] = (el.textContent ?? '').replace(/\s+/g, ' ').trim();
      }
      return out;
    });
  };

  /** Both identities as the pages and the API show them: who is whose person, and all their data. */
  const snapshot = async () => {
    const state = async (u: User) => {
      const p = await person(u.id);
      return {
        page: await pageText(userUrl(u)),
        person: p.id,
        identities: p.identities.map((i) => [i.id, i.personId]).sort(),
        suggestions: p.suggestions.map((s) => [s.userId, s.personId, s.rule, s.reason]),
        messages: (
          await stack.grpc.call(
            'listMessages',
            ListMessagesRequest.fromPartial({ userId: u.id, pageSize: 200 }),
          )
        ).messages,
        facts: await stack.grpc.call(
          'listFacts',
          ListFactsRequest.fromPartial({ userId: u.id, includeHistory: true }),
        ),
        log: (
          await stack.grpc.call(
            'listLogEntries',
            ListLogEntriesRequest.fromPartial({ userId: u.id, pageSize: 200 }),
          )
        ).entries,
      };
    };
    return { whatsapp: await state(wa), messenger: await state(ms) };
  };

  beforeAll(async () => {
    sendApi = await startSendApi();
    stack = await startStack('e2e_people', {
      ingestEnv: {
        META_API_BASE_URL: sendApi.url,
        MESSENGER_PAGE_TOKENS: `${PAGE}:e2e-page-token`,
      },
    });
    const now = Date.now();
    expect(
      await stack.postWebhook(
        messengerText({
          text: 'Hi, Lena here again – can I still change the delivery address?',
          at: new Date(now - 10 * 60_000),
        }),
        'messenger',
      ),
    ).toBe(200);
    // WhatsApp is where she wrote last: the reply box picks it unless told otherwise.
    expect(
      await stack.postWebhook(
        textWebhook({
          waId: WA_ID,
          name: 'Lena Vogel',
          text: 'Hallo! Ist meine Bestellung #4711 schon unterwegs?',
          at: new Date(now - 5 * 60_000),
        }),
      ),
    ).toBe(200);
    const users = await eventually(
      () => stack.listUsers(''),
      (list) => list.some((u) => u.waId === WA_ID) && list.some((u) => u.scopedId === PSID),
    );
    wa = users.find((u) => u.waId === WA_ID)!;
    ms = users.find((u) => u.scopedId === PSID)!;
    // What the agent learned in each conversation: the same email, so profiles suggests a join.
    await stack.agent.upsertFacts(wa.id, [{ key: 'email', value: EMAIL, confidence: 0.9 }]);
    await stack.agent.upsertFacts(ms.id, [{ key: 'email', value: EMAIL, confidence: 0.8 }]);
    await eventually(
      () => person(wa.id),
      (p) => p.suggestions.some((s) => s.userId === ms.id),
    );
    ({ context, profileDir } = await launchChromium({ viewport: { width: 1440, height: 900 } }));
    page = context.pages()[0] ?? (await context.newPage());
    // Each problem says during which test it happened.
    const during = () => expect.getState().currentTestName ?? 'setup';
    page.on('pageerror', (e) => problems.push(`${during()}: pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to|htmx/i.test(m.text()))
        problems.push(`${during()}: console: ${m.text()} at ${m.location().url}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${during()}: ${r.status()} ${r.url()}`);
    });
    await page.goto(`${stack.bffUrl}/login`);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${stack.bffUrl}/users`);
  });

  afterAll(async () => {
    await context?.close();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
    await stack?.stop();
    await sendApi?.close();
  });

  it('names the accounts on the Accounts page, with their health and retention', async () => {
    await page.getByRole('link', { name: 'Accounts' }).click();
    await page.waitForURL(`${stack.bffUrl}/accounts`);
    const edit = async (card: string, fields: Record<string, string>) => {
      const el = page.locator(card);
      await el.locator('summary').click();
      for (const [label, value] of Object.entries(fields))
        await el.getByLabel(label, { exact: true }).fill(value);
      await el.getByRole('button', { name: /^Save / }).click();
      await expect.poll(() => page.locator(`${card} [role=status]`).textContent()).toBe('Saved.');
    };
    await edit(`#account-${WA_ACCOUNT}`, {
      Name: 'Berlin store',
      'Keep messages (days, 0 = keep)': '30',
    });
    await edit(`#account-${PAGE}`, { Name: 'Acme Page' });
    const wCard = page.locator(`#account-${WA_ACCOUNT}`);
    expect(await wCard.locator('h2').textContent()).toBe('Berlin store');
    expect(await wCard.locator('svg[role=img]').first().getAttribute('aria-label')).toBe(
      'WhatsApp',
    );
    expect(await wCard.textContent()).toContain('messages: 30 days');
    expect(await wCard.textContent()).toContain(
      'Messages older than 30 days are not kept for this account.',
    );
    const mCard = page.locator(`#account-${PAGE}`);
    expect(await mCard.locator('svg[role=img]').first().getAttribute('aria-label')).toBe(
      'Messenger',
    );
    expect(await mCard.locator('.health .badge').textContent()).toBe('Healthy');
    expect(await mCard.textContent()).toMatch(/1 received · 0 sent/);
    for (const width of [1440, 375]) {
      await page.setViewportSize({ width, height: 900 });
      await page.reload();
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - window.innerWidth,
      );
      expect(overflow, `accounts at ${width}px`).toBeLessThanOrEqual(0);
      await screenshot(page, width === 1440 ? 'accounts' : 'accounts-375');
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('shows account names and channel icons in the users list, and people on request', async () => {
    await page.goto(`${stack.bffUrl}/users`);
    const row = (u: User) =>
      page.locator('tr.user-row', { has: page.locator(`a[href$="/${u.id}"]`) });
    await expect.poll(() => row(ms).locator('.c-account').textContent()).toContain('Acme Page');
    expect(await row(wa).locator('.c-account').textContent()).toContain('Berlin store');
    expect(await row(ms).locator('.c-account svg').getAttribute('aria-label')).toBe('Messenger');
    await page.getByLabel('People').check();
    await expect.poll(() => page.url()).toContain('view=people');
    await page.getByLabel('Channel').selectOption({ label: 'Messenger' });
    await expect.poll(() => page.locator('tr.user-row').count()).toBe(1);
    expect(new URL(page.url()).searchParams.get('channel')).toBe('messenger');
  });

  it("corrects the Messenger identity's name there only", async () => {
    await page.goto(userUrl(ms));
    expect(await page.locator('#user-card').textContent()).toContain(
      'Editing Messenger · Acme Page',
    );
    await page.getByText('Correct name or email').click();
    await page.getByLabel('Display name').fill('Lena V.');
    await page.getByRole('button', { name: 'Save for this conversation' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Lena V.');
    expect((await grpcUser(ms.id)).profile?.displayName).toBe('Lena V.');
    expect((await grpcUser(wa.id)).profile?.displayName ?? '').toBe('');
  });

  it('shows the suggestion on the WhatsApp identity, with the retention notice', async () => {
    before = await snapshot();
    await page.goto(userUrl(wa));
    const panel = page.locator('#person');
    await expect.poll(() => panel.textContent()).toContain('Maybe the same person');
    expect(await panel.textContent()).toContain('Lena V.');
    expect(await page.locator('#conversation .retention-note').textContent()).toBe(
      'Messages older than 30 days are not kept for this account.',
    );
    // One conversation so far: no marks, no toggle, no picker.
    expect(await page.locator('#conv-h').textContent()).toBe('Conversation');
    expect(await page.locator('input[name=to]').count()).toBe(0);
  });

  it('merges with a reason and shows one timeline across both channels', async () => {
    const suggestion = page.locator('#person .suggestions li', { hasText: 'Lena V.' });
    await suggestion
      .getByLabel('Reason (required)')
      .fill('Same email in both conversations; she mentions her WhatsApp order on Messenger.');
    await suggestion.getByRole('button', { name: 'Merge' }).click();
    await expect.poll(() => page.locator('#announce').textContent()).toContain('Merged:');
    expect(await page.locator('#person-h').textContent()).toBe('Person · 2 identities');
    expect(await page.locator('#conv-h').textContent()).toBe('Timeline across channels');
    const marks = await page.locator('#messages .bubble .bubble-source').allTextContents();
    expect(marks.map((m) => m.trim()).sort()).toEqual([
      'Messenger · Acme Page',
      'WhatsApp · Berlin store',
    ]);
    expect(await page.locator('#messages').textContent()).toContain('#4711 schon unterwegs');
    expect(await page.locator('#messages').textContent()).toContain('change the delivery address');
    // Each value with its source, and the join with who, when and why.
    const panel = (await page.locator('#person').textContent()) ?? '';
    expect(panel).toMatch(/Lena V\.\s*—\s*Messenger · Acme Page/);
    expect(panel).toMatch(/Lena Vogel\s*—\s*WhatsApp · Berlin store/);
    expect(panel).toContain('same email · by');
    const p = await person(wa.id);
    expect(p.identities.map((i) => i.id).sort()).toEqual([wa.id, ms.id].sort());
    const join = p.links.find((l) => !l.split && !l.undoneAt)!;
    expect(join.by?.kind).toBe(ActorKind.ADMIN);
    expect(join.reason).toContain('Same email in both conversations');
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'person-merged-first');
  });

  it('unmerges, recorded, and everything is exactly as before the merge', async () => {
    const join = page.locator('#person .link', { hasText: 'Same email in both' });
    await join.locator('summary', { hasText: 'Unmerge' }).click();
    await join.getByLabel('Reason (required)').fill('Checked with her: two different Lenas.');
    await join.getByRole('button', { name: 'Unmerge' }).click();
    await expect.poll(() => page.locator('#announce').textContent()).toContain('Unmerged:');
    await expect
      .poll(() => page.locator('#person .link.undone').textContent())
      .toContain('Undone by');
    expect(await page.locator('#person .link.undone del').count()).toBe(1);
    expect(await page.locator('#conv-h').textContent()).toBe('Conversation');
    const after = await snapshot();
    expect(after).toEqual(before);
    const undone = (await person(wa.id)).links.find((l) => l.undoneAt)!;
    expect(undone.undoReason).toBe('Checked with her: two different Lenas.');
    expect(undone.undoneBy?.kind).toBe(ActorKind.ADMIN);
  });

  it('merges by hand through the search, then replies on Messenger from the picker', async () => {
    await page.goto(userUrl(wa));
    await page.getByText('Merge with another conversation…').click();
    // The email is in both conversations' facts; this identity itself is never a candidate.
    await page.getByLabel('Find a conversation').fill(EMAIL);
    await page.getByRole('radio', { name: /Lena V\./ }).check();
    const form = page.locator('#person details[open] form');
    await form.getByLabel('Reason (required)').fill('She confirmed both on the phone.');
    await form.getByRole('button', { name: 'Merge' }).click();
    await expect.poll(() => page.locator('#announce').textContent()).toContain('Merged:');
    expect(await page.locator('#conv-h').textContent()).toBe('Timeline across channels');

    // The person last wrote on WhatsApp: that is the default; the admin picks Messenger.
    const onWhatsApp = page.getByRole('radio', { name: /WhatsApp · Berlin store/ });
    const onMessenger = page.getByRole('radio', { name: /Messenger · Acme Page/ });
    expect(await onWhatsApp.isChecked()).toBe(true);
    await onMessenger.check();
    const text = 'Yes, of course – send me the new address here and I will change it.';
    await page.getByLabel('Reply', { exact: true }).fill(text);
    await page.getByRole('button', { name: 'Send' }).click();
    await expect
      .poll(() => page.locator('#reply [role=status]').textContent())
      .toContain('Reply queued on Messenger · Acme Page');
    // Live in the timeline, marked with its channel.
    const bubble = page.locator('#messages .bubble.out', { hasText: 'send me the new address' });
    await expect.poll(() => bubble.count(), { timeout: 15_000 }).toBe(1);
    expect((await bubble.locator('.bubble-source').textContent())?.trim()).toBe(
      'Messenger · Acme Page',
    );
    // Recorded on the Messenger conversation only, and handed to the Send API for the PSID.
    const stored = await stack.grpc.call(
      'listMessages',
      ListMessagesRequest.fromPartial({ userId: ms.id, pageSize: 50 }),
    );
    const reply = stored.messages.find((m) => m.content?.text === text);
    expect(reply?.direction).toBe(Direction.OUTBOUND);
    expect(reply?.author?.kind).toBe(ActorKind.ADMIN);
    const onWa = await stack.grpc.call(
      'listMessages',
      ListMessagesRequest.fromPartial({ userId: wa.id, pageSize: 50 }),
    );
    expect(onWa.messages.some((m) => m.content?.text === text)).toBe(false);
    const call = await eventually(
      () => Promise.resolve(sendApi.sent.find((s) => s.body.message?.text === text)),
      (s) => s !== undefined,
    );
    expect(call?.path).toMatch(new RegExp(`/${PAGE}/messages$`));
    expect(call?.body.recipient?.id).toBe(PSID);

    for (const width of [1440, 375]) {
      await page.setViewportSize({ width, height: 900 });
      await page.reload();
      await expect.poll(() => page.locator('#messages .bubble').count()).toBe(3);
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - window.innerWidth,
      );
      expect(overflow, `user page at ${width}px`).toBeLessThanOrEqual(0);
      await page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(page, width === 1440 ? 'person' : 'person-375');
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('showed everything without a CSP violation or a failed request', () => {
    expect(problems).toEqual([]);
  });
});
