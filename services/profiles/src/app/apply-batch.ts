// ApplyWebhookEvents entry point: validate the whole batch first (nothing applied when any event
// is malformed), store raw deliveries by content hash, apply sightings and new messages together,
// then the other events a few at a time.
import { AppError } from '@ue/kit';
import {
  DeliveryStatus,
  type ApplyWebhookEventsRequest,
  type ApplyWebhookEventsResponse,
  type Channel,
  type MessageContent,
  type UserRef,
  type WebhookEvent,
} from '@ue/proto';
import { deliveryAccounts, deliveryKeys } from '../domain/delivery-keys.js';
import { sha256Hex } from '../domain/ids.js';
import {
  LIMITS,
  optionalString,
  optionalTime,
  requireString,
  requireTime,
} from '../domain/limits.js';
import { accountSightings } from './accounts.js';
import { applyBulk, isBulk } from './apply-bulk.js';
import { applyEvent } from './apply-events.js';
import { isMetaChannel } from './channels.js';
import { checkEnum, ENUMS, requireEnum } from './enums.js';
import { inParallel } from './parallel.js';
import type { EventPorts, Ports } from './ports.js';

const BATCH_CONCURRENCY = 4;

/** WhatsApp names a user by wa_id and/or BSUID, Messenger and Instagram by scoped_id alone. */
function checkRef(field: string, ref: UserRef | undefined, channel: Channel): void {
  if (isMetaChannel(channel)) {
    if (!ref?.scopedId) throw AppError.invalid(`${field}.scoped_id`, 'required on this channel');
    optionalString(`${field}.scoped_id`, ref.scopedId, 128);
    if (ref.waId || ref.bsuid)
      throw AppError.invalid(`${field}.wa_id`, 'WhatsApp ids are not used on this channel');
    return;
  }
  if (ref?.scopedId)
    throw AppError.invalid(`${field}.scoped_id`, 'only on Messenger and Instagram');
  if (!ref || (!ref.waId && !ref.bsuid)) throw AppError.invalid(field, 'wa_id or bsuid required');
  if (ref.waId && !/^\d{4,20}$/.test(ref.waId))
    throw AppError.invalid(`${field}.wa_id`, 'digits only');
  optionalString(`${field}.bsuid`, ref.bsuid, 128);
}

function checkContent(field: string, c: MessageContent | undefined): void {
  if (c) checkEnum(`${field}.type`, ENUMS.messageType, c.type);
}

function checkEvent(f: string, e: WebhookEvent): void {
  requireString(`${f}.account_id`, e.accountId, 64);
  optionalString(`${f}.waba_id`, e.wabaId, 64);
  optionalTime(`${f}.occurred_at`, e.occurredAt);
  const channel = checkEnum(`${f}.channel`, ENUMS.channel, e.channel);
  optionalString(`${f}.account_display`, e.accountDisplay, 200);
  const ev = e.event;
  if (!ev) throw AppError.invalid(`${f}.event`, 'required');
  switch (ev.$case) {
    case 'userSeen':
      checkRef(`${f}.user_seen.user`, ev.userSeen.user, channel);
      optionalString(`${f}.user_seen.name`, ev.userSeen.name, LIMITS.nameLength);
      optionalString(`${f}.user_seen.username`, ev.userSeen.username, LIMITS.nameLength);
      return;
    case 'inboundMessage':
      requireString(`${f}.inbound_message.wamid`, ev.inboundMessage.wamid, 256);
      checkRef(`${f}.inbound_message.from`, ev.inboundMessage.from, channel);
      optionalString(`${f}.inbound_message.echo_metadata`, ev.inboundMessage.echoMetadata, 1000);
      checkContent(`${f}.inbound_message.content`, ev.inboundMessage.content);
      optionalString(`${f}.inbound_message.content.text`, ev.inboundMessage.content?.text, 65_536);
      optionalString(
        `${f}.inbound_message.raw_json`,
        ev.inboundMessage.rawJson,
        LIMITS.rawJsonLength,
      );
      return;
    case 'status':
      requireString(`${f}.status.wamid`, ev.status.wamid, 256);
      requireEnum(`${f}.status.status`, ENUMS.deliveryStatus, ev.status.status);
      optionalString(
        `${f}.status.biz_opaque_callback_data`,
        ev.status.bizOpaqueCallbackData,
        LIMITS.bizOpaqueLength,
      );
      return;
    // A reaction, edit or revoke without a target cannot change anything: it is accepted (the raw
    // delivery keeps it) and counted as a no-op rather than failing the provider's whole batch.
    case 'reaction':
      optionalString(`${f}.reaction.target_wamid`, ev.reaction.targetWamid, 256);
      requireString(`${f}.reaction.wamid`, ev.reaction.wamid, 256);
      checkRef(`${f}.reaction.from`, ev.reaction.from, channel);
      optionalString(`${f}.reaction.emoji`, ev.reaction.emoji, 64);
      return;
    case 'edit':
      optionalString(`${f}.edit.target_wamid`, ev.edit.targetWamid, 256);
      requireString(`${f}.edit.wamid`, ev.edit.wamid, 256);
      optionalString(`${f}.edit.content.text`, ev.edit.content?.text, 65_536);
      checkContent(`${f}.edit.content`, ev.edit.content);
      return;
    case 'revoke':
      optionalString(`${f}.revoke.target_wamid`, ev.revoke.targetWamid, 256);
      return;
    case 'numberChange':
      checkRef(`${f}.number_change.old_user`, ev.numberChange.oldUser, channel);
      if (ev.numberChange.newUser?.waId && !/^\d{4,20}$/.test(ev.numberChange.newUser.waId)) {
        throw AppError.invalid(`${f}.number_change.new_user.wa_id`, 'digits only');
      }
      return;
    case 'sendResult':
      requireString(`${f}.send_result.message_id`, ev.sendResult.messageId, LIMITS.idLength);
      return;
    case 'providerError':
      return;
    case 'watermark': {
      const w = ev.watermark;
      checkRef(`${f}.watermark.user`, w.user, channel);
      if (w.status !== DeliveryStatus.DELIVERED && w.status !== DeliveryStatus.READ)
        throw AppError.invalid(`${f}.watermark.status`, 'DELIVERED or READ');
      requireTime(`${f}.watermark.watermark`, w.watermark);
      return;
    }
  }
}

