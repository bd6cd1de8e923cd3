// WhatsApp Cloud API webhook body → normalized WebhookEvents for profiles.
// Spec: shared/docs/whatsapp-webhooks.md (§3 envelope, §4–5 messages, §6 statuses, §9 ids).
// Pure: no I/O, no clock (the caller passes the receipt time used when an item has none).
import { DeliveryStatus, type UserRef, type WebhookEvent } from '@ue/proto';
import {
  arr,
  isObject,
  obj,
  optStr,
  parseJsonKeepingBigInts,
  str,
  unixTime,
  type Json,
  type JsonObject,
} from './json.js';
import {
  KNOWN_CONTENT_TYPES,
  messageContent,
  messageContext,
  providerErrors,
  referral,
} from './message-content.js';

export interface ParsedDelivery {
  events: WebhookEvent[];
  /** Changes of other webhook fields (account_update, …): acknowledged, not applied. */
  ignoredFields: string[];
  /** Message types this parser does not know (stored as unsupported with their raw JSON). */
  unknownTypes: string[];
  /** Items that could not be turned into events (with their JSON path); empty when all is well. */
  problems: string[];
}

const STATUSES: Record<string, DeliveryStatus> = {
  sent: DeliveryStatus.SENT,
  delivered: DeliveryStatus.DELIVERED,
  read: DeliveryStatus.READ,
  played: DeliveryStatus.PLAYED,
  failed: DeliveryStatus.FAILED,
};

// profiles keeps at most 64 KiB of raw JSON per message.
const MAX_RAW_JSON = 60_000;

const NUMBER_CHANGES = new Set([
  'user_changed_number',
  'customer_changed_number',
  'user_changed_user_id',
]);

interface Scope {
  accountId: string;
  wabaId: string;
  /** Fallback time for items without a timestamp (value.errors). */
  receivedAt: Date;
  contacts: JsonObject[];
  out: ParsedDelivery;
}

function ref(waId: Json | undefined, bsuid: Json | undefined, parent: Json | undefined): UserRef {
  return { waId: str(waId), bsuid: str(bsuid), parentBsuid: str(parent) };
}

/** The contact named by this id pair (never by array position), merged into one UserRef. */
function joinContact(
  scope: Scope,
  { waId, bsuid, parent = '' }: { waId: string; bsuid: string; parent?: string },
): UserRef {
  const c = scope.contacts.find(
    (k) => (waId !== '' && str(k.wa_id) === waId) || (bsuid !== '' && str(k.user_id) === bsuid),
  );
  return {
    waId: waId || str(c?.wa_id),
    bsuid: bsuid || str(c?.user_id),
    parentBsuid: parent || str(c?.parent_user_id),
  };
}

function push(scope: Scope, occurredAt: Date | undefined, event: WebhookEvent['event']): void {
  scope.out.events.push({
    accountId: scope.accountId,
    wabaId: scope.wabaId,
    occurredAt: occurredAt ?? scope.receivedAt,
    event,
  });
}

function onContacts(scope: Scope, times: Map<JsonObject, Date>): void {
  for (const c of scope.contacts) {
    const user = ref(c.wa_id, c.user_id, c.parent_user_id);
    if (!user.waId && !user.bsuid) continue;
    const profile = obj(c.profile) ?? {};
    push(scope, times.get(c), {
      $case: 'userSeen',
      userSeen: { user, name: optStr(profile.name), username: optStr(profile.username) },
    });
  }
}

function onMessage(scope: Scope, m: JsonObject, path: string): void {
  const wamid = str(m.id);
  const type = str(m.type);
  const at = unixTime(m.timestamp);
  if (!wamid || !type) {
    scope.out.problems.push(`${path}: message without id or type`);
    return;
  }
  const from = joinContact(scope, {
    waId: str(m.from),
    bsuid: str(m.from_user_id),
    parent: str(m.from_parent_user_id),
  });
  if (!from.waId && !from.bsuid) {
    scope.out.problems.push(`${path}: message ${wamid} without from / from_user_id`);
    return;
  }
  if (type === 'reaction') {
    const r = obj(m.reaction) ?? {};
    // Meta omits emoji on removal; some senders use "": both mean "no reaction any more".
    push(scope, at, {
      $case: 'reaction',
      reaction: { wamid, from, targetWamid: str(r.message_id), emoji: str(r.emoji) },
    });
    return;
  }
  if (type === 'edit') {
    const e = obj(m.edit) ?? {};
    const content = messageContent(obj(e.message) ?? {});
    push(scope, at, {
      $case: 'edit',
      edit: { wamid, from, targetWamid: str(e.original_message_id), content },
    });
    return;
  }
  if (type === 'revoke') {
    push(scope, at, {
      $case: 'revoke',
      revoke: { wamid, from, targetWamid: str(obj(m.revoke)?.original_message_id) },
    });
    return;
  }
  const system = obj(m.system);
  if (type === 'system' && system && NUMBER_CHANGES.has(str(system.type))) {
    // Same person, new identity: a new wa_id, or (user_changed_user_id) new BSUIDs on the same number.
    const newUser = ref(
      system.wa_id ?? (str(system.type) === 'user_changed_user_id' ? from.waId : ''),
      system.user_id,
      system.parent_user_id,
    );
    push(scope, at, {
      $case: 'numberChange',
      numberChange: { wamid, oldUser: from, newUser, body: str(system.body) },
    });
    return;
  }
  const known = KNOWN_CONTENT_TYPES.has(type);
  if (!known) scope.out.unknownTypes.push(type);
  const content = messageContent(m);
  const keepRaw = !known || type === 'unsupported' || type === 'system' || type === 'contacts';
  push(scope, at, {
    $case: 'inboundMessage',
    inboundMessage: {
      wamid,
      from,
      content,
      context: messageContext(obj(m.context)),
      referral: referral(obj(m.referral)),
      errors: providerErrors(m.errors),
      rawJson: keepRaw ? rawJsonOf(m) : '',
    },
  });
}

