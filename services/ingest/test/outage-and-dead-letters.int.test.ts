// Operations acceptance: with profiles stopped, webhooks are still accepted and later applied
// exactly once; jobs that exhaust their attempts or are malformed become dead letters that the
// documented command lists and replays; SIGTERM shuts ingest down cleanly.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort, requireEnv, testMongoUrl, uniqueName } from '@ue/testing';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AGENT_TOKEN,
  APP_SECRET,
  drained,
  eventually,
  fixture,
  ingestEnv,
  postWebhook,
  signBody,
  startIngest,
  startProfiles,
  type Ingest,
  type Profiles,
} from './helpers.js';
import { testProfilesClient, type TestProfilesClient } from './profiles-client.js';

const A = '117733559900011';
const CLI = fileURLToPath(new URL('../dist/cli/dead-letters.js', import.meta.url));
const redisUrl = requireEnv('REDIS_URL');
const mongoUrl = testMongoUrl('ingest_outage');

async function deadLetters(prefix: string, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [CLI, ...args], {
    env: { ...process.env, REDIS_URL: redisUrl, BULLMQ_PREFIX: prefix },
  });
  return stdout;
}

async function post(ingest: Ingest, body: Buffer): Promise<number> {
  return (await postWebhook(ingest.url, body, signBody(body, APP_SECRET))).status;
}

describe('profiles down, then back', () => {
  const prefix = uniqueName('ingest_outage');
  let ingest: Ingest;
  let profiles: Profiles | undefined;
  let queue: Queue;
  let client: TestProfilesClient;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    ingest = await startIngest(
      ingestEnv({
        redisUrl,
        prefix,
        profilesAddr: `127.0.0.1:${port}`,
        extra: { PROFILES_DEADLINE_MS: '1500' },
      }),
    );
    queue = new Queue('webhooks', { connection: { url: redisUrl }, prefix });
  });

  afterAll(async () => {
    client?.close();
    await queue?.close();
    await ingest?.proc.stop();
    await profiles?.proc.stop();
  });

  it('accepts webhooks while profiles is stopped, retries, then applies every event exactly once', async () => {
    const names = [
      'text-basic.json',
      'document-pdf.json',
      'text-forwarded.json',
      'batch-3-messages-2-contacts.json',
      'image-with-caption.json',
    ];
    for (const name of names) expect(await post(ingest, fixture(name))).toBe(200);
    const health = await fetch(`${ingest.url}/healthz`);
    expect([health.status, await health.json()]).toEqual([
      503,
      { status: 'degraded', redis: 'up', profiles: 'down' },
    ]);
    await eventually(
      async () => {
        const jobs = await queue.getJobs(['delayed', 'waiting', 'active']);
        return jobs.filter((j) => j.attemptsMade >= 2).length === names.length ? true : undefined;
      },
      20_000,
      'every job retried twice',
    );

    profiles = await startProfiles({ mongoUrl, redisUrl, prefix, port });
    client = testProfilesClient(profiles.addr, AGENT_TOKEN);
    const counts = await drained(queue, 30_000);
    expect([counts.completed, counts.failed]).toEqual([names.length, 0]);

    const expected: Array<[string, number]> = [
      ['4917640286153', 2],
      ['33745812093', 2],
      ['966503318842', 2],
      ['886912470385', 1],
      ['817034561289', 1],
    ];
    for (const [waId, n] of expected) {
      const user = await client.user(A, { waId });
      expect([waId, user?.counters?.inboundMessages]).toEqual([waId, n]);
      expect((await client.messages(user!.id)).length).toBe(n);
    }
    expect((await fetch(`${ingest.url}/healthz`)).status).toBe(200);
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(await ingest.proc.stop('SIGTERM')).toBe(0);
  });
});

