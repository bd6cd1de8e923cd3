// A mirror of what profiles' ApplyWebhookEvents refuses (services/profiles/src/app/apply-batch.ts
// checkEvent/checkRef, domain/limits.ts), written from that code rather than from ingest's own
// src/providers/event-limits.ts, so a parser test can assert "profiles would take this" without
// a profiles process. The fuzz integration test checks the same against the real service.
import {
  ApplyWebhookEventsRequest,
  Channel,
  DeliveryStatus,
  type UserRef,
  type WebhookEvent,
} from '@ue/proto';

const WA_ID = /^\d{4,20}$/;
/** profiles' TIME_RANGE: 1970-01-01 up to 9999-12-31 (UTC). */
const MAX_TIME = Date.UTC(10_000, 0, 1) - 1;

function required(field: string, v: string | undefined, max: number): string | undefined {
  const t = (v ?? '').trim();
  if (!t) return `${field}: required`;
  return t.length > max ? `${field}: longer than ${max}` : undefined;
}

function optional(field: string, v: string | undefined, max: number): string | undefined {
  return (v ?? '').length > max ? `${field}: longer than ${max}` : undefined;
}

const isMeta = (c: Channel): boolean => c === Channel.MESSENGER || c === Channel.INSTAGRAM;

/** WhatsApp names a user by wa_id and/or BSUID, Messenger and Instagram by scoped_id alone. */
function userRef(field: string, r: UserRef | undefined, channel: Channel): string | undefined {
  if (isMeta(channel)) {
    if (!r?.scopedId) return `${field}.scoped_id: required on this channel`;
    if (r.waId || r.bsuid) return `${field}.wa_id: WhatsApp ids are not used on this channel`;
    return optional(`${field}.scoped_id`, r.scopedId, 128);
  }
  if (r?.scopedId) return `${field}.scoped_id: only on Messenger and Instagram`;
  if (!r || (!r.waId && !r.bsuid)) return `${field}: wa_id or bsuid required`;
  if (r.waId && !WA_ID.test(r.waId)) return `${field}.wa_id: digits only`;
  return optional(`${field}.bsuid`, r.bsuid, 128);
}

function first(...checks: Array<string | undefined>): string | undefined {
  return checks.find((c) => c !== undefined);
}

function eventRefusal(e: WebhookEvent): string | undefined {
  const ev = e.event;
  if (!ev) return 'event: required';
  switch (ev.$case) {
    case 'userSeen':
      return first(
        userRef('user_seen.user', ev.userSeen.user, e.channel),
        optional('user_seen.name', ev.userSeen.name, 256),
        optional('user_seen.username', ev.userSeen.username, 256),
      );
    case 'inboundMessage':
      return first(
        required('inbound_message.wamid', ev.inboundMessage.wamid, 256),
        userRef('inbound_message.from', ev.inboundMessage.from, e.channel),
        optional('inbound_message.content.text', ev.inboundMessage.content?.text, 65_536),
        optional('inbound_message.raw_json', ev.inboundMessage.rawJson, 64 * 1024),
        optional('inbound_message.echo_metadata', ev.inboundMessage.echoMetadata, 1000),
      );
    case 'status':
      return first(
        required('status.wamid', ev.status.wamid, 256),
        Number(ev.status.status) > 0 ? undefined : 'status.status: required',
      );
    case 'reaction':
      return first(
        optional('reaction.target_wamid', ev.reaction.targetWamid, 256),
        required('reaction.wamid', ev.reaction.wamid, 256),
        userRef('reaction.from', ev.reaction.from, e.channel),
        optional('reaction.emoji', ev.reaction.emoji, 64),
      );
    case 'edit':
      return first(
        optional('edit.target_wamid', ev.edit.targetWamid, 256),
        required('edit.wamid', ev.edit.wamid, 256),
        optional('edit.content.text', ev.edit.content?.text, 65_536),
      );
    case 'revoke':
      return optional('revoke.target_wamid', ev.revoke.targetWamid, 256);
    case 'numberChange': {
      const wa = ev.numberChange.newUser?.waId;
      return first(
        userRef('number_change.old_user', ev.numberChange.oldUser, e.channel),
        wa && !WA_ID.test(wa) ? 'number_change.new_user.wa_id: digits only' : undefined,
      );
    }
    case 'sendResult':
      return required('send_result.message_id', ev.sendResult.messageId, 128);
    case 'watermark':
      return first(
        userRef('watermark.user', ev.watermark.user, e.channel),
        ev.watermark.status === DeliveryStatus.DELIVERED ||
          ev.watermark.status === DeliveryStatus.READ
          ? undefined
          : 'watermark.status: DELIVERED or READ',
        ev.watermark.watermark ? undefined : 'watermark.watermark: required',
      );
    case 'providerError':
      return undefined;
  }
}

/** Why profiles would refuse this event (or the call carrying it), or undefined if it would not. */
export function profilesRefusal(e: WebhookEvent): string | undefined {
  const at = e.occurredAt?.getTime();
  const own = first(
    required('account_id', e.accountId, 64),
    optional('account_display', e.accountDisplay, 200),
    at === undefined || (at >= 0 && at <= MAX_TIME) ? undefined : 'occurred_at: out of range',
    eventRefusal(e),
  );
  if (own) return own;
  try {
    ApplyWebhookEventsRequest.encode({ events: [e], deliveries: [] });
  } catch (err) {
    return `not encodable: ${(err as Error).message}`;
  }
  return undefined;
}
