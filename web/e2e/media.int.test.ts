// Media in the conversation, in real Chromium against the real stack: a photo's thumbnail that
// opens full size, a voice note that plays nothing by itself, a PDF that downloads, the
// placeholders while fetching and when gone, and a reply with an image that lands in the
// thread. Files are attached the way ingest attaches them (ApplyWebhookEvents, then
// UploadMedia); every image and the PDF are made here.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type Page } from 'playwright-core';
import { launchChromium } from './browser.js';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaState, MessageType } from '@ue/proto';
import { ADMIN, startStack, type Stack } from './stack.js';

const SHOTS = join(tmpdir(), 'ue-media-shots');
const WA_ID = '4915112340077';

/** A one-page PDF with a line of text, with a correct cross-reference table. */
function tinyPdf(text: string): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    '',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  const stream = `BT /F1 18 Tf 24 72 Td (${text}) Tj ET`;
  objects[3] = `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`;
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** A photo-like picture: a diagonal gradient with a label, as a JPEG. */
async function photo(width: number, height: number, label: string): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#c9a36b"/><stop offset="1" stop-color="#5b3a1a"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>
    <rect x="${width * 0.2}" y="${height * 0.25}" width="${width * 0.6}" height="${height * 0.5}" fill="#8b5a2b" stroke="#2b1a0a" stroke-width="12"/>
    <text x="50%" y="52%" font-size="${Math.round(height / 9)}" text-anchor="middle" fill="#fff" font-family="sans-serif">${label}</text>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

/** An Ogg page header: what the file of a voice note starts with (never played here). */
function oggBytes(): Buffer {
  return Buffer.concat([Buffer.from('OggS\0\x02', 'latin1'), Buffer.alloc(4000, 1)]);
}