describe('dead letters', () => {
  const prefix = uniqueName('ingest_dead');
  let ingest: Ingest;
  let profiles: Profiles | undefined;
  let queue: Queue;
  let port: number;
  const good = fixture('text-bsuid-username-no-phone.json');
  // Signed and JSON, but not something the parser can apply: no phone_number_id.
  const malformed = Buffer.from(
    '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"metadata":{},"messages":[]}}]}]}',
  );

  beforeAll(async () => {
    port = await freePort();
    ingest = await startIngest(
      ingestEnv({
        redisUrl,
        prefix,
        profilesAddr: `127.0.0.1:${port}`,
        extra: { WEBHOOK_ATTEMPTS: '2', RETRY_BASE_MS: '100', PROFILES_DEADLINE_MS: '3000' },
      }),
    );
    queue = new Queue('webhooks', { connection: { url: redisUrl }, prefix });
  });

  afterAll(async () => {
    await queue?.close();
    await ingest?.proc.stop();
    await profiles?.proc.stop();
  });

  it('keeps failed deliveries with their reason; the command lists them and replays one', async () => {
    // Profiles is down and this instance gives up after 2 attempts: a dead letter.
    expect(await post(ingest, good)).toBe(200);
    await eventually(
      async () => ((await queue.getFailedCount()) === 1 ? true : undefined),
      20_000,
      'first dead letter',
    );
    profiles = await startProfiles({
      mongoUrl: testMongoUrl('ingest_dead'),
      redisUrl,
      prefix,
      port,
    });
    // Malformed input fails for good at once, without retries; the dead letter keeps its bytes.
    expect(await post(ingest, malformed)).toBe(200);
    await eventually(
      async () => ((await queue.getFailedCount()) === 2 ? true : undefined),
      20_000,
      'second dead letter',
    );

    const listed = await deadLetters(prefix, 'list');
    expect(listed).toMatch(
      /attempts 1\t.*malformed delivery: entry\[0\]\.changes\[0\]\.value: value without metadata\.phone_number_id/,
    );
    expect(listed).toMatch(/attempts 2\t.*profiles: /);
    expect(listed).toContain('2 dead letter(s)');

    const goodId = (await queue.getFailed()).find((j) =>
      j.failedReason.startsWith('profiles'),
    )!.id!;
    expect(await deadLetters(prefix, 'replay', goodId)).toContain(`replayed ${goodId}`);
    await eventually(
      async () => ((await queue.getCompletedCount()) === 1 ? true : undefined),
      20_000,
      'replayed job completed',
    );

    const client = testProfilesClient(profiles.addr, AGENT_TOKEN);
    try {
      const rafa = await client.user(A, { bsuid: 'BR.5092837461029384756' });
      expect((await client.messages(rafa!.id)).map((m) => m.content?.text)).toEqual([
        'Olá! Vocês fazem entrega em Florianópolis?',
      ]);
    } finally {
      client.close();
    }
    expect(await deadLetters(prefix, 'list')).toContain('1 dead letter(s)');
  });
});

describe('graceful shutdown with work in flight', () => {
  const prefix = uniqueName('ingest_shutdown');
  let profiles: Profiles | undefined;
  let queue: Queue;

  beforeAll(() => {
    queue = new Queue('webhooks', { connection: { url: redisUrl }, prefix });
  });

  afterAll(async () => {
    await queue?.close();
    await profiles?.proc.stop();
  });

  it('SIGTERM while a delivery waits on profiles: exit 0, the job stays queued, a new instance applies it', async () => {
    const port = await freePort();
    const env = ingestEnv({
      redisUrl,
      prefix,
      profilesAddr: `127.0.0.1:${port}`,
      extra: { PROFILES_DEADLINE_MS: '3000', RETRY_BASE_MS: '500' },
    });
    const first = await startIngest(env);
    const body = fixture('location-pin.json');
    expect(await post(first, body)).toBe(200);
    await eventually(
      async () => ((await queue.getActiveCount()) === 1 ? true : undefined),
      10_000,
      'job in flight',
    );
    expect(await first.proc.stop('SIGTERM')).toBe(0);
    const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
    expect(await Promise.all(jobs.map((j) => j.getState()))).toEqual([
      expect.stringMatching(/^(waiting|delayed|wait)$/),
    ]);

    profiles = await startProfiles({
      mongoUrl: testMongoUrl('ingest_shutdown'),
      redisUrl,
      prefix,
      port,
    });
    const second = await startIngest(env);
    try {
      await drained(queue, 30_000);
      const client = testProfilesClient(profiles.addr, AGENT_TOKEN);
      const siobhan = await client.user(A, { waId: '353867041295' });
      expect(
        (await client.messages(siobhan!.id)).map((m) => m.content?.location?.latitude),
      ).toEqual([53.2743394]);
      client.close();
    } finally {
      await second.proc.stop();
    }
  });
});
