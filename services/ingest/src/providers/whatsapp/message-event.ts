// One inbound message of a delivery → one event, per shared/docs/whatsapp-webhooks.md §4–5:
// a reaction, edit, revoke or number change has its own event; anything else is an inbound
// message. A message whose fields profiles would refuse (src/providers/event-limits.ts), and any
// type this parser does not know, is stored as unsupported with its raw JSON instead.
import { MessageContent, MessageType, type UserRef } from '@ue/proto';
import { EVENT_LIMITS, fitText, hasIdentity, isId } from '../event-limits.js';
import {
  joinContact,
  note,
  noteType,
  push,
  ref,
  type EventBody,
  type Scope,
} from './delivery-scope.js';
import { obj, str, unixTime, type JsonObject } from './json.js';
import {
  KNOWN_CONTENT_TYPES,
  messageContent,
  messageContext,
  providerErrors,
  referral,
} from './message-content.js';

// profiles keeps at most 64 KiB of raw JSON per message.
const MAX_RAW_JSON = 60_000;

const NUMBER_CHANGES = new Set([
  'user_changed_number',
  'customer_changed_number',
  'user_changed_user_id',
]);

interface Inbound {
  m: JsonObject;
  wamid: string;
  type: string;
  from: UserRef;
}

/** undefined: not something profiles can apply as this kind (the message becomes unsupported). */
type Special = (msg: Inbound) => EventBody | undefined;

const target = (v: string): boolean => v.length <= EVENT_LIMITS.wamid;
const textFits = (c: MessageContent): boolean => c.text.length <= EVENT_LIMITS.text;

function reaction({ m, wamid, from }: Inbound): EventBody | undefined {
  const r = obj(m.reaction) ?? {};
  // Meta omits emoji on removal; some senders use "": both mean "no reaction any more".
  const emoji = str(r.emoji);
  const targetWamid = str(r.message_id);
  if (!target(targetWamid) || emoji.length > EVENT_LIMITS.emoji) return undefined;
  return { $case: 'reaction', reaction: { wamid, from, targetWamid, emoji } };
}

function edit({ m, wamid, from }: Inbound): EventBody | undefined {
  const e = obj(m.edit) ?? {};
  const content = messageContent(obj(e.message) ?? {});
  const targetWamid = str(e.original_message_id);
  if (!target(targetWamid) || !textFits(content)) return undefined;
  return { $case: 'edit', edit: { wamid, from, targetWamid, content } };
}

function revoke({ m, wamid, from }: Inbound): EventBody | undefined {
  const targetWamid = str(obj(m.revoke)?.original_message_id);
  if (!target(targetWamid)) return undefined;
  return { $case: 'revoke', revoke: { wamid, from, targetWamid } };
}

/** Same person, new identity: a new wa_id, or (user_changed_user_id) new BSUIDs on the same number. */
function numberChange({ m, wamid, from }: Inbound): EventBody | undefined {
  const system = obj(m.system);
  const kind = str(system?.type);
  if (!system || !NUMBER_CHANGES.has(kind)) return undefined;
  const newUser = ref(
    system.wa_id ?? (kind === 'user_changed_user_id' ? from.waId : ''),
    system.user_id,
    system.parent_user_id,
  );
  const body = fitText(str(system.body), EVENT_LIMITS.text);
  return { $case: 'numberChange', numberChange: { wamid, oldUser: from, newUser, body } };
}

const SPECIAL = new Map<string, Special>([
  ['reaction', reaction],
  ['edit', edit],
  ['revoke', revoke],
]);

/** The message's JSON, unless it is huge (the stored raw delivery still has it then). */
function rawJsonOf(m: JsonObject): string {
  const raw = JSON.stringify(m);
  return raw.length <= MAX_RAW_JSON ? raw : '';
}

function unsupported(type: string): MessageContent {
  return MessageContent.fromPartial({ type: MessageType.UNSUPPORTED, unsupportedType: type });
}

function inboundEvent(
  { m, wamid, from }: Inbound,
  content: MessageContent,
  keepRaw: boolean,
): EventBody {
  return {
    $case: 'inboundMessage',
    inboundMessage: {
      wamid,
      from,
      content,
      context: messageContext(obj(m.context)),
      referral: referral(obj(m.referral)),
      errors: providerErrors(m.errors),
      rawJson: keepRaw ? rawJsonOf(m) : '',
      echo: false,
      echoMetadata: '',
    },
  };
}

/** Content mapped field by field; unknown types and unstorable content become unsupported. */
function contentEvent(scope: Scope, msg: Inbound, path: string): EventBody {
  const { type } = msg;
  if (!KNOWN_CONTENT_TYPES.has(type)) noteType(scope.out, type);
  const content = messageContent(msg.m);
  if (!textFits(content)) {
    note(scope.out.unsupported, `${path}: text longer than ${EVENT_LIMITS.text} characters`);
    return inboundEvent(msg, unsupported(type), true);
  }
  const keepRaw =
    content.type === MessageType.UNSUPPORTED || type === 'system' || type === 'contacts';
  return inboundEvent(msg, content, keepRaw);
}

export function onMessage(scope: Scope, m: JsonObject, path: string): void {
  const wamid = str(m.id);
  const type = str(m.type);
  if (!isId(wamid, EVENT_LIMITS.wamid) || !type) {
    note(scope.out.problems, `${path}: message without id or type`);
    return;
  }
  const from = joinContact(scope, {
    waId: str(m.from),
    bsuid: str(m.from_user_id),
    parent: str(m.from_parent_user_id),
  });
  if (!hasIdentity(from)) {
    note(scope.out.problems, `${path}: message ${wamid} without from / from_user_id`);
    return;
  }
  const msg: Inbound = { m, wamid, type, from };
  const at = unixTime(m.timestamp);
  const special = SPECIAL.get(type);
  const event = type === 'system' ? numberChange(msg) : special?.(msg);
  if (event) return push(scope, at, event);
  if (special) {
    note(scope.out.unsupported, `${path}: ${type} with fields beyond profiles' limits`);
    return push(scope, at, inboundEvent(msg, unsupported(type), true));
  }
  push(scope, at, contentEvent(scope, msg, path));
}
