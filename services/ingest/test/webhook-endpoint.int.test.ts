// The webhook endpoint as the provider sees it: the built service, real HTTP, real Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { freePort, requireEnv, startProcess, uniqueName } from '@ue/testing';
import { Queue } from 'bullmq';
import {
  INGEST_ENTRY,
  fixture,
  postWebhook,
  signBody,
  startIngest,
  type Ingest,
} from './helpers.js';

const OLD_SECRET = 'old-app-secret-1';
const NEW_SECRET = 'new-app-secret-2';
const prefix = uniqueName('ingest_endpoint');
let ingest: Ingest;
let queue: Queue;

const baseEnv = async (): Promise<Record<string, string>> => ({
  REDIS_URL: requireEnv('REDIS_URL'),
  PROFILES_ADDR: `127.0.0.1:${await freePort()}`,
  PROFILES_TOKEN: 'test-token-ingest',
  WHATSAPP_APP_SECRET: `${OLD_SECRET},${NEW_SECRET}`,
  WHATSAPP_VERIFY_TOKEN: 'verify-me',
  WHATSAPP_ACCESS_TOKEN: 'access',
  BULLMQ_PREFIX: prefix,
  // Only the endpoint: jobs stay where the provider's POST put them.
  INGEST_ROLES: 'http',
});

const jobId = (body: Uint8Array): string => `wa-${createHash('sha256').update(body).digest('hex')}`;
const totalJobs = async (): Promise<number> => {
  const counts = await queue.getJobCounts();
  return Object.values(counts).reduce((a, b) => a + b, 0);
};

beforeAll(async () => {
  ingest = await startIngest(await baseEnv());
  queue = new Queue('webhooks', { connection: { url: requireEnv('REDIS_URL') }, prefix });
});

afterAll(async () => {
  await queue?.obliterate({ force: true }).catch(() => undefined);
  await queue?.close();
  await ingest?.proc.stop();
});

