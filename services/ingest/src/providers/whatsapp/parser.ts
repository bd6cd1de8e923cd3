// WhatsApp Cloud API webhook body → normalized WebhookEvents for profiles.
// Spec: shared/docs/whatsapp-webhooks.md (§3 envelope, §4–5 messages, §6 statuses, §9 ids).
// Pure: no I/O, no clock (the caller passes the receipt time used when an item has none).
// Never throws, and never emits an event profiles would refuse (src/providers/event-limits.ts):
// an item that cannot be stored as sent is stored as unsupported, trimmed, or listed.
import { DeliveryStatus } from '@ue/proto';
import { EVENT_LIMITS, fitText, hasIdentity, isId } from '../event-limits.js';
import {
  contactOf,
  indexContacts,
  joinContact,
  note,
  noteType,
  push,
  readEnvelope,
  ref,
  type ParsedDelivery,
  type Scope,
} from './delivery-scope.js';
import { arr, isObject, obj, optStr, str, unixTime, type JsonObject } from './json.js';
import { providerErrors } from './message-content.js';
import { onMessage } from './message-event.js';

export type { ParsedDelivery } from './delivery-scope.js';

// A Map, not an object literal: a status named "toString" or "__proto__" must find nothing.
const STATUSES = new Map<string, DeliveryStatus>([
  ['sent', DeliveryStatus.SENT],
  ['delivered', DeliveryStatus.DELIVERED],
  ['read', DeliveryStatus.READ],
  ['played', DeliveryStatus.PLAYED],
  ['failed', DeliveryStatus.FAILED],
]);

function optName(v: Parameters<typeof str>[0]): string | undefined {
  const s = optStr(v);
  return s === undefined ? undefined : fitText(s, EVENT_LIMITS.name);
}

function onContacts(scope: Scope, times: Map<JsonObject, Date>, path: string): void {
  scope.contacts.forEach((c, i) => {
    const user = ref(c.wa_id, c.user_id, c.parent_user_id);
    if (!hasIdentity(user)) {
      // A wa_id that is not digits is not a wa_id: with no BSUID either, nobody to record.
      if (str(c.wa_id) !== '' || str(c.user_id) !== '')
        note(scope.out.unsupported, `${path}.contacts[${i}]: no wa_id or user_id profiles accepts`);
      return;
    }
    const profile = obj(c.profile) ?? {};
    // Display names are cut to profiles' limit at a character boundary.
    push(scope, times.get(c), {
      $case: 'userSeen',
      userSeen: {
        user,
        name: optName(profile.name),
        username: optName(profile.username),
        referral: undefined,
      },
    });
  });
}

function onStatus(scope: Scope, s: JsonObject, path: string): void {
  const wamid = str(s.id);
  const status = STATUSES.get(str(s.status));
  if (!isId(wamid, EVENT_LIMITS.wamid)) {
    note(scope.out.problems, `${path}: status without id`);
    return;
  }
  if (status === undefined) {
    // A status value Meta may add later: nothing to move; the raw delivery keeps it.
    noteType(scope.out, `status:${str(s.status)}`);
    return;
  }
  const isGroup = str(s.recipient_type) === 'group';
  // A group status names the group, not a user: no wa_id, and no contact to join.
  const recipient = isGroup
    ? ref('', s.recipient_user_id, s.recipient_parent_user_id)
    : joinContact(scope, {
        waId: str(s.recipient_id),
        bsuid: str(s.recipient_user_id),
        parent: str(s.recipient_parent_user_id),
      });
  const pricing = obj(s.pricing);
  const conversation = obj(s.conversation);
  push(scope, unixTime(s.timestamp), {
    $case: 'status',
    status: {
      wamid,
      status,
      recipient,
      errors: providerErrors(s.errors),
      pricing: pricing
        ? {
            billable: pricing.billable === true,
            pricingModel: str(pricing.pricing_model),
            type: str(pricing.type),
            category: str(pricing.category),
          }
        : undefined,
      conversationId: str(conversation?.id),
      conversationOrigin: str(obj(conversation?.origin)?.type),
      bizOpaqueCallbackData: str(s.biz_opaque_callback_data),
    },
  });
}

