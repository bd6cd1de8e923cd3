// A minimal agent integration (docs/agents.md): look a user up by phone, record what the agent
// sent, write two facts and a follow-up, then stream live events for a few seconds.
//
//   PROFILES_ADDR=127.0.0.1:7204 PROFILES_TOKEN=<token> npx tsx services/profiles/examples/agent.ts
//
// Optional: PHONE (default "+49 151 1234-5678"), ACCOUNT_ID (default "117733559900011"),
// WATCH_SECONDS (default 5).
import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import {
  ActorKind,
  EventKind,
  LogEntryKind,
  MessageContent,
  MessageType,
  ProfilesServiceClient,
  type User,
  type WatchEventsResponse,
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

const client = new ProfilesServiceClient(addr, credentials.createInsecure());
const md = new Metadata();
md.set('authorization', `Bearer ${token}`);
const carol = { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol' };
const deadline = () => ({ deadline: Date.now() + 5000 });

/** Promise wrapper: every unary call takes (request, metadata, options, callback). */
function unary<Req, Res>(
  fn: (
    req: Req,
    md: Metadata,
    opts: object,
    cb: (e: ServiceError | null, r: Res) => void,
  ) => unknown,
  req: Req,
): Promise<Res> {
  return new Promise((resolve, reject) =>
    fn(req, md, deadline(), (e, r) => (e ? reject(e) : resolve(r))),
  );
}

async function findOrRecord(): Promise<User> {
  try {
    const { user } = await unary(client.getUser.bind(client), {
      lookup: { $case: 'phone', phone: { phone, accountId, defaultRegion: 'DE' } },
    });
    console.log(
      `found user ${user!.id} (${user!.profile?.name ?? 'no name'}), last message: ${user!.lastMessage?.text ?? '-'}`,
    );
    return user!;
  } catch (e) {
    if ((e as ServiceError).code !== status.NOT_FOUND) throw e;
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
  const recorded = await unary(client.recordOutboundMessage.bind(client), {
    userId: found.id,
    recipient: found.id ? undefined : { accountId, user: { waId, bsuid: '', parentBsuid: '' } },
    wamid: '',
    clientId: `carol-example-${new Date().toISOString().slice(0, 13)}`,
    content: MessageContent.fromPartial({
      type: MessageType.TEXT,
      text: 'Hi! Your order #4711 ships tomorrow.',
    }),
    author: carol,
    sentAt: new Date(),
    bizOpaqueCallbackData: '',
  });
  const userId = recorded.message!.userId;
  console.log(`recorded message ${recorded.message!.id} (created: ${recorded.created})`);

  const facts = await unary(client.upsertFacts.bind(client), {
    userId,
    author: carol,
    facts: [
      {
        key: 'company',
        value: 'Acme Corp',
        confidence: 0.9,
        sourceMessageId: recorded.message!.id,
        retract: false,
      },
      {
        key: 'order.number',
        value: '4711',
        confidence: 1,
        sourceMessageId: recorded.message!.id,
        retract: false,
      },
    ],
  });
  console.log(`facts: ${facts.facts.map((f) => `${f.key}=${f.value} (v${f.version})`).join(', ')}`);

  const followUp = await unary(client.addLogEntry.bind(client), {
    userId,
    kind: LogEntryKind.FOLLOW_UP,
    text: 'Check the delivery arrived',
    dueAt: new Date(Date.now() + 24 * 3600_000),
    author: carol,
    clientId: `carol-followup-${userId}`,
  });
  console.log(`follow-up ${followUp.entry!.id} due ${followUp.entry!.dueAt?.toISOString()}`);

  await watching;
  client.close();
}

/** Stream the account's events; a real agent stores `cursor` and passes it back after a reconnect. */
function watch(): Promise<void> {
  console.log(`watching account ${accountId} for ${watchSeconds}s`);
  let cursor = '';
  const call = client.watchEvents({ cursor, userId: '', accountId, kinds: [] }, md);
  call.on('data', (e: WatchEventsResponse) => {
    cursor = e.cursor;
    if (e.heartbeat) return;
    console.log(
      `event ${EventKind[e.kind]} for ${e.userId} (cursor ${e.cursor}) ${e.payload?.$case ?? ''}`,
    );
  });
  return new Promise((resolve) => {
    call.on('error', (e: ServiceError) => {
      if (e.code !== status.CANCELLED) console.error(`watch ended: ${e.message}`);
      resolve();
    });
    call.on('end', resolve);
    setTimeout(() => {
      call.cancel();
      console.log(`stopped; resume later with cursor "${cursor || '(none yet)'}"`);
      resolve();
    }, watchSeconds * 1000);
  });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
