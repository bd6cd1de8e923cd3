// A minimal agent integration (docs/agents.md): look a user up by phone, record what the agent
// sent, write two facts and a follow-up, then stream live events for a few seconds.
//
//   PROFILES_ADDR=127.0.0.1:7204 PROFILES_TOKEN=<token> npx tsx services/profiles/examples/agent.ts
//
// Optional: PHONE (default "+49 151 1234-5678"), ACCOUNT_ID (default "117733559900011"),
// WATCH_SECONDS (default 5).
import { isAppError } from '@ue/kit';
import { createProfilesClient } from '@ue/profiles-client';
import {
  ActorKind,
  AddLogEntryRequest,
  EventKind,
  GetUserRequest,
  LogEntryKind,
  MessageContent,
  MessageType,
  RecordOutboundMessageRequest,
  UpsertFactsRequest,
  WatchEventsRequest,
  type User,
} from '@ue/proto';

const addr = process.env.PROFILES_ADDR ?? '127.0.0.1:7204';
const token = process.env.PROFILES_TOKEN;
if (!token) {
  console.error(
    'set PROFILES_TOKEN (the dev stack keeps it in .data/dev.env as PROFILES_TOKEN_AGENT)',
  );
  process.exit(2);
}
const phone = process.env.PHONE ?? '+49 151 1234-5678';
const accountId = process.env.ACCOUNT_ID ?? '117733559900011';
const watchSeconds = Number(process.env.WATCH_SECONDS ?? 5);

// The one profiles client (@ue/profiles-client): bearer token, a 5 s deadline per call,
// keepalive, and failures as AppError with the server's code, message and field.
const client = createProfilesClient({ addr, token, deadlineMs: 5000 });
const carol = { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol' };

async function findOrRecord(): Promise<User> {
  try {
    const { user } = await client.call(
      'getUser',
      GetUserRequest.fromPartial({
        lookup: { $case: 'phone', phone: { phone, accountId, defaultRegion: 'DE' } },
      }),
    );
    console.log(
      `found user ${user!.id} (${user!.profile?.name ?? 'no name'}), last message: ${user!.lastMessage?.text ?? '-'}`,
    );
    return user!;
  } catch (e) {
    if (!isAppError(e) || e.code !== 'NOT_FOUND') throw e;
    console.log(`no user with phone ${phone} yet: recording our message creates them`);
    return { id: '' } as User;
  }
}

async function main(): Promise<void> {
  // Watch first, so this run's own changes show up as events too.
  const watching = watch();
  const found = await findOrRecord();
  const waId = phone.replace(/\D/g, '').replace(/^00/, '');
  // Idempotent: the same client_id (or wamid) never records a message twice.
  const recorded = await client.call(
    'recordOutboundMessage',
    RecordOutboundMessageRequest.fromPartial({
      userId: found.id,
      recipient: found.id ? undefined : { accountId, user: { waId, bsuid: '', parentBsuid: '' } },
      clientId: `carol-example-${new Date().toISOString().slice(0, 13)}`,
      content: MessageContent.fromPartial({
        type: MessageType.TEXT,
        text: 'Hi! Your order #4711 ships tomorrow.',
      }),
      author: carol,
      sentAt: new Date(),
    }),
  );
  const userId = recorded.message!.userId;
  console.log(`recorded message ${recorded.message!.id} (created: ${recorded.created})`);
  await remember(userId, recorded.message!.id);
  await watching;
  client.close();
}

/** Two facts learned from our message, and a follow-up for tomorrow. */
async function remember(userId: string, sourceMessageId: string): Promise<void> {
  const facts = await client.call(
    'upsertFacts',
    UpsertFactsRequest.fromPartial({
      userId,
      author: carol,
      facts: [
        { key: 'company', value: 'Acme Corp', confidence: 0.9, sourceMessageId },
        { key: 'order.number', value: '4711', confidence: 1, sourceMessageId },
      ],
    }),
  );
  console.log(`facts: ${facts.facts.map((f) => `${f.key}=${f.value} (v${f.version})`).join(', ')}`);

  const followUp = await client.call(
    'addLogEntry',
    AddLogEntryRequest.fromPartial({
      userId,
      kind: LogEntryKind.FOLLOW_UP,
      text: 'Check the delivery arrived',
      dueAt: new Date(Date.now() + 24 * 3600_000),
      author: carol,
      clientId: `carol-followup-${userId}`,
    }),
  );
  console.log(`follow-up ${followUp.entry!.id} due ${followUp.entry!.dueAt?.toISOString()}`);
}

/** Stream the account's events; a real agent stores `cursor` and passes it back after a reconnect. */
async function watch(): Promise<void> {
  console.log(`watching account ${accountId} for ${watchSeconds}s`);
  let cursor = '';
  const stop = AbortSignal.timeout(watchSeconds * 1000);
  const events = client.stream('watchEvents', WatchEventsRequest.fromPartial({ accountId }), {
    signal: stop,
  });
  try {
    for await (const e of events) {
      cursor = e.cursor;
      if (e.heartbeat) continue;
      console.log(
        `event ${EventKind[e.kind]} for ${e.userId} (cursor ${e.cursor}) ${e.payload?.$case ?? ''}`,
      );
    }
  } catch (e) {
    console.error(`watch ended: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  if (stop.aborted) console.log(`stopped; resume later with cursor "${cursor || '(none yet)'}"`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