/** Latest time any item in this value mentions each contact (for its UserSeen event). */
function contactTimes(scope: Scope, items: JsonObject[]): Map<JsonObject, Date> {
  const times = new Map<JsonObject, Date>();
  for (const item of items) {
    const c = contactOf(scope, {
      waId: str(item.from ?? item.recipient_id),
      bsuid: str(item.from_user_id ?? item.recipient_user_id),
    });
    const at = unixTime(item.timestamp);
    if (c && at && (times.get(c)?.getTime() ?? 0) < at.getTime()) times.set(c, at);
  }
  return times;
}

type ValueBase = Pick<Scope, 'wabaId' | 'receivedAt' | 'out'>;

function onValue(base: ValueBase, value: JsonObject, path: string): void {
  const accountId = str(obj(value.metadata)?.phone_number_id);
  if (!isId(accountId, EVENT_LIMITS.accountId)) {
    note(base.out.problems, `${path}: value without metadata.phone_number_id`);
    return;
  }
  const contacts = arr(value.contacts).filter(isObject);
  // Shown for the account until an admin names it.
  const accountDisplay = fitText(
    str(obj(value.metadata)?.display_phone_number),
    EVENT_LIMITS.accountDisplay,
  );
  const scope: Scope = {
    ...base,
    accountId,
    accountDisplay,
    contacts,
    ...indexContacts(contacts),
  };
  const messages = arr(value.messages);
  const statuses = arr(value.statuses);
  onContacts(scope, contactTimes(scope, [...messages, ...statuses].filter(isObject)), path);
  messages.forEach((m, i) =>
    isObject(m)
      ? onMessage(scope, m, `${path}.messages[${i}]`)
      : note(base.out.problems, `${path}.messages[${i}]: not an object`),
  );
  statuses.forEach((s, i) =>
    isObject(s)
      ? onStatus(scope, s, `${path}.statuses[${i}]`)
      : note(base.out.problems, `${path}.statuses[${i}]: not an object`),
  );
  const errors = providerErrors(value.errors);
  if (errors.length > 0)
    push(scope, undefined, { $case: 'providerError', providerError: { errors } });
}

function onEntry(
  { out, receivedAt }: Pick<Scope, 'receivedAt' | 'out'>,
  entry: JsonObject | undefined,
  e: number,
): void {
  const id = str(entry?.id);
  // The WABA id is digits; profiles learns it, so a long value is not kept.
  const wabaId = id.length <= EVENT_LIMITS.accountId ? id : '';
  arr(entry?.changes).forEach((change, c) => {
    const path = `entry[${e}].changes[${c}]`;
    const ch = obj(change);
    const field = str(ch?.field);
    if (field !== 'messages') {
      if (!out.ignoredFields.includes(field || '(none)'))
        note(out.ignoredFields, field || '(none)');
      return;
    }
    const value = obj(ch?.value);
    if (!value) note(out.problems, `${path}: messages change without value`);
    else onValue({ wabaId, receivedAt, out }, value, `${path}.value`);
  });
}

/** Parse one delivery (its bytes, or text). Never throws: what cannot be read is listed. */
export function parseWhatsappDelivery(body: Uint8Array | string, receivedAt: Date): ParsedDelivery {
  const { out, root } = readEnvelope(body);
  if (!root) return out;
  if (!Array.isArray(root.entry)) {
    out.problems.push('body is not a webhook envelope (no entry array)');
    return out;
  }
  if (str(root.object) !== 'whatsapp_business_account') {
    out.problems.push(
      `object is "${fitText(str(root.object), 64)}", not whatsapp_business_account`,
    );
    return out;
  }
  root.entry.forEach((entry, e) => onEntry({ out, receivedAt }, obj(entry), e));
  return out;
}