/** The message's JSON, unless it is huge (the stored raw delivery still has it then). */
function rawJsonOf(m: JsonObject): string {
  const raw = JSON.stringify(m);
  return raw.length <= MAX_RAW_JSON ? raw : '';
}

function onStatus(scope: Scope, s: JsonObject, path: string): void {
  const wamid = str(s.id);
  const status = STATUSES[str(s.status)];
  if (!wamid) {
    scope.out.problems.push(`${path}: status without id`);
    return;
  }
  if (status === undefined) {
    // A status value Meta may add later: nothing to move; the raw delivery keeps it.
    scope.out.unknownTypes.push(`status:${str(s.status)}`);
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
    const waId = str(item.from ?? item.recipient_id);
    const bsuid = str(item.from_user_id ?? item.recipient_user_id);
    const c = scope.contacts.find(
      (k) => (waId !== '' && str(k.wa_id) === waId) || (bsuid !== '' && str(k.user_id) === bsuid),
    );
    const at = unixTime(item.timestamp);
    if (c && at && (times.get(c)?.getTime() ?? 0) < at.getTime()) times.set(c, at);
  }
  return times;
}

function onValue(
  base: Omit<Scope, 'accountId' | 'contacts'>,
  value: JsonObject,
  path: string,
): void {
  const accountId = str(obj(value.metadata)?.phone_number_id);
  if (!accountId) {
    base.out.problems.push(`${path}: value without metadata.phone_number_id`);
    return;
  }
  const scope: Scope = { ...base, accountId, contacts: arr(value.contacts).filter(isObject) };
  const messages = arr(value.messages);
  const statuses = arr(value.statuses);
  onContacts(scope, contactTimes(scope, [...messages, ...statuses].filter(isObject)));
  messages.forEach((m, i) =>
    isObject(m)
      ? onMessage(scope, m, `${path}.messages[${i}]`)
      : base.out.problems.push(`${path}.messages[${i}]: not an object`),
  );
  statuses.forEach((s, i) =>
    isObject(s)
      ? onStatus(scope, s, `${path}.statuses[${i}]`)
      : base.out.problems.push(`${path}.statuses[${i}]: not an object`),
  );
  const errors = providerErrors(value.errors);
  if (errors.length > 0)
    push(scope, undefined, { $case: 'providerError', providerError: { errors } });
}

/** Parse one delivery. Never throws: what cannot be read is listed in `problems`. */
export function parseWhatsappDelivery(text: string, receivedAt: Date): ParsedDelivery {
  const out: ParsedDelivery = { events: [], ignoredFields: [], unknownTypes: [], problems: [] };
  let root: Json;
  try {
    root = parseJsonKeepingBigInts(text);
  } catch {
    out.problems.push('body is not JSON');
    return out;
  }
  if (!isObject(root) || !Array.isArray(root.entry)) {
    out.problems.push('body is not a webhook envelope (no entry array)');
    return out;
  }
  if (str(root.object) !== 'whatsapp_business_account') {
    out.problems.push(`object is "${str(root.object)}", not whatsapp_business_account`);
    return out;
  }
  root.entry.forEach((entry, e) => {
    const wabaId = str(obj(entry)?.id);
    arr(obj(entry)?.changes).forEach((change, c) => {
      const path = `entry[${e}].changes[${c}]`;
      const ch = obj(change);
      const field = str(ch?.field);
      if (field !== 'messages') {
        out.ignoredFields.push(field || '(none)');
        return;
      }
      const value = obj(ch?.value);
      if (!value) out.problems.push(`${path}: messages change without value`);
      else onValue({ wabaId, receivedAt, out }, value, `${path}.value`);
    });
  });
  return out;
}
