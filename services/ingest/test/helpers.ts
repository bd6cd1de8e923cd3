// Shared helpers for ingest's integration tests: fixtures, signing, spawning built services.
import { createHmac } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { freePort, startProcess, type RunningProcess } from '@ue/testing';

/** shared/ sits beside the repository (CI clones it there). */
export const FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures/whatsapp/', import.meta.url));

export function fixtureNames(): string[] {
  return readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).sort();
}

export function fixture(name: string): Buffer {
  return readFileSync(FIXTURES + name);
}

export function signBody(body: Uint8Array, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export const INGEST_ENTRY = fileURLToPath(new URL('../dist/main.js', import.meta.url));
// Resolved through the workspace link (package "main"), without importing its code.
export const profilesEntry = (): string => createRequire(import.meta.url).resolve('@ue/profiles');

export interface Ingest {
  url: string;
  port: number;
  proc: RunningProcess;
}

/** Start the built ingest service; ready when the webhook handshake answers. */
export async function startIngest(env: Record<string, string>): Promise<Ingest> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = await startProcess(INGEST_ENTRY, { LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...env, PORT: String(port) }, async () => {
    const res = await fetch(`${url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${env.WHATSAPP_VERIFY_TOKEN ?? ''}&hub.challenge=1`);
    return res.status === 200;
  });
  return { url, port, proc };
}

export async function postWebhook(url: string, body: Uint8Array, signature?: string): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== undefined) headers['x-hub-signature-256'] = signature;
  return fetch(`${url}/webhooks/whatsapp`, { method: 'POST', headers, body });
}

/** Poll until check() returns a value (not undefined) or time runs out. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline) throw new Error(`${what} not reached after ${timeoutMs} ms${lastErr instanceof Error ? `: ${lastErr.message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
