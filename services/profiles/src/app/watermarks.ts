// Messenger / Instagram delivery and read receipts. A watermark covers every outbound message to
// its user sent at or before it, and may arrive before the messages it covers are stored (an
// echo, a send result arriving later). So the highest watermarks are kept on the user ($max) and
// applied again whenever an outbound message is stored or gets its provider id: any order of
// receipts and messages, replayed or not, ends in the same statuses and times.
import { DeliveryStatus, EventKind, type WatermarkEvent, type WebhookEvent } from '@ue/proto';
import { identityOf, type Outcome } from './identity.js';
import type { Ports, UserWatermarks, WatermarkState } from './ports.js';
import { publishMessage } from './publish.js';

type WatermarkPorts = Pick<Ports, 'users' | 'messages' | 'events' | 'now'>;

const STATUS_OF: Record<WatermarkState, DeliveryStatus> = {
  delivered: DeliveryStatus.DELIVERED,
  read: DeliveryStatus.READ,
};

export async function applyWatermark(
  deps: WatermarkPorts,
  e: WebhookEvent,
  w: WatermarkEvent,
): Promise<Outcome> {
  const state: WatermarkState = w.status === DeliveryStatus.READ ? 'read' : 'delivered';
  const at = w.watermark ?? deps.now(); // required by apply-batch's checks
  const userId = await deps.users.resolve(identityOf(e, w.user), e.occurredAt ?? deps.now());
  // The user first, then the messages: an outbound message stored meanwhile either is found
  // here or finds the raised watermark when it catches up (catchUpWatermarks).
  const raised = await deps.users.raiseWatermark(userId, { state, at });
  const changed = await deps.messages.applyWatermark({
    userId,
    state,
    status: STATUS_OF[state],
    at,
  });
  for (const id of changed) await publishMessage(deps, EventKind.STATUS_CHANGED, id);
  return raised || changed.length > 0 ? 'applied' : 'duplicate';
}

/**
 * An outbound message just stored or just given its provider id meets the receipts its user
 * sent before: true when that changed it. `known`: the user's watermarks as read after the
 * message was written (else they are read now).
 */
export async function catchUpWatermarks(
  deps: Pick<Ports, 'users' | 'messages'>,
  m: { userId: string; messageId: string },
  known?: UserWatermarks,
): Promise<boolean> {
  const marks = known ?? (await deps.users.watermarksOf(m.userId));
  if (marks.read.length === 0 && marks.delivered.length === 0) return false;
  const sentAt = (await deps.messages.findById(m.messageId))?.sentAt;
  if (!sentAt) return false;
  let changed = false;
  for (const state of ['read', 'delivered'] as const) {
    // The earliest receipt covering the message: the time it gets when receipts come after it.
    const at = marks[state].find((w) => w.getTime() >= sentAt.getTime());
    if (!at) continue;
    const ids = await deps.messages.applyWatermark({
      userId: m.userId,
      state,
      status: STATUS_OF[state],
      at,
      messageId: m.messageId,
    });
    changed = ids.length > 0 || changed;
  }
  return changed;
}
