// The common part of a webhook batch applied together: profile sightings (userSeen) and the
// messages users send. One identity lookup for every sender, one transaction for every new
// message with one update per user, one orphan lookup per account, one read of the users to
// publish. The result is the same as applying the events one by one in any order (ADR 0005).
// Echoes (the page's own messages on Messenger / Instagram) go the same way, stored as outbound.
import {
  EventKind,
  MessageType,
  type InboundMessageEvent,
  type UserSeenEvent,
  type WebhookEvent,
} from '@ue/proto';
import { attachOrphans } from './apply-message-updates.js';
import { identityOf, type Outcome } from './identity.js';
import { echoDoc, inboundDoc, ourMessageId } from './inbound-doc.js';
import { inParallel } from './parallel.js';
import type { EventPorts, UserWatermarks } from './ports.js';
import { previewOf } from './preview.js';
import { publishMessage, publishUser } from './publish.js';
import type { MessageRecord, UserView } from './records.js';
import { catchUpWatermarks } from './watermarks.js';

/** How many profile-name updates of a batch run at once. */
const SIGHTING_CONCURRENCY = 4;

/** An event of the batch and its place in it. */
export interface Indexed {
  index: number;
  e: WebhookEvent;
}

type Sighting = Indexed & { at: Date; userId: string; seen: UserSeenEvent };
type Sent = Indexed & { at: Date; userId: string; m: InboundMessageEvent };

/**
 * A profile sighting, or a message that counts: one its user sent (system notices do not), or an
 * echo not of our own sends (those are send results: apply-events.ts).
 */
export function isBulk(e: WebhookEvent): boolean {
  const ev = e.event;
  if (ev?.$case === 'userSeen') return true;
  return (
    ev?.$case === 'inboundMessage' &&
    ev.inboundMessage.content?.type !== MessageType.SYSTEM &&
    ourMessageId(ev.inboundMessage) === undefined
  );
}

/** Apply the batch's isBulk() events; the outcome of each by its index. */
export async function applyBulk(
  deps: EventPorts,
  events: Indexed[],
): Promise<Map<number, Outcome>> {
  const outcomes = new Map<number, Outcome>();
  const { sightings, sent } = await resolveSenders(deps, events);
  const stored = await storeMessages(deps, { sent, sightings, outcomes });
  const changed = new Set(stored.touched);
  // Sightings of users the message transaction did not take: a name update each, a few at once.
  const rest = sightings.filter((s) => !stored.named.has(s.userId));
  await inParallel(rest, SIGHTING_CONCURRENCY, async (s) => {
    const { name, username } = s.seen;
    // The sender's times move with the name update (one write) or, when its guard fails, alone.
    const did = await deps.users.applyProfileName(s.userId, { name, username, at: s.at }, true);
    outcomes.set(s.index, did ? 'applied' : 'duplicate');
    if (did) changed.add(s.userId);
  });
  for (const s of sightings) {
    const did = stored.named.get(s.userId);
    if (did !== undefined) outcomes.set(s.index, did ? 'applied' : 'duplicate');
  }
  // A referral without a message (Messenger m.me link, ad): the user's first attribution.
  for (const s of sightings)
    if (s.seen.referral && (await deps.users.setReferralIfAbsent(s.userId, s.seen.referral))) {
      outcomes.set(s.index, 'applied');
      changed.add(s.userId);
    }
  await publishUsers(deps, changed, stored.counted);
  return outcomes;
}

async function resolveSenders(deps: EventPorts, events: Indexed[]) {
  const at = (e: WebhookEvent): Date => e.occurredAt ?? deps.now();
  const refOf = (e: WebhookEvent) =>
    e.event?.$case === 'userSeen'
      ? e.event.userSeen.user
      : e.event?.$case === 'inboundMessage'
        ? e.event.inboundMessage.from
        : undefined;
  // touch: false: the name update or the message count moves the same times in its own write.
  const userIds = await deps.users.resolveMany(
    events.map((x) => ({ id: identityOf(x.e, refOf(x.e)), at: at(x.e) })),
    { touch: false },
  );
  const sightings: Sighting[] = [];
  const sent: Sent[] = [];
  events.forEach((x, n) => {
    const ev = x.e.event;
    const base = { ...x, at: at(x.e), userId: userIds[n]! };
    if (ev?.$case === 'userSeen') sightings.push({ ...base, seen: ev.userSeen });
    else if (ev?.$case === 'inboundMessage') sent.push({ ...base, m: ev.inboundMessage });
  });
  return { sightings, sent };
}

