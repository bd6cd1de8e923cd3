// ApplyWebhookEvents: each normalized event is applied idempotently and order-independently.
// Messages are inserted first and counted only when the insert created them; everything else is a
// guarded single-document update (see the repos), so replays and concurrent batches converge.
import {
  ActorKind,
  Direction,
  EventKind,
  MessageContent,
  MessageType,
  type InboundMessageEvent,
  type NumberChangeEvent,
  type WebhookEvent,
} from '@ue/proto';
import { messageIdFor } from '../domain/ids.js';
import { e164FromWaId, phoneTerms } from '../domain/phone.js';
import { textTerms } from '../domain/search.js';
import { applyMessageUpdate, attachOrphans } from './apply-message-updates.js';
import { identityOf, type Outcome } from './identity.js';
import type { Identity, Ports } from './ports.js';
import { previewOf } from './preview.js';
import { publishMessage, publishUser } from './publish.js';
import type { MessageRecord } from './records.js';

/** What applying webhook events needs. */
export type EventPorts = Pick<
  Ports,
  'users' | 'messages' | 'orphans' | 'events' | 'logger' | 'now'
>;

export async function applyEvent(deps: EventPorts, e: WebhookEvent): Promise<Outcome> {
  const at = e.occurredAt ?? deps.now();
  const ev = e.event;
  switch (ev?.$case) {
    case 'userSeen': {
      // The sender's times move with the name update (one write) or, when its guard fails, alone.
      const userId = await deps.users.resolve(identityOf(e, ev.userSeen.user), at, {
        touch: false,
      });
      const changed = await deps.users.applyProfileName(
        userId,
        { name: ev.userSeen.name, username: ev.userSeen.username, at },
        true,
      );
      if (changed) await publishUser(deps, userId);
      return changed ? 'applied' : 'duplicate';
    }
    case 'inboundMessage':
      return applyInbound(deps, { e, at }, ev.inboundMessage);
    case 'numberChange':
      return applyNumberChange(deps, { e, at }, ev.numberChange);
    case 'providerError':
      deps.logger.warn(
        { accountId: e.accountId, errors: ev.providerError.errors },
        'provider reported errors',
      );
      return 'applied';
    case undefined:
      return 'duplicate';
    default:
      return applyMessageUpdate(deps, e, at);
  }
}

/** The event being applied and its provider time. */
interface Applying {
  e: WebhookEvent;
  at: Date;
}

function inboundDoc(
  { e, at }: Applying,
  m: InboundMessageEvent,
  who: { userId: string; now: Date },
): MessageRecord {
  const { userId, now } = who;
  const _id = messageIdFor(e.accountId, m.wamid);
  const text = m.content?.text ?? '';
  return {
    _id,
    accountId: e.accountId,
    userId,
    wamid: m.wamid,
    wamidKey: m.wamid,
    clientKey: `id:${_id}`,
    direction: Direction.INBOUND,
    content: m.content ?? MessageContent.fromPartial({ type: MessageType.UNSUPPORTED }),
    context: m.context,
    referral: m.referral,
    reactions: [],
    edits: [],
    revoked: false,
    revokedAt: undefined,
    status: 0,
    statusRank: 0,
    statusTimes: undefined,
    errors: m.errors,
    pricing: undefined,
    bizOpaqueCallbackData: '',
    sentAt: at,
    receivedAt: now,
    author: { kind: ActorKind.USER, id: userId, displayName: '' },
    clientId: '',
    rawJson: m.rawJson,
    originalText: text,
    editVersions: [],
    terms: textTerms(text),
  };
}

async function applyInbound(
  deps: EventPorts,
  a: Applying,
  m: InboundMessageEvent,
): Promise<Outcome> {
  const { e, at } = a;
  // System notices are history, not something the user said: no counter, preview or reply due.
  const counted = m.content?.type !== MessageType.SYSTEM;
  // The sender's times ($min createdAt, $max updatedAt/lastInteractionAt) move with the counter in
  // the transaction that stores the message: one write fewer per message.
  const userId = await deps.users.resolve(identityOf(e, m.from), at, { touch: !counted });
  const doc = inboundDoc(a, m, { userId, now: deps.now() });
  const stored = counted
    ? await deps.messages.insertCounted(doc, {
        preview: previewOf(doc),
        terms: doc.terms ?? [],
        firstSeen: true,
        wabaId: e.wabaId,
      })
    : { created: await deps.messages.insert(doc), user: null };
  // Idempotent follow-ups run on a replay too, so a crash after the commit still converges.
  if (m.referral) await deps.users.setReferralIfAbsent(userId, m.referral);
  if (!stored.created) {
    await attachOrphans(deps, e.accountId, m.wamid);
    return 'duplicate';
  }
  await publishMessage(deps, EventKind.MESSAGE_CREATED, doc);
  // Replayed orphans (an edit, a revoke) may change the user's preview: read it again then.
  const attached = await attachOrphans(deps, e.accountId, m.wamid);
  await publishUser(deps, userId, attached ? null : stored.user);
  return 'applied';
}

