// ApplyWebhookEvents: each normalized event is applied idempotently and order-independently.
// Sightings and counted messages take the batch path (apply-bulk.ts), the rest come here.
// Messages are inserted first and counted only when the insert created them; everything else is a
// guarded single-document update (see the repos), so replays and concurrent batches converge.
import {
  EventKind,
  MessageContent,
  MessageType,
  type InboundMessageEvent,
  type NumberChangeEvent,
  type WebhookEvent,
} from '@ue/proto';
import { e164FromWaId, phoneTerms } from '../domain/phone.js';
import { noteAccountError } from './accounts.js';
import { applyBulk, isBulk } from './apply-bulk.js';
import { applyMessageUpdate, attachOrphans } from './apply-message-updates.js';
import { applyOurEcho } from './echoes.js';
import { identityOf, type Outcome } from './identity.js';
import { inboundDoc, ourMessageId, type Applying } from './inbound-doc.js';
import type { EventPorts, Identity, Ports } from './ports.js';
import { publishMessage, publishUser } from './publish.js';
import { applyWatermark } from './watermarks.js';

export async function applyEvent(deps: EventPorts, e: WebhookEvent): Promise<Outcome> {
  const at = e.occurredAt ?? deps.now();
  const ev = e.event;
  // Sightings and counted messages: the batch path, here for a batch of one.
  if (isBulk(e)) return (await applyBulk(deps, [{ index: 0, e }])).get(0) ?? 'duplicate';
  switch (ev?.$case) {
    case 'inboundMessage': {
      const messageId = ourMessageId(ev.inboundMessage);
      if (messageId) return applyOurEcho(deps, { e, at }, { m: ev.inboundMessage, messageId });
      return applyInbound(deps, { e, at }, ev.inboundMessage);
    }
    case 'watermark':
      return applyWatermark(deps, e, ev.watermark);
    case 'numberChange':
      return applyNumberChange(deps, { e, at }, ev.numberChange);
    case 'providerError':
      deps.logger.warn(
        { accountId: e.accountId, errors: ev.providerError.errors },
        'provider reported errors',
      );
      await noteAccountError(deps, { accountId: e.accountId, at, errors: ev.providerError.errors });
      return 'applied';
    case undefined:
      return 'duplicate';
    default:
      return applyMessageUpdate(deps, e, at);
  }
}

/** A system notice (isBulk() takes every other inbound message): history, not counted. */
async function applyInbound(
  deps: EventPorts,
  a: Applying,
  m: InboundMessageEvent,
): Promise<Outcome> {
  const userId = await deps.users.resolve(identityOf(a.e, m.from), a.at);
  const doc = inboundDoc(a, m, { userId, now: deps.now() });
  const created = await deps.messages.insert(doc);
  if (m.referral) await deps.users.setReferralIfAbsent(userId, m.referral);
  if (created) await publishMessage(deps, EventKind.MESSAGE_CREATED, doc);
  await attachOrphans(deps, a.e.accountId, m.wamid);
  if (created) await publishUser(deps, userId);
  return created ? 'applied' : 'duplicate';
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
    echo: false,
    echoMetadata: '',
  };
  const doc = inboundDoc(a, notice, { userId, now: deps.now() });
  // A system notice is part of the history but not a message from the user: not counted, no reply needed.
  const created = await deps.messages.insert(doc);
  if (created) await publishMessage(deps, EventKind.MESSAGE_CREATED, doc);
  return created;
}