/** Every event and delivery of a batch, before any of it is applied. */
function validateBatch(req: ApplyWebhookEventsRequest): void {
  if (req.events.length > LIMITS.eventsPerBatch)
    throw AppError.invalid('events', `at most ${LIMITS.eventsPerBatch} per call`);
  if (req.deliveries.length > LIMITS.deliveriesPerBatch)
    throw AppError.invalid('deliveries', `at most ${LIMITS.deliveriesPerBatch} per call`);
  req.events.forEach((e, i) => checkEvent(`events[${i}]`, e));
  req.deliveries.forEach((d, i) => {
    optionalTime(`deliveries[${i}].received_at`, d.receivedAt);
    optionalString(`deliveries[${i}].provider`, d.provider, 64);
    if (d.body.length > LIMITS.deliveryBytes)
      throw AppError.invalid(`deliveries[${i}].body`, 'larger than 3 MB');
    if (d.sha256 && d.sha256 !== sha256Hex(d.body))
      throw AppError.invalid(`deliveries[${i}].sha256`, 'does not match the body');
  });
}

/** Apply a batch; stops between events once the caller is gone (every event is idempotent, so a retry resumes). */
export async function applyBatch(
  deps: EventPorts & Pick<Ports, 'deliveries'>,
  req: ApplyWebhookEventsRequest,
  cancelled: () => boolean = () => false,
): Promise<ApplyWebhookEventsResponse> {
  validateBatch(req);
  // The raw deliveries are stored alongside the events (neither reads the other).
  const storing = deps.deliveries.storeMany(
    req.deliveries.map((d) => ({
      sha256: sha256Hex(d.body),
      body: Buffer.from(d.body),
      receivedAt: d.receivedAt ?? deps.now(),
      provider: d.provider || 'whatsapp',
      keys: deliveryKeys(d.body),
      accountIds: deliveryAccounts(d.body),
    })),
  );
  const indexed = req.events.map((e, index) => ({ index, e }));
  // Its rejection is awaited below; do not let it surface as unhandled before that.
  storing.catch(() => undefined);
  const stopIfGone = (): void => {
    if (cancelled())
      throw new AppError(
        'DEADLINE_EXCEEDED',
        'deadline exceeded or call cancelled; retry the batch',
      );
  };
  stopIfGone();
  // Sightings and new messages first, together (apply-bulk.ts), so the statuses, reactions and
  // edits that follow in the same batch find their messages.
  // The accounts the batch names are registered beside (rarely a write: accounts.ts).
  const [deliveriesStored, outcomes] = await Promise.all([
    storing,
    applyBulk(
      deps,
      indexed.filter((x) => isBulk(x.e)),
    ),
    deps.accounts.noteDeliveries(accountSightings(req.events), deps.now()),
  ]);
  // The rest are order-independent by design (see ADR 0005), so a few concurrent workers apply
  // them: same final state, much less waiting on database round trips.
  await inParallel(
    indexed.filter((x) => !isBulk(x.e)),
    BATCH_CONCURRENCY,
    async (x) => {
      stopIfGone();
      outcomes.set(x.index, await applyEvent(deps, x.e));
    },
  );
  const res: ApplyWebhookEventsResponse = {
    applied: 0,
    duplicates: 0,
    orphaned: 0,
    deliveriesStored,
  };
  for (const outcome of outcomes.values()) {
    if (outcome === 'applied') res.applied += 1;
    else if (outcome === 'duplicate') res.duplicates += 1;
    else res.orphaned += 1;
  }
  return res;
}
