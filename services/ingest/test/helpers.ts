// Shared helpers for ingest's integration tests: fixtures, signing, spawning built services.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import {
  freePort,
  signWebhook,
  startProcess,
  startProfilesService,
  type ProfilesService,
  type RunningProcess,
} from '@ue/testing';
import type { Queue } from 'bullmq';

export { fixture, fixtureNames } from '@ue/testing';

/** X-Hub-Signature-256 for exact bytes, as the provider computes it. */
export const signBody = (body: Uint8Array, secret: string): string =>
  signWebhook(Buffer.from(body.buffer, body.byteOffset, body.byteLength), secret);

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
  const proc = await startProcess(
    INGEST_ENTRY,
    { LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...env, PORT: String(port) },
    async () => {
      const res = await fetch(
        `${url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${env.WHATSAPP_VERIFY_TOKEN ?? ''}&hub.challenge=1`,
      );
      return res.status === 200;
    },
  );
  return { url, port, proc };
}

export async function postWebhook(
  url: string,
  body: Uint8Array,
  signature?: string,
): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== undefined) headers['x-hub-signature-256'] = signature;
  return fetch(`${url}/webhooks/whatsapp`, { method: 'POST', headers, body });
}

/** A body signed with the test app secret, posted to /webhooks/messenger or /webhooks/instagram. */
export async function postMeta(
  url: string,
  o: { route: 'messenger' | 'instagram'; body: Uint8Array },
): Promise<Response> {
  return fetch(`${url}/webhooks/${o.route}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': signBody(o.body, APP_SECRET),
    },
    body: o.body,
  });
}

/** Poll until check() returns a value (not undefined) or time runs out. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `${what} not reached after ${timeoutMs} ms${lastErr instanceof Error ? `: ${lastErr.message}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const INGEST_TOKEN = 'tok-ingest-0123456789';
export const AGENT_TOKEN = 'tok-agent-0123456789';
export const APP_SECRET = 'fixture-app-secret';
export const VERIFY_TOKEN = 'verify-me';

export type Profiles = ProfilesService;

/** Start profiles' built server (real gRPC over a socket); ready when its /healthz answers 200. */
export function startProfiles(o: {
  mongoUrl: string;
  redisUrl: string;
  prefix: string;
  port?: number;
}): Promise<Profiles> {
  return startProfilesService({
    ...o,
    entry: profilesEntry(),
    tokens: `ingest:${INGEST_TOKEN},carol:${AGENT_TOKEN}`,
  });
}

/** Environment for an ingest process wired to a profiles address, tuned for fast tests. */
export function ingestEnv(o: {
  redisUrl: string;
  prefix: string;
  profilesAddr: string;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    REDIS_URL: o.redisUrl,
    PROFILES_ADDR: o.profilesAddr,
    PROFILES_TOKEN: INGEST_TOKEN,
    WHATSAPP_APP_SECRET: APP_SECRET,
    WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
    WHATSAPP_ACCESS_TOKEN: 'test-access-token',
    // Nothing listens there: a test that fetches media or sends points this at its stand-in.
    WHATSAPP_API_BASE_URL: 'http://127.0.0.1:9/v24.0',
    BULLMQ_PREFIX: o.prefix,
    WEBHOOK_BATCH_WINDOW_MS: '30',
    RETRY_BASE_MS: '200',
    RETRY_MAX_MS: '1000',
    PROFILES_DEADLINE_MS: '3000',
    ...o.extra,
  };
}

/** Resolve once the webhook queue holds no waiting, active or delayed job. */
export async function drained(queue: Queue, timeoutMs = 30_000): Promise<Record<string, number>> {
  return eventually(
    async () => {
      const c = await queue.getJobCounts(
        'waiting',
        'active',
        'delayed',
        'prioritized',
        'completed',
        'failed',
      );
      return (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0) === 0
        ? c
        : undefined;
    },
    timeoutMs,
    'queue drained',
  );
}
