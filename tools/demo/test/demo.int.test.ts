// The quick start's demo loader against a real stack: loads a living data set through the
// signed webhook endpoint and gRPC, and a second run duplicates nothing.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createProfilesClient, type ProfilesClient } from '@ue/profiles-client';
import {
  Channel,
  DeliveryStatus,
  Direction,
  ListFactsRequest,
  ListLogEntriesRequest,
  ListMessagesRequest,
  ListUsersRequest,
  LogEntryKind,
  MediaState,
  type Message,
  type User,
} from '@ue/proto';
import { requireEnv, testMongoUrl, uniqueName } from '@ue/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MEDIA, MEDIA_DIR } from '../src/media.js';
import { AGENT_TOKEN, APP_SECRET, ingestMetric, startStack, type Stack } from './stack.js';

const DEMO = fileURLToPath(new URL('../dist/main.js', import.meta.url));
let stack: Stack;
let client: ProfilesClient;

async function runDemo(): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [DEMO], {
    env: {
      ...process.env,
      INGEST_URL: stack.ingestUrl,
      WHATSAPP_APP_SECRET: APP_SECRET,
      PROFILES_ADDR: stack.profilesAddr,
      PROFILES_TOKEN: AGENT_TOKEN,
      SANDBOX_URL: stack.sandboxUrl,
    },
    timeout: 200_000,
  });
  return stdout;
}

async function allUsers(): Promise<User[]> {
  const out: User[] = [];
  let pageToken = '';
  do {
    const req = ListUsersRequest.fromPartial({ pageSize: 200, pageToken });
    const res = await client.call('listUsers', req);
    out.push(...res.users);
    pageToken = res.nextPageToken;
  } while (pageToken);
  return out;
}

async function messagesOf(userId: string): Promise<Message[]> {
  const req = ListMessagesRequest.fromPartial({ userId, pageSize: 200 });
  return (await client.call('listMessages', req)).messages;
}

async function state(): Promise<Record<string, number>> {
  const users = await allUsers();
  const counts = { users: users.length, messages: 0, facts: 0, logs: 0, failed: 0, reactions: 0 };
  for (const u of users) {
    const ms = await messagesOf(u.id);
    counts.messages += ms.length;
    counts.failed += ms.filter(
      (m) => m.errors.length > 0 && m.direction === Direction.OUTBOUND,
    ).length;
    counts.reactions += ms.reduce((n, m) => n + m.reactions.length, 0);
    const f = await client.call(
      'listFacts',
      ListFactsRequest.fromPartial({ userId: u.id, includeHistory: true }),
    );
    counts.facts += f.history.length;
  }
  const logs = await client.call(
    'listLogEntries',
    ListLogEntriesRequest.fromPartial({
      pageSize: 200,
      kinds: [LogEntryKind.NOTE, LogEntryKind.FOLLOW_UP],
    }),
  );
  counts.logs = logs.entries.length;
  return counts;
}

beforeAll(async () => {
  stack = await startStack({
    mongoUrl: testMongoUrl('demo'),
    redisUrl: requireEnv('REDIS_URL'),
    prefix: uniqueName('demo'),
  });
  client = createProfilesClient({ addr: stack.profilesAddr, token: AGENT_TOKEN });
}, 90_000);

afterAll(async () => {
  client?.close();
  await stack?.stop();
});

