// Messenger Platform (`object: "page"`) and Instagram Messaging (`object: "instagram"`) webhook
// body → normalized WebhookEvents for profiles (docs/ingest.md, "Messenger and Instagram").
// Pure: no I/O, no clock (the caller passes the receipt time used when an item has none).
// Never throws, and never emits an event profiles would refuse (src/providers/event-limits.ts).
// Other objects, Instagram's `changes` (comments, mentions) and messaging keys this parser does
// not apply (opt-ins, handovers, …) are acknowledged and listed as ignored.
import { Channel } from '@ue/proto';
import { fitText } from '../event-limits.js';
import { note, readEnvelope, type ParsedDelivery } from '../whatsapp/delivery-scope.js';
import { arr, bool, isObject, obj, str, type JsonObject } from '../whatsapp/json.js';
import { part } from './message-content.js';
import { onEdit, onMessage, onPostback, onReaction } from './message-event.js';
import { onDelivery, onRead, onReferral } from './receipts.js';
import { isMetaId, msTime, noteIgnored, scopedRef, type ItemScope } from './scope.js';

export const CHANNEL_OF_OBJECT = new Map<string, Channel>([
  ['page', Channel.MESSENGER],
  ['instagram', Channel.INSTAGRAM],
]);

/** Keys every messaging item has; the others say what happened. */
const ENVELOPE = new Set(['sender', 'recipient', 'timestamp']);

type Handler = (scope: ItemScope, o: { item: JsonObject; body: JsonObject }) => void;

const HANDLERS = new Map<string, Handler>([
  [
    'message',
    (s, { item, body }) =>
      onMessage(s, { m: body, echo: bool(body.is_echo), referral: part(item, 'referral') }),
  ],
  ['postback', (s, { item, body }) => onPostback(s, { p: body, referral: part(item, 'referral') })],
  ['reaction', (s, { body }) => onReaction(s, body)],
  ['message_edit', (s, { body }) => onEdit(s, body)],
  ['delivery', (s, { body }) => onDelivery(s, body)],
  ['read', (s, { body }) => onRead(s, body)],
  // Beside a message or postback, the referral is that message's (handled there).
  [
    'referral',
    (s, { item, body }) => {
      if (!part(item, 'message') && !part(item, 'postback')) onReferral(s, body);
    },
  ],
]);

interface EntryScope {
  channel: Channel;
  /** entry.id: the Page or Instagram account the entry is for. */
  entryId: string;
  /** entry.time, for items without their own timestamp. */
  entryStamp: string;
  receivedAt: Date;
  out: ParsedDelivery;
}

/** The item's account and customer, or undefined (noted) when it names no usable ones. */
function itemScope(base: EntryScope, item: JsonObject, path: string): ItemScope | undefined {
  // An echo is the page's own message: the customer is its recipient.
  const echo = bool(part(item, 'message')?.is_echo);
  const customer = obj(echo ? item.recipient : item.sender);
  const account = obj(echo ? item.sender : item.recipient);
  const accountId = isMetaId(base.entryId) ? base.entryId : str(account?.id);
  const userId = str(customer?.id);
  const { out } = base;
  if (!isMetaId(accountId)) {
    note(out.problems, `${path}: no usable page or account id (entry.id, recipient.id)`);
    return undefined;
  }
  if (!isMetaId(userId)) {
    // A chat plugin guest is known only by a user_ref, which no later message carries.
    if (str(customer?.user_ref)) note(out.unsupported, `${path}: a guest known only by user_ref`);
    else note(out.problems, `${path}: without a usable ${echo ? 'recipient' : 'sender'}.id`);
    return undefined;
  }
  if (!echo && userId === accountId) {
    note(out.unsupported, `${path}: done by the account itself, not by a customer`);
    return undefined;
  }
  const stamp = str(item.timestamp) || base.entryStamp;
  return {
    channel: base.channel,
    accountId,
    user: scopedRef(userId),
    stamp,
    at: msTime(stamp) ?? base.receivedAt,
    path,
    out,
  };
}

function onItem(base: EntryScope, item: JsonObject, path: string): void {
  const keys = Object.keys(item).filter((k) => !ENVELOPE.has(k));
  for (const k of keys) if (!HANDLERS.has(k)) noteIgnored(base.out, k);
  const known = keys.filter((k) => HANDLERS.has(k));
  if (known.length === 0) return;
  const scope = itemScope(base, item, path);
  if (!scope) return;
  for (const key of known) {
    const body = part(item, key);
    if (body) HANDLERS.get(key)!({ ...scope, path: `${path}.${key}` }, { item, body });
    else note(base.out.problems, `${path}.${key}: not an object`);
  }
}

function onEntry(
  base: Omit<EntryScope, 'entryId' | 'entryStamp'>,
  entry: JsonObject,
  path: string,
): void {
  const scope: EntryScope = { ...base, entryId: str(entry.id), entryStamp: str(entry.time) };
  if (entry.messaging !== undefined && !Array.isArray(entry.messaging))
    note(base.out.problems, `${path}.messaging: not a list`);
  arr(entry.messaging).forEach((item, i) =>
    isObject(item)
      ? onItem(scope, item, `${path}.messaging[${i}]`)
      : note(base.out.problems, `${path}.messaging[${i}]: not an object`),
  );
  // Comments, mentions and the like: not conversations.
  for (const change of arr(entry.changes))
    noteIgnored(base.out, str(obj(change)?.field) || '(none)');
  // Messages another app owns the thread for (handover protocol): that app's to answer.
  if (entry.standby !== undefined) noteIgnored(base.out, 'standby');
}

/** Parse one delivery (its bytes, or text). Never throws: what cannot be read is listed. */
export function parseMetaDelivery(body: Uint8Array | string, receivedAt: Date): ParsedDelivery {
  const { out, root } = readEnvelope(body);
  if (!root) return out;
  const object = str(root.object);
  const channel = CHANNEL_OF_OBJECT.get(object);
  if (channel === undefined) {
    // Another product of the same app (user, permissions, …): nothing for conversations.
    noteIgnored(out, `object:${fitText(object, 48) || '(none)'}`);
    return out;
  }
  if (!Array.isArray(root.entry)) {
    out.problems.push('body is not a webhook envelope (no entry array)');
    return out;
  }
  root.entry.forEach((entry, e) =>
    isObject(entry)
      ? onEntry({ channel, receivedAt, out }, entry, `entry[${e}]`)
      : note(out.problems, `entry[${e}]: not an object`),
  );
  return out;
}