describe('media in the conversation, in Chromium', () => {
  let stack: Stack;
  let context: BrowserContext;
  let page: Page;
  let profileDir: string;
  let userUrl = '';
  const problems: string[] = [];
  const requested: string[] = [];
  const ids: Record<string, string> = {};
  const pdf = tinyPdf('Rechnung 4713 - 89,90 EUR');

  beforeAll(async () => {
    stack = await startStack('e2e_media');
    const m = stack.media;
    const who = { waId: WA_ID, name: 'Mara Medien' };
    const t0 = Date.now() - 10 * 60_000;
    const at = (min: number) => new Date(t0 + min * 60_000);
    ids.photo = await m.inbound({
      ...who,
      type: MessageType.IMAGE,
      mimeType: 'image/jpeg',
      caption: 'So kam das Paket an 😞',
      at: at(0),
    });
    await m.store(ids.photo, await photo(1200, 900, 'Paket #5820'), {
      mimeType: 'image/jpeg',
      width: 1200,
      height: 900,
    });
    ids.voice = await m.inbound({
      ...who,
      type: MessageType.AUDIO,
      mimeType: 'audio/ogg; codecs=opus',
      voice: true,
      at: at(1),
    });
    await m.store(ids.voice, oggBytes(), { mimeType: 'audio/ogg', durationMs: 7400 });
    ids.pdf = await m.inbound({
      ...who,
      type: MessageType.DOCUMENT,
      mimeType: 'application/pdf',
      filename: 'Rechnung_4713.pdf',
      caption: 'Die Rechnung',
      at: at(2),
    });
    await m.store(ids.pdf, pdf, { mimeType: 'application/pdf' });
    ids.sticker = await m.inbound({
      ...who,
      type: MessageType.STICKER,
      mimeType: 'image/webp',
      at: at(3),
    });
    await m.store(
      ids.sticker,
      await sharp({
        create: {
          width: 512,
          height: 512,
          channels: 4,
          background: { r: 0, g: 0, b: 0, alpha: 0 },
        },
      })
        .composite([
          {
            input: Buffer.from(
              '<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512"><circle cx="256" cy="256" r="220" fill="#ffcc33"/><circle cx="180" cy="200" r="30"/><circle cx="332" cy="200" r="30"/><path d="M150 320 Q256 420 362 320" stroke="#000" stroke-width="24" fill="none"/></svg>',
            ),
          },
        ])
        .webp()
        .toBuffer(),
      { mimeType: 'image/webp', width: 512, height: 512 },
    );
    ids.gone = await m.inbound({
      ...who,
      type: MessageType.VIDEO,
      mimeType: 'video/mp4',
      at: at(4),
    });
    await m.unavailable(ids.gone, 'the provider answered 404: media id expired');
    ids.pending = await m.inbound({
      ...who,
      type: MessageType.DOCUMENT,
      mimeType: 'application/pdf',
      filename: 'Lieferschein.pdf',
      at: at(5),
    });
    const [mara] = await stack.listUsers('Mara');
    userUrl = `${stack.bffUrl}/users/${encodeURIComponent(mara!.id)}`;

    ({ context, profileDir } = await launchChromium({
      viewport: { width: 1440, height: 900 },
      acceptDownloads: true,
    }));
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (msg) => {
      if (/Content Security Policy|Refused to|htmx/i.test(msg.text()))
        problems.push(`console: ${msg.text()} (${expect.getState().currentTestName ?? 'setup'})`);
    });
    page.on('request', (r) => requested.push(r.url()));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(userUrl);
    await page.waitForURL(/\/login/);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(userUrl);
  });

  afterAll(async () => {
    await context?.close();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
    await stack?.stop();
  });

  const bubble = (id: string) => page.locator(`#msg-${id}`);

  it('shows the photo as a loaded thumbnail that links to the full size', async () => {
    const img = bubble(ids.photo!).locator('.media-image img');
    // Lazy: it loads once scrolled into view (live updates may swap the bubble meanwhile).
    await expect
      .poll(async () => {
        await img.scrollIntoViewIfNeeded().catch(() => undefined);
        return img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth);
      })
      .toBe(320);
    expect(await img.getAttribute('loading')).toBe('lazy');
    expect(await img.evaluate((el: HTMLImageElement) => el.naturalHeight)).toBe(240);
    const full = await bubble(ids.photo!).locator('a.media-image').getAttribute('href');
    expect(full).toMatch(new RegExp(`/media/${ids.photo}$`));
    expect(await bubble(ids.photo!).textContent()).toContain('So kam das Paket an 😞');
    // Opened on its own, the full-size photo still displays under the sandbox policy.
    const tab = await context.newPage();
    await tab.goto(new URL(full!, page.url()).toString());
    await expect
      .poll(() => tab.evaluate(() => document.querySelector('img')?.naturalWidth ?? 0))
      .toBe(1200);
    await tab.close();
    // The sticker is a small inline image.
    const sticker = bubble(ids.sticker!).locator('img.sticker');
    await expect
      .poll(() => sticker.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth))
      .toBe(320);
    expect((await sticker.boundingBox())!.width).toBeLessThanOrEqual(130);
  });

  it('gives the voice note a player that neither autoplays nor loads the file', async () => {
    const audio = bubble(ids.voice!).locator('audio');
    expect(await audio.count()).toBe(1);
    const state = await audio.evaluate((el: HTMLAudioElement) => ({
      autoplay: el.autoplay,
      paused: el.paused,
      preload: el.preload,
      controls: el.controls,
      played: el.played.length,
    }));
    expect(state).toEqual({
      autoplay: false,
      paused: true,
      preload: 'none',
      controls: true,
      played: 0,
    });
    expect(await bubble(ids.voice!).textContent()).toContain('Voice note · 0:07');
    // preload="none": nothing of the recording was requested.
    expect(requested.filter((u) => u.endsWith(`/media/${ids.voice}`))).toEqual([]);
    expect(
      await page.evaluate(
        () => document.querySelectorAll('audio[autoplay], video[autoplay]').length,
      ),
    ).toBe(0);
  });

  it('downloads the PDF from its card', async () => {
    const card = bubble(ids.pdf!).locator('.doc-card');
    expect(await card.textContent()).toContain('Rechnung_4713.pdf');
    expect(await card.textContent()).toMatch(/\d+ B · PDF|\d(\.\d)? KB · PDF/);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      card.getByRole('link', { name: 'Download Rechnung_4713.pdf' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('Rechnung_4713.pdf');
    const bytes = readFileSync(await download.path());
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(bytes.equals(pdf)).toBe(true);
  });

  it('says when a file is still being fetched, and when the provider no longer has it', async () => {
    expect(await bubble(ids.pending!).textContent()).toContain('Fetching document from WhatsApp…');
    const gone = await bubble(ids.gone!).textContent();
    expect(gone).toContain('No longer available from the provider');
    expect(gone).toContain('media id expired');
    expect(await bubble(ids.gone!).locator('video').count()).toBe(0);
  });

  it('takes screenshots at 1440 px and at 375 px, newest and oldest messages', async () => {
    // caret: 'initial' because hiding the caret leaves style="" on every input, which htmx
    // would then copy onto swapped-in inputs (an inline style the page's CSP refuses).
    mkdirSync(SHOTS, { recursive: true });
    const log = page.locator('#messages');
    for (const [width, height] of [
      [1440, 1100],
      [375, 812],
    ] as const) {
      await page.setViewportSize({ width, height });
      // The list is laid out bottom-up: scrollTop 0 is the newest message.
      await log.evaluate((el) => el.scrollTo({ top: 0 }));
      await page.screenshot({
        path: join(SHOTS, `media-${width}.png`),
        fullPage: true,
        caret: 'initial',
      });
      await log.evaluate((el) => el.scrollTo({ top: -el.scrollHeight }));
      await page.screenshot({
        path: join(SHOTS, `media-${width}-older.png`),
        fullPage: true,
        caret: 'initial',
      });
      // Nothing wider than the screen.
      expect(
        await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
      ).toBeLessThanOrEqual(0);
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('sends a reply with an image, which appears in the thread as a thumbnail', async () => {
    const png = await sharp({
      create: { width: 800, height: 600, channels: 3, background: '#2f6fdb' },
    })
      .png()
      .toBuffer();
    await page.getByLabel('Reply').fill('Danke! Hier ist das Rücksendeetikett.');
    await page.locator('#reply input[type=file]').setInputFiles({
      name: 'etikett.png',
      mimeType: 'image/png',
      buffer: png,
    });
    await page.getByRole('button', { name: 'Send' }).click();
    await expect
      .poll(() => page.locator('#reply [role=status]').textContent(), { timeout: 15_000 })
      .toContain('Reply queued');
    const sent = page.locator('#messages .bubble.out', { hasText: 'Rücksendeetikett' });
    await expect.poll(() => sent.count(), { timeout: 15_000 }).toBe(1);
    const img = sent.locator('.media-image img');
    await expect
      .poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth), {
        timeout: 15_000,
      })
      .toBe(320);
    const id = ((await sent.getAttribute('id')) ?? '').replace(/^msg-/, '');
    const stored = (await stack.media.get(id))?.content?.media?.stored;
    expect(stored?.state).toBe(MediaState.STORED);
    expect(stored?.sizeBytes).toBe(png.length);
    // The form is fresh again: no file left in it.
    expect(
      await page
        .locator('#reply input[type=file]')
        .evaluate((el: HTMLInputElement) => el.files?.length ?? 0),
    ).toBe(0);
    await page.locator('#messages').evaluate((el) => el.scrollTo({ top: 0 }));
    await page.screenshot({
      path: join(SHOTS, 'media-reply-1440.png'),
      fullPage: false,
      caret: 'initial',
    });
  });

  it('refuses a file of the wrong kind in the page', async () => {
    await page.locator('#reply input[type=file]').setInputFiles({
      name: 'virus.png',
      mimeType: 'image/png',
      buffer: Buffer.from('<html><script>alert(1)</script></html>'),
    });
    await page.getByRole('button', { name: 'Send' }).click();
    await expect
      .poll(() => page.locator('#reply [role=alert]').textContent())
      .toContain('Attach a JPEG, PNG or WebP image, or a PDF or Office document.');
  });

  it('had no script errors, CSP violations or failed requests', () => {
    expect(problems).toEqual([]);
  });
});
