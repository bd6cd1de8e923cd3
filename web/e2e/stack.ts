// The real stack for browser tests: profiles, ingest and bff as child processes on free
// ports (built dist/main.js), plus helpers to post signed webhooks like Meta does.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createProfilesClient, type ProfilesClient } from '@ue/profiles-client';
import {
  ActorKind,
  AddLogEntryRequest,
  ListUsersRequest,
  LogEntryKind,
  MessageType,
  RecordOutboundMessageRequest,
  UpsertFactsRequest,
  type User,
} from '@ue/proto';
import {
  freePort,
  requireEnv,
  signWebhook,
  startProcess,
  testMongoUrl,
  uniqueName,
  type RunningProcess,
} from '@ue/testing';

const require = createRequire(import.meta.url);
// Not a declared dependency: @ue/bff depends on @ue/web, so the reverse edge would be a cycle.
// web/turbo.json makes test:int wait for @ue/bff#build instead.
const BFF_MAIN = fileURLToPath(new URL('../../services/bff/dist/main.js', import.meta.url));

export const BASE = '/dev/user-engagement';
export const ADMIN = { email: 'e2e-admin@example.com', password: 'e2e correct horse battery' };
const APP_SECRET = randomBytes(16).toString('hex');

export interface Stack {
  bffUrl: string;
  ingestUrl: string;
  postWebhook(body: string | Buffer): Promise<number>;
  listUsers(query: string): Promise<User[]>;
  /** What an agent would do over gRPC: facts, its own outbound messages, follow-ups. */
  agent: {
    upsertFacts(
      userId: string,
      facts: { key: string; value: string; confidence: number }[],
    ): Promise<void>;
    recordOutbound(userId: string, text: string, wamid: string, sentAt: Date): Promise<string>;
    addFollowUp(userId: string, text: string, dueAt: Date): Promise<void>;
  };
  stop(): Promise<void>;
}

const healthy = (url: string) => async () => (await fetch(url)).status === 200;

const carol = { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol (AI agent)' };

/** What an agent would do over gRPC, through the one profiles client. */
function agentOf(client: ProfilesClient): Stack['agent'] {
  return {
    async upsertFacts(userId, facts) {
      await client.call(
        'upsertFacts',
        UpsertFactsRequest.fromPartial({ userId, facts, author: carol }),
      );
    },
    async recordOutbound(userId, text, wamid, sentAt) {
      const res = await client.call(
        'recordOutboundMessage',
        RecordOutboundMessageRequest.fromPartial({
          userId,
          wamid,
          content: { type: MessageType.TEXT, text },
          author: carol,
          sentAt,
        }),
      );
      return res.message?.id ?? '';
    },
    async addFollowUp(userId, text, dueAt) {
      await client.call(
        'addLogEntry',
        AddLogEntryRequest.fromPartial({
          userId,
          kind: LogEntryKind.FOLLOW_UP,
          text,
          dueAt,
          author: carol,
          clientId: randomBytes(8).toString('hex'),
        }),
      );
    },
  };
}

export async function startStack(label: string): Promise<Stack> {
  const redis = requireEnv('REDIS_URL');
  const ns = uniqueName(label);
  const tokens = {
    bff: randomBytes(12).toString('hex'),
    ingest: randomBytes(12).toString('hex'),
    test: randomBytes(12).toString('hex'),
  };
  const [pPort, pMetrics, iPort, bPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const procs: RunningProcess[] = [];
  const stop = async (): Promise<void> => {
    for (const p of procs.reverse()) await p.stop();
  };
  try {
    procs.push(
      await startProcess(
        require.resolve('@ue/profiles'),
        {
          MONGO_URL: testMongoUrl(label),
          REDIS_URL: redis,
          PROFILES_TOKENS: `bff:${tokens.bff},ingest:${tokens.ingest},test:${tokens.test}`,
          PORT: String(pPort),
          METRICS_PORT: String(pMetrics),
          EVENTS_STREAM: `${ns}:events`,
          BULLMQ_PREFIX: ns,
          WATCH_HEARTBEAT_MS: '1000',
          LOG_LEVEL: 'warn',
        },
        { check: healthy(`http://127.0.0.1:${pMetrics}/healthz`), timeoutMs: 45_000 },
      ),
    );
    procs.push(
      await startProcess(
        require.resolve('@ue/ingest'),
        {
          REDIS_URL: redis,
          PROFILES_ADDR: `127.0.0.1:${pPort}`,
          PROFILES_TOKEN: tokens.ingest,
          WHATSAPP_APP_SECRET: APP_SECRET,
          WHATSAPP_VERIFY_TOKEN: 'verify',
          WHATSAPP_ACCESS_TOKEN: 'unused-in-tests',
          WHATSAPP_API_BASE_URL: 'http://127.0.0.1:9',
          BULLMQ_PREFIX: ns,
          WEBHOOK_BATCH_WINDOW_MS: '20',
          PORT: String(iPort),
          LOG_LEVEL: 'warn',
        },
        { check: healthy(`http://127.0.0.1:${iPort}/healthz`), timeoutMs: 45_000 },
      ),
    );
    procs.push(
      await startProcess(
        BFF_MAIN,
        {
          REDIS_URL: redis,
          PROFILES_ADDR: `127.0.0.1:${pPort}`,
          PROFILES_TOKEN: tokens.bff,
          SESSION_SECRET: randomBytes(24).toString('hex'),
          BASE_PATH: `${BASE}/`,
          PORT: String(bPort),
          ADMIN_EMAIL: ADMIN.email,
          ADMIN_PASSWORD: ADMIN.password,
          DISPLAY_TIME_ZONE: 'Europe/Berlin',
          // Small pages so the test scrolls through several of them.
          USERS_PAGE_SIZE: '4',
          REDIS_KEY_PREFIX: `${ns}:bff:`,
          LOG_LEVEL: 'warn',
        },
        { check: healthy(`http://127.0.0.1:${bPort}/healthz`), timeoutMs: 45_000 },
      ),
    );
  } catch (err) {
    await stop();
    throw err;
  }
  const client = createProfilesClient({ addr: `127.0.0.1:${pPort}`, token: tokens.test });
  return {
    bffUrl: `http://127.0.0.1:${bPort}${BASE}`,
    ingestUrl: `http://127.0.0.1:${iPort}`,
    async postWebhook(body) {
      const bytes = typeof body === 'string' ? Buffer.from(body) : body;
      const sig = signWebhook(bytes, APP_SECRET);
      const res = await fetch(`http://127.0.0.1:${iPort}/webhooks/whatsapp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': sig },
        body: new Uint8Array(bytes),
      });
      return res.status;
    },
    listUsers: async (query) =>
      (await client.call('listUsers', ListUsersRequest.fromPartial({ query, pageSize: 200 })))
        .users,
    agent: agentOf(client),
    async stop() {
      client.close();
      await stop();
    },
  };
}

export { fixture, statusWebhook, textWebhook } from '@ue/testing';

/** Poll until `check` holds (conditions, not sleeps). */
export async function eventually<T>(
  fn: () => Promise<T>,
  check: (v: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (check(v)) return v;
    if (Date.now() > deadline)
      throw new Error(
        `condition not met after ${timeoutMs} ms: ${JSON.stringify(v).slice(0, 500)}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}
