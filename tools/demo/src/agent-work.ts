// The agent side of the demo, over gRPC as "carol": messages she sent, then per user the tags,
// status, pause, facts and log entries of the plan. Each step writes only what is missing, so a
// second run changes nothing.
import type { ProfilesClient } from '@ue/profiles-client';
import {
  ActorKind,
  AddLogEntryRequest,
  GetUserRequest,
  ListFactsRequest,
  LogEntryKind,
  MessageContent,
  MessageType,
  RecordOutboundMessageRequest,
  UpdateUserRequest,
  UpsertFactsRequest,
  type User,
} from '@ue/proto';
import { ACCOUNTS, type OutboundPlan, type Persona, type UserPlan } from './dataset.js';

const carol = { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol' };
const ref = (p: Persona) => ({ waId: p.waId ?? '', bsuid: p.bsuid ?? '', parentBsuid: '' });

/** Record one message carol sent; by (account, identity), so the user need not exist yet. */
export async function recordOutbound(
  profiles: ProfilesClient,
  o: OutboundPlan,
): Promise<{ created: boolean; userId: string }> {
  const res = await profiles.call(
    'recordOutboundMessage',
    RecordOutboundMessageRequest.fromPartial({
      recipient: { accountId: ACCOUNTS[o.persona.account].id, user: ref(o.persona) },
      wamid: o.wamid,
      author: carol,
      sentAt: new Date(o.at * 1000),
      content: MessageContent.fromPartial({ type: MessageType.TEXT, text: o.text }),
    }),
  );
  return { created: res.created, userId: res.message!.userId };
}

/** The user as profiles knows them, or undefined (not there yet, or profiles not answering). */
export function findUser(profiles: ProfilesClient, p: Persona): Promise<User | undefined> {
  const req = GetUserRequest.fromPartial({
    lookup: {
      $case: 'accountUser',
      accountUser: { accountId: ACCOUNTS[p.account].id, user: ref(p) },
    },
  });
  return profiles.call('getUser', req).then(
    (r) => r.user,
    () => undefined,
  );
}

async function updateUser(profiles: ProfilesClient, user: User, u: UserPlan): Promise<void> {
  const addTags = u.tags.filter((t) => !user.tags.includes(t));
  const status = u.status !== undefined && user.status !== u.status ? u.status : undefined;
  const paused = user.paused !== u.paused && u.paused ? true : undefined;
  if (!addTags.length && status === undefined && paused === undefined) return;
  const req = UpdateUserRequest.fromPartial({
    userId: user.id,
    actor: carol,
    addTags,
    status,
    paused,
    reason: paused ? 'Customer asked for a human' : '',
  });
  await profiles.call('updateUser', req);
}

async function upsertFacts(profiles: ProfilesClient, userId: string, u: UserPlan): Promise<void> {
  const current = await profiles.call('listFacts', ListFactsRequest.fromPartial({ userId }));
  const changed = u.facts.filter(
    (f) => current.facts.find((c) => c.key === f.key)?.value !== f.value,
  );
  if (!changed.length) return;
  const req = UpsertFactsRequest.fromPartial({
    userId,
    author: carol,
    facts: changed.map((f) => ({
      key: f.key,
      value: f.value,
      confidence: f.confidence,
      sourceMessageId: f.sourceWamid,
    })),
  });
  await profiles.call('upsertFacts', req);
}

async function addLogEntries(profiles: ProfilesClient, userId: string, u: UserPlan): Promise<void> {
  for (const l of u.logs) {
    const req = AddLogEntryRequest.fromPartial({
      userId,
      kind: l.kind === 'note' ? LogEntryKind.NOTE : LogEntryKind.FOLLOW_UP,
      text: l.text,
      author: carol,
      clientId: l.clientId,
      dueAt: l.dueAt ? new Date(l.dueAt * 1000) : undefined,
    });
    await profiles.call('addLogEntry', req);
  }
}

/** Carol's work on one user: tags, status and pause, then facts, then log entries. */
export async function applyUserPlan(
  profiles: ProfilesClient,
  user: User,
  u: UserPlan,
): Promise<void> {
  await updateUser(profiles, user, u);
  await upsertFacts(profiles, user.id, u);
  await addLogEntries(profiles, user.id, u);
}