/** Three channels, named accounts, one person on two channels, one suggestion to confirm. */
async function expectChannelsAndPeople(): Promise<void> {
  const { accounts } = await client.call('listAccounts', { channel: Channel.UNSPECIFIED });
  expect(new Set(accounts.map((a) => a.channel))).toEqual(
    new Set([Channel.WHATSAPP, Channel.MESSENGER, Channel.INSTAGRAM]),
  );
  expect(accounts.every((a) => a.name !== '')).toBe(true);
  const users = await allUsers();
  const named = (name: string) =>
    users.filter((u) => (u.profile?.displayName || u.profile?.name) === name);
  // Anna: WhatsApp and Messenger, linked by carol with a reason.
  const anna = named('Anna Schneider');
  expect(new Set(anna.map((u) => u.channel))).toEqual(
    new Set([Channel.WHATSAPP, Channel.MESSENGER]),
  );
  // Her Messenger name came from Meta's User Profile API (the sandbox), not from a correction.
  const onMessenger = anna.find((u) => u.channel === Channel.MESSENGER)!;
  expect(onMessenger.profile).toMatchObject({ name: 'Anna Schneider' });
  expect(onMessenger.profile?.displayName ?? '').toBe('');
  const person = (
    await client.call('getPerson', { lookup: { $case: 'userId', userId: anna[0]!.id } })
  ).person!;
  expect(person.identities.map((u) => u.id).sort()).toEqual(anna.map((u) => u.id).sort());
  expect(person.links.some((l) => l.by?.id === 'carol' && l.reason !== '')).toBe(true);
  // Jürgen: the same phone on both WhatsApp numbers of the business, joined by the rule.
  const jurgen = named('Jürgen Weiß');
  expect(jurgen).toHaveLength(2);
  expect(jurgen[0]!.personId).toBe(jurgen[1]!.personId);
  // Chloé on Instagram carries her WhatsApp number as a fact: offered, not joined.
  const chloe = named('Chloé Dubois');
  const ig = chloe.find((u) => u.channel === Channel.INSTAGRAM)!;
  const offered = (await client.call('getPerson', { lookup: { $case: 'userId', userId: ig.id } }))
    .person!;
  expect(offered.identities).toHaveLength(1);
  expect(offered.suggestions.map((s) => s.userId)).toContain(
    chloe.find((u) => u.channel === Channel.WHATSAPP)!.id,
  );
  // The Messenger photo was fetched from its URL and stored; the page's replies were read.
  const marco = named('Marco Rossi')[0]!;
  const ms = await messagesOf(marco.id);
  const deadline = Date.now() + 60_000;
  let photo = ms.find((m) => m.content?.media?.url);
  while (photo?.content?.media?.stored?.state !== MediaState.STORED && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    photo = (await messagesOf(marco.id)).find((m) => m.content?.media?.url);
  }
  expect(photo?.content?.media?.stored?.state).toBe(MediaState.STORED);
  expect(ms.filter((m) => m.direction === Direction.OUTBOUND).map((m) => m.status)).toEqual([
    DeliveryStatus.READ,
  ]);
}

describe('npm run demo', () => {
  it('loads dozens of users with conversations, statuses, facts, follow-ups and media fetched from the sandbox; a second run adds nothing', async () => {
    const first = await runDemo();
    expect(first).toMatch(
      /^demo: 40 WhatsApp conversations on 117733559900011 and 228844661100022, 5 on Messenger and Instagram: \d+ inbound and \d+ outbound messages \(\d+ new\)/,
    );
    const loaded = await state();
    expect(loaded.users).toBe(45);
    expect(loaded.messages).toBeGreaterThan(150);
    expect(loaded.failed).toBeGreaterThan(0);
    expect(loaded.reactions).toBeGreaterThan(5);
    expect(loaded.facts).toBeGreaterThan(40);
    expect(loaded.logs).toBeGreaterThan(10);
    // Every photo, voice note, invoice and sticker fetched from the sandbox and stored.
    const media = async (): Promise<Message[]> =>
      (await Promise.all((await allUsers()).map((u) => messagesOf(u.id))))
        .flat()
        .filter((m) => m.content?.media?.mediaId);
    expect((await media()).length).toBeGreaterThan(10);
    const deadline = Date.now() + 60_000;
    while (
      (await media()).some((m) => m.content?.media?.stored?.state !== MediaState.STORED) &&
      Date.now() < deadline
    )
      await new Promise((r) => setTimeout(r, 500));
    const stored = await media();
    expect(stored.filter((m) => m.content?.media?.stored?.state !== MediaState.STORED)).toEqual([]);
    const pdf = stored.find((m) => m.content?.media?.mediaId === DEMO_MEDIA.invoice.id)!;
    const parts: Buffer[] = [];
    for await (const r of client.stream('downloadMedia', {
      message: { messageId: pdf.id, accountId: '', wamid: '' },
      variant: 0,
      fileId: '',
      offset: 0,
      length: 0,
    }))
      if (r.part?.$case === 'chunk') parts.push(Buffer.from(r.part.chunk));
    expect(
      Buffer.concat(parts).equals(readFileSync(new URL(DEMO_MEDIA.invoice.file, MEDIA_DIR))),
    ).toBe(true);
    await expectChannelsAndPeople();
    // ingest read every delivery the demo posted: none became a dead letter.
    expect(await ingestMetric(stack.ingestUrl, 'ingest_jobs_dead_lettered_total')).toBe(0);

    const second = await runDemo();
    expect(second).toContain('(0 new)');
    expect(await state()).toEqual(loaded);
  }, 420_000);
});