describe('GET /webhooks/whatsapp (subscription handshake)', () => {
  it('echoes hub.challenge exactly, as plain text, for the right token', async () => {
    const res = await fetch(
      `${ingest.url}/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=0804512337&hub.verify_token=verify-me`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('0804512337');
  });

  it('refuses a wrong token or mode with 403', async () => {
    const wrong = await fetch(
      `${ingest.url}/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1&hub.verify_token=nope`,
    );
    const mode = await fetch(
      `${ingest.url}/webhooks/whatsapp?hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=verify-me`,
    );
    expect([wrong.status, mode.status]).toEqual([403, 403]);
  });
});

describe('POST /webhooks/whatsapp refusals (nothing queued)', () => {
  const body = fixture('wire-format-escaped-unicode.json');

  it.each([
    ['no signature header', body, undefined],
    ['a wrong secret', body, signBody(body, 'not-the-secret')],
    [
      'a signature without the sha256= prefix',
      body,
      signBody(body, NEW_SECRET).slice('sha256='.length),
    ],
    ['a signature of the wrong length', body, signBody(body, NEW_SECRET).slice(0, -2)],
    // Re-serialising writes é as UTF-8 and "/" unescaped: the provider's HMAC no longer matches.
    [
      'a re-serialized body (unicode escapes changed)',
      Buffer.from(JSON.stringify(JSON.parse(body.toString()))),
      signBody(body, NEW_SECRET),
    ],
    ['a truncated body', body.subarray(0, body.length - 10), signBody(body, NEW_SECRET)],
  ])('answers 401 for %s', async (_what, sent, signature) => {
    const before = await totalJobs();
    const res = await postWebhook(ingest.url, sent, signature);
    expect(res.status).toBe(401);
    expect(await totalJobs()).toBe(before);
  });

  it('answers 400 for a correctly signed body that is not JSON', async () => {
    const truncated = body.subarray(0, body.length - 10);
    const res = await postWebhook(ingest.url, truncated, signBody(truncated, NEW_SECRET));
    expect(res.status).toBe(400);
    expect(await queue.getJob(jobId(truncated))).toBeUndefined();
  });

  it('answers 413 for a body over 3 MB, declared or streamed without a length', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 1, 0x20);
    big.write('{"object":"whatsapp_business_account","entry":[]}');
    const before = await totalJobs();
    const declared = await postWebhook(ingest.url, big, signBody(big, NEW_SECRET));
    expect(declared.status).toBe(413);
    const streamed = await fetch(`${ingest.url}/webhooks/whatsapp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signBody(big, NEW_SECRET),
      },
      body: new ReadableStream({
        start(c) {
          for (let i = 0; i < big.length; i += 65536) c.enqueue(big.subarray(i, i + 65536));
          c.close();
        },
      }),
      duplex: 'half',
    });
    expect(streamed.status).toBe(413);
    expect(await totalJobs()).toBe(before);
  });
});

/** What a raw connection saw: the bytes the server sent, and how the connection ended. */
interface RawExchange {
  response: string;
  serverClosed: boolean;
  error?: string;
}

/** POST a chunked body of `bytes` spaces (no Content-Length) on a fresh connection. */
function chunkedPost(port: number, bytes: number): Promise<RawExchange> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const seen: RawExchange = { response: '', serverClosed: false };
    socket.on('data', (d: Buffer) => (seen.response += d.toString('latin1')));
    socket.on('end', () => (seen.serverClosed = true));
    socket.on('error', (err: NodeJS.ErrnoException) => (seen.error = err.code ?? err.message));
    socket.on('close', () => resolve(seen));
    const timer = setTimeout(() => socket.destroy(), 10_000);
    socket.on('close', () => clearTimeout(timer));
    socket.write(
      'POST /webhooks/whatsapp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
        'X-Hub-Signature-256: sha256=00\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = (): void => {
      while (sent < bytes) {
        sent += chunk.length;
        const ok = socket.write(`${chunk.length.toString(16)}\r\n${chunk.toString('latin1')}\r\n`);
        if (!ok) return void socket.once('drain', pump);
      }
      socket.write('0\r\n\r\n');
    };
    pump();
  });
}

describe('connection handling', () => {
  it('closes the connection cleanly after a 413 on a chunked body, saying so', async () => {
    // A client that goes on sending after the limit (up to twice it) still reads the 413: the
    // server takes in the rest, answers, then closes with a FIN instead of a reset.
    for (const bytes of [3.5, 6, 6].map((mb) => Math.round(mb * 1e6))) {
      const seen = await chunkedPost(ingest.port, bytes);
      const head = seen.response.split('\r\n\r\n')[0]!.toLowerCase();
      expect(head, `${bytes} bytes`).toMatch(/^http\/1\.1 413 /);
      expect(head).toMatch(/\r\nconnection: close(\r\n|$)/);
      expect(head).not.toMatch(/keep-alive/);
      expect([seen.serverClosed, seen.error]).toEqual([true, undefined]);
      expect(seen.response.match(/HTTP\/1\.1 /g)).toHaveLength(1);
    }
    const fresh = await fetch(
      `${ingest.url}/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=42&hub.verify_token=verify-me`,
    );
    expect([fresh.status, await fresh.text()]).toEqual([200, '42']);
  });
});

describe('POST /webhooks/whatsapp acceptance', () => {
  it('queues the exact signed bytes once, however often the provider retries', async () => {
    const body = fixture('wire-format-escaped-unicode.json');
    const first = await postWebhook(ingest.url, body, signBody(body, NEW_SECRET));
    expect(first.status).toBe(200);
    const again = await postWebhook(ingest.url, body, signBody(body, NEW_SECRET));
    expect(again.status).toBe(200);

    const job = await queue.getJob(jobId(body));
    expect(job).toBeDefined();
    const data = job!.data as { bodyBase64: string; sha256: string; receivedAt: string };
    expect(Buffer.from(data.bodyBase64, 'base64').equals(body)).toBe(true);
    expect(Date.parse(data.receivedAt)).toBeGreaterThan(Date.now() - 60_000);
    const ids = (await queue.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed'])).map(
      (j) => j.id,
    );
    expect(ids.filter((id) => id === jobId(body))).toHaveLength(1);
  });

  it('accepts the previous app secret during a rotation', async () => {
    const body = fixture('text-basic.json');
    const res = await postWebhook(ingest.url, body, signBody(body, OLD_SECRET));
    expect(res.status).toBe(200);
    expect(await queue.getJob(jobId(body))).toBeDefined();
  });
});

describe('outages and configuration', () => {
  it('answers 503 quickly when Redis is unreachable, and never hangs', async () => {
    const env = { ...(await baseEnv()), REDIS_URL: `redis://127.0.0.1:${await freePort()}` };
    const down = await startIngest(env);
    try {
      const body = fixture('text-basic.json');
      const started = Date.now();
      const res = await postWebhook(down.url, body, signBody(body, NEW_SECRET));
      expect(res.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(5000);
      const health = await fetch(`${down.url}/healthz`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ redis: 'down' });
    } finally {
      await down.proc.stop();
    }
  });

  it('listens on HOST only: the webhook, /healthz and /metrics all on that address', async () => {
    const port = await freePort();
    const at = (host: string, path: string) => fetch(`http://${host}:${port}${path}`);
    const handshake =
      '/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=5';
    const proc = await startProcess(
      INGEST_ENTRY,
      { ...(await baseEnv()), LOG_LEVEL: 'warn', HOST: '127.0.0.2', PORT: String(port) },
      async () => (await at('127.0.0.2', handshake)).status === 200,
    );
    try {
      expect((await at('127.0.0.2', '/metrics')).status).toBe(200);
      // /healthz answers (503: no profiles in this test), so it is served on HOST too.
      expect((await at('127.0.0.2', '/healthz')).status).toBe(503);
      const refused = await at('127.0.0.1', handshake).then(
        () => 'answered',
        (err: Error & { cause?: { code?: string } }) => err.cause?.code,
      );
      expect(refused).toBe('ECONNREFUSED');
    } finally {
      await proc.stop();
    }
  });

  it('exits non-zero naming each missing or malformed variable', () => {
    const env: Record<string, string> = {
      ...process.env,
      REDIS_URL: requireEnv('REDIS_URL'),
      PROFILES_ADDR: '127.0.0.1:1',
      PORT: 'abc',
    };
    for (const k of [
      'WHATSAPP_APP_SECRET',
      'WHATSAPP_VERIFY_TOKEN',
      'WHATSAPP_ACCESS_TOKEN',
      'PROFILES_TOKEN',
    ])
      delete env[k];
    env.WHATSAPP_VERIFY_TOKEN = 'v';
    env.WHATSAPP_ACCESS_TOKEN = 'a';
    env.PROFILES_TOKEN = 'a-long-enough-token';
    const run = spawnSync(process.execPath, [INGEST_ENTRY], {
      env,
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('WHATSAPP_APP_SECRET: required but not set');
    expect(run.stderr).toMatch(/PORT: /);
  });
});
