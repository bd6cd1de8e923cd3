// The demo's work beyond WhatsApp, over gRPC: the accounts' names, businesses and retention
// (set before any webhook), the page's replies on Messenger and Instagram, carol's notes on
// those customers, and the one link of a WhatsApp and a Messenger identity she is sure of. Each
// step writes only what is missing or different, so a second run changes nothing.
import type { ProfilesClient } from '@ue/profiles-client';
import {
  ActorKind,
  GetUserRequest,
  LinkIdentitiesRequest,
  ListFactsRequest,
  MessageContent,
  MessageType,
  RecordOutboundMessageRequest,
  RetentionPolicy,
  UpdateAccountRequest,
  UpsertFactsRequest,
  type User,
} from '@ue/proto';
import {
  DEMO_ACCOUNTS,
  META_PERSONAS,
  metaAccountOf,
  type MetaLine,
  type MetaPersona,
} from './channels.js';
import { waitFor } from './tasks.js';

const carol = { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol' };
const setup = { kind: ActorKind.SYSTEM, id: 'demo', displayName: 'Demo setup' };

const sameRetention = (a: RetentionPolicy | undefined, b: RetentionPolicy) =>
  (a?.messagesDays ?? 0) === b.messagesDays &&
  (a?.mediaDays ?? 0) === b.mediaDays &&
  (a?.deliveriesDays ?? 0) === b.deliveriesDays &&
  (a?.reviewTextsDays ?? 0) === b.reviewTextsDays;

/** Name every demo account, put them in one business, set the one retention policy. */
export async function nameAccounts(profiles: ProfilesClient): Promise<void> {
  const { accounts } = await profiles.call('listAccounts', { channel: 0 });
  for (const a of DEMO_ACCOUNTS) {
    const have = accounts.find((x) => x.id === a.id);
    const retention = RetentionPolicy.fromPartial(a.retention);
    if (
      have &&
      have.name === a.name &&
      have.displayId === a.displayId &&
      have.businessId === a.businessId &&
      sameRetention(have.retention, retention)
    )
      continue;
    await profiles.call(
      'updateAccount',
      UpdateAccountRequest.fromPartial({
        accountId: a.id,
        actor: setup,
        channel: a.channel,
        name: a.name,
        displayId: a.displayId,
        businessId: a.businessId,
        retention,
      }),
    );
  }
}

const scopedRef = (p: MetaPersona) => ({
  accountId: metaAccountOf(p),
  user: { waId: '', bsuid: '', parentBsuid: '', scopedId: p.scopedId },
});

function findMetaUser(profiles: ProfilesClient, p: MetaPersona): Promise<User | undefined> {
  const req = GetUserRequest.fromPartial({
    lookup: { $case: 'accountUser', accountUser: scopedRef(p) },
  });
  return profiles.call('getUser', req).then(
    (r) => r.user,
    () => undefined,
  );
}

/** The customer's conversation exists once ingest applied their first message. */
export const waitForMetaUser = (profiles: ProfilesClient, p: MetaPersona): Promise<User> =>
  waitFor(`user ${p.key}`, () => findMetaUser(profiles, p));

/** The page's replies, as carol recorded them after sending (the mid is Meta's message id). */
export async function recordMetaReplies(
  profiles: ProfilesClient,
  lines: MetaLine[],
): Promise<number> {
  let created = 0;
  for (const l of lines.filter((x) => !x.fromCustomer)) {
    // By the existing conversation: its channel comes from the customer's first message.
    const user = await waitForMetaUser(profiles, l.persona);
    const res = await profiles.call(
      'recordOutboundMessage',
      RecordOutboundMessageRequest.fromPartial({
        userId: user.id,
        wamid: l.mid,
        author: carol,
        sentAt: new Date(l.at),
        content: MessageContent.fromPartial({ type: MessageType.TEXT, text: l.text }),
      }),
    );
    if (res.created) created++;
  }
  return created;
}

async function addFacts(
  profiles: ProfilesClient,
  userId: string,
  facts: MetaPersona['facts'],
): Promise<void> {
  const current = await profiles.call('listFacts', ListFactsRequest.fromPartial({ userId }));
  const missing = facts.filter(
    (f) => current.facts.find((c) => c.key === f.key)?.value !== f.value,
  );
  if (missing.length)
    await profiles.call(
      'upsertFacts',
      UpsertFactsRequest.fromPartial({
        userId,
        author: carol,
        facts: missing.map((f) => ({ ...f, confidence: 0.9 })),
      }),
    );
}

/** carol's notes on the Messenger and Instagram customers, and the join she is sure of. */
export async function metaAgentWork(
  profiles: ProfilesClient,
  whatsappUserOf: (key: string) => Promise<User>,
): Promise<void> {
  for (const p of META_PERSONAS) {
    const user = await waitForMetaUser(profiles, p);
    await addFacts(profiles, user.id, p.facts);
    if (!p.sameAs) continue;
    const other = await whatsappUserOf(p.sameAs);
    // She gave the same email on WhatsApp: that is what the join rests on.
    await addFacts(
      profiles,
      other.id,
      p.facts.filter((f) => f.key === 'email'),
    );
    await profiles.call(
      'linkIdentities',
      LinkIdentitiesRequest.fromPartial({
        userIds: [other.id, user.id],
        actor: carol,
        reason: `${p.name} said she wrote on WhatsApp too; same email on both`,
        clientId: `ue-demo-v1:link:${p.key}`,
      }),
    );
  }
}
