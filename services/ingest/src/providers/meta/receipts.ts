// Delivery and read receipts, and referrals that come without a message. Meta reports receipts
// as watermarks ("everything sent up to this time was delivered / read"): a WatermarkEvent, which
// profiles applies to every outbound message to the user sent at or before it; a delivery that
// lists mids, and Instagram's read of one mid, also move those messages by id.
import { DeliveryStatus } from '@ue/proto';
import { EVENT_LIMITS, isId } from '../event-limits.js';
import { note } from '../whatsapp/delivery-scope.js';
import { arr, str, type JsonObject } from '../whatsapp/json.js';
import { metaReferral } from './message-content.js';
import { msTime, push, type ItemScope } from './scope.js';

/** A delivery lists the mids it covers; the bound keeps a hostile body from fanning out. */
const MAX_MIDS = 256;

type Receipt = DeliveryStatus.DELIVERED | DeliveryStatus.READ;

function pushStatus(scope: ItemScope, wamid: string, status: Receipt): void {
  push(scope, {
    $case: 'status',
    status: {
      wamid,
      status,
      recipient: scope.user,
      errors: [],
      pricing: undefined,
      conversationId: '',
      conversationOrigin: '',
      bizOpaqueCallbackData: '',
    },
  });
}

function onReceipt(
  scope: ItemScope,
  r: { receipt: JsonObject; status: Receipt; mids: string[] },
): void {
  const watermark = msTime(r.receipt.watermark);
  const mids = r.mids.filter((m) => isId(m, EVENT_LIMITS.wamid)).slice(0, MAX_MIDS);
  if (!watermark && mids.length === 0) {
    note(scope.out.problems, `${scope.path}: receipt without a watermark or a usable mid`);
    return;
  }
  if (watermark)
    push(scope, {
      $case: 'watermark',
      watermark: { user: scope.user, status: r.status, watermark },
    });
  for (const mid of mids) pushStatus(scope, mid, r.status);
}

/** delivery {mids?, watermark}. */
export function onDelivery(scope: ItemScope, d: JsonObject): void {
  onReceipt(scope, { receipt: d, status: DeliveryStatus.DELIVERED, mids: arr(d.mids).map(str) });
}

/** read {watermark} (Messenger) or read {mid} (Instagram). */
export function onRead(scope: ItemScope, r: JsonObject): void {
  const mid = str(r.mid);
  onReceipt(scope, { receipt: r, status: DeliveryStatus.READ, mids: mid ? [mid] : [] });
}

/** A referral without a message (an m.me / ig.me link, an ad, the chat plugin): a sighting. */
export function onReferral(scope: ItemScope, r: JsonObject): void {
  push(scope, {
    $case: 'userSeen',
    userSeen: { user: scope.user, name: undefined, username: undefined, referral: metaReferral(r) },
  });
}