/**
 * Store the batch's messages (each counted once on its user), publish the new ones, attach the
 * events that waited for them. `touched`: users to publish; `counted`: users as counted.
 */
async function storeMessages(
  deps: EventPorts,
  b: { sent: Sent[]; sightings: Sighting[]; outcomes: Map<number, Outcome> },
) {
  const { sent, outcomes } = b;
  const now = deps.now();
  const docs: (Sent & { doc: MessageRecord })[] = [];
  const ids = new Set<string>();
  for (const s of sent) {
    const toDoc = s.m.echo ? echoDoc : inboundDoc;
    const doc = toDoc({ e: s.e, at: s.at }, s.m, { userId: s.userId, now });
    // The same message twice in one batch: the second is a replay of the first.
    if (ids.has(doc._id)) outcomes.set(s.index, 'duplicate');
    else docs.push({ ...s, doc });
    ids.add(doc._id);
  }
  const { created, users, named } = await deps.messages.insertCountedMany(
    docs.map((d) => ({
      message: d.doc,
      count: {
        preview: previewOf(d.doc),
        terms: d.doc.terms ?? [],
        firstSeen: true,
        wabaId: d.e.wabaId,
      },
    })),
    b.sightings.map((x) => ({
      userId: x.userId,
      name: x.seen.name,
      username: x.seen.username,
      at: x.at,
    })),
  );
  // Idempotent follow-ups run on a replay too, so a crash after the commit still converges.
  for (const d of docs)
    if (d.m.referral) await deps.users.setReferralIfAbsent(d.userId, d.m.referral);
  const fresh = docs.filter((d) => created.has(d.doc._id));
  for (const d of docs) outcomes.set(d.index, created.has(d.doc._id) ? 'applied' : 'duplicate');
  const caughtUp = await catchUpEchoes(deps, { docs, users });
  // Published as stored: re-read when a receipt that came first changed it.
  await Promise.all(
    fresh.map((d) =>
      publishMessage(deps, EventKind.MESSAGE_CREATED, caughtUp.has(d.doc._id) ? d.doc._id : d.doc),
    ),
  );
  // Replayed orphans (an edit, a revoke) may change the user's preview: read it again then.
  const reread = new Set<string>();
  for (const [accountId, group] of byAccount(docs)) {
    const waiting = await deps.orphans.waitingFor(
      accountId,
      group.map((d) => d.m.wamid),
    );
    for (const d of group)
      if (waiting.has(d.m.wamid) && (await attachOrphans(deps, accountId, d.m.wamid)))
        reread.add(d.userId);
  }
  const counted = new Map([...users].filter(([id]) => !reread.has(id)));
  return { touched: new Set(fresh.map((d) => d.userId)), counted, named };
}

/**
 * Echoes are outbound messages: receipts (watermarks) their users sent before they were stored
 * apply now; on a replay too, so a crash after the commit still converges. The ids changed.
 */
async function catchUpEchoes(
  deps: EventPorts,
  b: { docs: (Sent & { doc: MessageRecord })[]; users: Map<string, UserView> },
): Promise<Set<string>> {
  const changed = new Set<string>();
  for (const d of b.docs.filter((x) => x.m.echo)) {
    const u = b.users.get(d.userId);
    // Read inside the transaction that counted the message, after it: current enough.
    const known: UserWatermarks | undefined = u
      ? { delivered: u.deliveredWatermarks ?? [], read: u.readWatermarks ?? [] }
      : undefined;
    if (await catchUpWatermarks(deps, { userId: d.userId, messageId: d.doc._id }, known))
      changed.add(d.doc._id);
  }
  return changed;
}

function byAccount<T extends { e: WebhookEvent }>(items: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const i of items) out.set(i.e.accountId, [...(out.get(i.e.accountId) ?? []), i]);
  return out;
}

/** One live event per changed user, with the record as it is now (read once for all others). */
async function publishUsers(
  deps: EventPorts,
  changed: Set<string>,
  known: Map<string, UserView>,
): Promise<void> {
  const missing = [...changed].filter((id) => !known.has(id));
  const read = await deps.users.findByIds(missing);
  const records = [...[...changed].flatMap((id) => known.get(id) ?? []), ...read];
  await Promise.all(records.map((u) => publishUser(deps, u._id, u)));
}
