// Events about an existing message: provider statuses, send results, reactions, edits, revokes.
// An event whose target is unknown is kept as an orphan and replayed when the message appears.
import { DeliveryStatus, EventKind, ActorKind, type WebhookEvent } from '@ue/proto';
import { stableId } from '../domain/ids.js';
import type { DeliveryState } from '../domain/status.js';
import { textTerms } from '../domain/search.js';
import { noteAccountError } from './accounts.js';
import { identitiesOf, identityOf, linkKey, type Outcome } from './identity.js';
import type { Ports, StatusChange } from './ports.js';
import { previewOf } from './preview.js';
import { publishMessage } from './publish.js';
import type { MessageRecord } from './records.js';
import { catchUpWatermarks } from './watermarks.js';

/** What applying events about existing messages needs. */
type UpdatePorts = Pick<Ports, 'users' | 'messages' | 'orphans' | 'events' | 'now'>;

const STATE_OF = new Map<DeliveryStatus, DeliveryState>([
  [DeliveryStatus.PENDING, 'pending'],
  [DeliveryStatus.SENT, 'sent'],
  [DeliveryStatus.DELIVERED, 'delivered'],
  [DeliveryStatus.READ, 'read'],
  [DeliveryStatus.PLAYED, 'played'],
  [DeliveryStatus.FAILED, 'failed'],
]);

function targetOf(e: WebhookEvent): string {
  const ev = e.event;
  switch (ev?.$case) {
    case 'status':
      return ev.status.wamid;
    case 'reaction':
      return ev.reaction.targetWamid;
    case 'edit':
      return ev.edit.targetWamid;
    case 'revoke':
      return ev.revoke.targetWamid;
    default:
      return '';
  }
}

export async function applyMessageUpdate(
  deps: UpdatePorts & Pick<Ports, 'accounts'>,
  e: WebhookEvent,
  at: Date,
): Promise<Outcome> {
  if (e.event?.$case === 'sendResult') return applySendResult(deps, e, at);
  const target = targetOf(e);
  if (!target) return 'duplicate';
  const msg = await deps.messages.findByWamid(e.accountId, target);
  if (!msg) {
    await deps.orphans.keep({
      accountId: e.accountId,
      targetWamid: target,
      event: e,
      at: deps.now(),
      keys: identitiesOf(e).map(linkKey),
    });
    // The message may have been stored between our read and the orphan write: attach now.
    if (await deps.messages.findByWamid(e.accountId, target))
      await attachOrphans(deps, e.accountId, target);
    return 'orphaned';
  }
  return applyToMessage(deps, { e, at }, msg);
}

async function applyToMessage(
  deps: UpdatePorts,
  { e, at }: { e: WebhookEvent; at: Date },
  msg: MessageRecord,
): Promise<Outcome> {
  const ev = e.event;
  let changed = false;
  let kind = EventKind.MESSAGE_UPDATED;
  if (ev?.$case === 'status') {
    const state = STATE_OF.get(ev.status.status);
    if (!state) return 'duplicate';
    const change: StatusChange = {
      state,
      status: ev.status.status,
      at,
      errors: ev.status.errors,
      pricing: ev.status.pricing,
      bizOpaqueCallbackData: ev.status.bizOpaqueCallbackData,
    };
    changed = await applyStatus(deps, msg, change);
    kind = EventKind.STATUS_CHANGED;
  } else if (ev?.$case === 'reaction') {
    const r = ev.reaction;
    const reactorId = await deps.users.resolve(identityOf(e, r.from), at);
    const by = { kind: ActorKind.USER, id: reactorId, displayName: '' };
    const reaction = {
      emoji: r.emoji,
      by,
      at,
      wamid: r.wamid,
      key: `${at.toISOString()}|${r.wamid}`,
    };
    changed = await deps.messages.applyReaction(msg._id, stableId('r', reactorId), reaction);
  } else if (ev?.$case === 'edit') {
    const text = ev.edit.content?.text ?? '';
    const terms = textTerms(text);
    changed = await deps.messages.applyEdit(
      msg._id,
      { text, editedAt: at, editWamid: ev.edit.wamid },
      terms,
    );
    if (changed) await deps.users.addTerms(msg.userId, terms, { fromMessages: true });
  } else if (ev?.$case === 'revoke') {
    changed = await deps.messages.applyRevoke(msg._id, at);
  }
  if (changed && (ev?.$case === 'edit' || ev?.$case === 'revoke'))
    await refreshPreview(deps, msg._id);
  if (changed) await publishMessage(deps, kind, msg._id);
  return changed ? 'applied' : 'duplicate';
}

