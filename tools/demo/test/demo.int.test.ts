// The quick start's demo loader against a real stack: loads a living data set through the
// signed webhook endpoint and gRPC, and a second run duplicates nothing.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  Direction,
  ListFactsRequest,
  ListLogEntriesRequest,
  LogEntryKind,
  type Fact,
  type LogEntry,
} from '@ue/proto';
import { requireEnv, testMongoUrl, uniqueName } from '@ue/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AGENT_TOKEN,
  APP_SECRET,
  ingestEnv,
  startIngest,
  startProfiles,
  type Ingest,
  type Profiles,
} from './helpers.js';
import { grpcCall, testProfilesClient, type TestProfilesClient } from './profiles-client.js';

const DEMO = fileURLToPath(new URL('../dist/cli/demo.js', import.meta.url));
const prefix = uniqueName('ingest_demo');
let profiles: Profiles;
let ingest: Ingest;
let client: TestProfilesClient;

async function runDemo(): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [DEMO], {
    env: {
      ...process.env,
      INGEST_URL: ingest.url,
      WHATSAPP_APP_SECRET: APP_SECRET,
      PROFILES_ADDR: profiles.addr,
      PROFILES_TOKEN: AGENT_TOKEN,
    },
    timeout: 200_000,
  });
  return stdout;
}

async function state(): Promise<{
  users: number;
  messages: number;
  facts: number;
  logs: number;
  failed: number;
  reactions: number;
}> {
  const users = await client.users();
  let messages = 0;
  let facts = 0;
  let failed = 0;
  let reactions = 0;
  for (const u of users) {
    const ms = await client.messages(u.id);
    messages += ms.length;
    failed += ms.filter((m) => m.errors.length > 0 && m.direction === Direction.OUTBOUND).length;
    reactions += ms.reduce((n, m) => n + m.reactions.length, 0);
    const f = await grpcCall<{ history: Fact[] }>((cb) =>
      client.raw.listFacts(
        ListFactsRequest.fromPartial({ userId: u.id, includeHistory: true }),
        client.metadata(),
        cb,
      ),
    );
    facts += f.history.length;
  }
  const logs = await grpcCall<{ entries: LogEntry[] }>((cb) =>
    client.raw.listLogEntries(
      ListLogEntriesRequest.fromPartial({
        pageSize: 200,
        kinds: [LogEntryKind.NOTE, LogEntryKind.FOLLOW_UP],
      }),
      client.metadata(),
      cb,
    ),
  );
  return { users: users.length, messages, facts, logs: logs.entries.length, failed, reactions };
}

beforeAll(async () => {
  const redisUrl = requireEnv('REDIS_URL');
  profiles = await startProfiles({ mongoUrl: testMongoUrl('ingest_demo'), redisUrl, prefix });
  ingest = await startIngest(ingestEnv({ redisUrl, prefix, profilesAddr: profiles.addr }));
  client = testProfilesClient(profiles.addr, AGENT_TOKEN);
}, 60_000);

afterAll(async () => {
  client?.close();
  await ingest?.proc.stop();
  await profiles?.proc.stop();
});

describe('npm run demo', () => {
  it('loads dozens of users with conversations, statuses, facts and follow-ups; a second run adds nothing', async () => {
    const first = await runDemo();
    expect(first).toMatch(
      /^demo: 40 conversations on 117733559900011 and 228844661100022: \d+ inbound and \d+ outbound messages \(\d+ new\)/,
    );
    const loaded = await state();
    expect(loaded.users).toBe(40);
    expect(loaded.messages).toBeGreaterThan(150);
    expect(loaded.failed).toBeGreaterThan(0);
    expect(loaded.reactions).toBeGreaterThan(5);
    expect(loaded.facts).toBeGreaterThan(40);
    expect(loaded.logs).toBeGreaterThan(10);

    const second = await runDemo();
    expect(second).toContain('(0 new)');
    expect(await state()).toEqual(loaded);
  }, 420_000);
});