/**
 * Number change: the user keeps id and history and moves to the new wa_id; the old wa_id stays
 * linked (lookups by it still find the user) and is listed in previous_wa_ids. If a different user
 * already owns the new wa_id (its messages arrived before this notice), both records are kept:
 * the newer one learns the old wa_id in previous_wa_ids, and nothing is merged or lost.
 */
async function applyNumberChange(
  deps: EventPorts,
  a: Applying,
  n: NumberChangeEvent,
): Promise<Outcome> {
  const { e, at } = a;
  const oldUserId = await deps.users.resolve(identityOf(e, n.oldUser), at);
  const created = n.wamid ? await storeSystemNotice(deps, a, { n, userId: oldUserId }) : false;
  const next = identityOf(e, n.newUser);
  let changed = false;
  if (next.waId && next.waId !== (n.oldUser?.waId ?? ''))
    changed = await moveNumber(deps, { oldUserId, oldWaId: n.oldUser?.waId ?? '', next, at });
  // user_changed_user_id: same number, new business-scoped ids.
  if (next.bsuid && next.bsuid !== (n.oldUser?.bsuid ?? ''))
    changed = (await changeBsuid(deps, oldUserId, next)) || changed;
  return changed || created ? 'applied' : 'duplicate';
}

async function moveNumber(
  deps: Pick<Ports, 'users' | 'events'>,
  m: { oldUserId: string; oldWaId: string; next: Identity; at: Date },
): Promise<boolean> {
  const owner = await deps.users.lookupIdentity({ ...m.next, bsuid: '' });
  const targetId = owner && owner !== m.oldUserId ? owner : m.oldUserId;
  const phone = e164FromWaId(m.next.waId);
  const moved = await deps.users.moveNumber({
    targetId,
    oldWaId: m.oldWaId,
    newWaId: m.next.waId,
    newPhoneE164: phone,
    primary: targetId === m.oldUserId,
    terms: phoneTerms(phone, m.next.waId),
    at: m.at,
  });
  if (targetId === m.oldUserId)
    await deps.users.linkIdentity(`${m.next.accountId}|wa|${m.next.waId}`, m.oldUserId);
  if (moved) await publishUser(deps, targetId);
  return moved;
}

async function changeBsuid(
  deps: Pick<Ports, 'users' | 'events'>,
  userId: string,
  next: Identity,
): Promise<boolean> {
  const owner = await deps.users.lookupIdentity({ ...next, waId: '' });
  if (owner && owner !== userId) return false; // another user holds it: keep both, merge nothing
  await deps.users.linkIdentity(`${next.accountId}|bsuid|${next.bsuid}`, userId);
  const changed = await deps.users.setBsuid(userId, next.bsuid, next.parentBsuid ?? '');
  if (changed) await publishUser(deps, userId);
  return changed;
}

async function storeSystemNotice(
  deps: EventPorts,
  a: Applying,
  { n, userId }: { n: NumberChangeEvent; userId: string },
) {
  const content = MessageContent.fromPartial({
    type: MessageType.SYSTEM,
    text: n.body,
    system: {
      kind: 'user_changed_number',
      body: n.body,
      newWaId: n.newUser?.waId ?? '',
      newBsuid: n.newUser?.bsuid ?? '',
    },
  });
  const notice = {
    wamid: n.wamid,
    from: n.oldUser,
    content,
    context: undefined,
    referral: undefined,
    errors: [],
    rawJson: '',
  };
  const doc = inboundDoc(a, notice, { userId, now: deps.now() });
  // A system notice is part of the history but not a message from the user: not counted, no reply needed.
  const created = await deps.messages.insert(doc);
  if (created) await publishMessage(deps, EventKind.MESSAGE_CREATED, doc);
  return created;
}
