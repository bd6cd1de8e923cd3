// Debian's Chromium for the browser tests, headless with the flags this machine needs, in a fresh
// profile directory per test file (playwright's way of passing --user-data-dir).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export async function launchChromium(o: {
  viewport: { width: number; height: number };
  acceptDownloads?: boolean;
}): Promise<{ context: BrowserContext; profileDir: string }> {
  const profileDir = mkdtempSync(join(tmpdir(), 'ue-chromium-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: o.viewport,
    ...(o.acceptDownloads ? { acceptDownloads: true } : {}),
  });
  return { context, profileDir };
}