/** A user's list-row preview follows an edit or a revoke of the message it shows. */
async function refreshPreview(deps: UpdatePorts, messageId: string): Promise<void> {
  const doc = await deps.messages.findById(messageId);
  if (doc) await deps.users.setPreviewText(doc.userId, messageId, previewOf(doc).text);
}

async function applyStatus(
  deps: UpdatePorts,
  msg: MessageRecord,
  change: StatusChange,
): Promise<boolean> {
  const out = await deps.messages.applyStatus(msg._id, change);
  if (out.newTransition && change.state === 'failed') await deps.users.incFailed(msg.userId);
  return out.newTransition || out.raised;
}

/**
 * The provider accepted an outbound message under `wamid` (a send result, or the echo of our own
 * send on Messenger / Instagram): true when that changed the message. Live event: the caller's.
 */
export async function markSent(
  deps: UpdatePorts,
  msg: MessageRecord,
  s: { wamid: string; at: Date },
): Promise<boolean> {
  // Set once: the second report of the same send (the echo after the send result, or the other
  // way round) finds it set and changes nothing.
  let changed = await deps.messages.setWamid(msg._id, s.wamid).catch(() => false);
  // Provider statuses are authoritative: "sent" only raises a message that is still pending.
  changed =
    (await applyStatus(deps, msg, {
      state: 'sent',
      status: DeliveryStatus.SENT,
      at: s.at,
      errors: [],
    })) || changed;
  await attachOrphans(deps, msg.accountId, s.wamid);
  // Receipts that arrived before it was sent (Messenger / Instagram watermarks).
  return (await catchUpWatermarks(deps, { userId: msg.userId, messageId: msg._id })) || changed;
}

/** Ingest's sender reports the outcome of a SendMessage job. */
async function applySendResult(
  deps: UpdatePorts & Pick<Ports, 'accounts'>,
  e: WebhookEvent,
  at: Date,
): Promise<Outcome> {
  if (e.event?.$case !== 'sendResult') return 'duplicate';
  const r = e.event.sendResult;
  const msg = await deps.messages.findById(r.messageId);
  if (!msg) return 'orphaned';
  let changed = false;
  if (r.wamid) changed = await markSent(deps, msg, { wamid: r.wamid, at });
  if (r.errors.length > 0) {
    await noteAccountError(deps, { accountId: msg.accountId, at, errors: r.errors });
    changed =
      (await applyStatus(deps, msg, {
        state: 'failed',
        status: DeliveryStatus.FAILED,
        at,
        errors: r.errors,
      })) || changed;
  }
  if (changed) await publishMessage(deps, EventKind.STATUS_CHANGED, msg._id);
  return changed ? 'applied' : 'duplicate';
}

/** Replay the kept events for a message that now exists, then forget them. */
/** True when kept events were found (and replayed). */
export async function attachOrphans(
  deps: UpdatePorts,
  accountId: string,
  wamid: string,
): Promise<boolean> {
  const pending = await deps.orphans.take(accountId, wamid);
  if (pending.length === 0) return false;
  const msg = await deps.messages.findByWamid(accountId, wamid);
  if (!msg) return true;
  for (const o of pending)
    await applyToMessage(deps, { e: o.event, at: o.event.occurredAt ?? deps.now() }, msg);
  await deps.orphans.drop(pending.map((o) => o.id));
  return true;
}
