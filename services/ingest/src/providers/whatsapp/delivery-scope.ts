// What the parser knows while it walks one value of a delivery (account, contacts, where events
// go) and the rules every item follows: a contact is found by its ids, never by array position,
// and a user reference keeps only ids profiles can key by (src/providers/event-limits.ts).
import { Channel, type UserRef, type WebhookEvent } from '@ue/proto';
import { cleanRef, fitText } from '../event-limits.js';
import { isObject, readJson, str, type Json, type JsonObject } from './json.js';

export interface ParsedDelivery {
  events: WebhookEvent[];
  /** Changes of other webhook fields (account_update, …): acknowledged, not applied. */
  ignoredFields: string[];
  /** Message and status types this parser does not know (distinct; messages are stored as unsupported). */
  unknownTypes: string[];
  /** Items profiles cannot take as sent, kept only in the stored raw delivery (path: why). */
  unsupported: string[];
  /** Items that could not be turned into events (with their JSON path); empty when all is well. */
  problems: string[];
}

export type EventBody = NonNullable<WebhookEvent['event']>;

/**
 * The start of every provider's parser: an empty result, and the body's top-level object — or
 * none, with the problem noted, when the body is not JSON or not an object.
 */
export function readEnvelope(body: Uint8Array | string): {
  out: ParsedDelivery;
  root?: JsonObject;
} {
  const out: ParsedDelivery = {
    events: [],
    ignoredFields: [],
    unknownTypes: [],
    unsupported: [],
    problems: [],
  };
  const read = readJson(body);
  if (!read.ok) out.problems.push(`body is ${read.problem}`);
  else if (!isObject(read.value))
    out.problems.push('body is not a webhook envelope (not an object)');
  else return { out, root: read.value };
  return { out };
}

/** Notes kept per list: a hostile 3 MB body must not turn into a 3 MB log line. */
const MAX_NOTES = 20;

/** Add a note, at most MAX_NOTES per list (then one line saying how many more). */
export function note(list: string[], text: string): void {
  if (list.length < MAX_NOTES) list.push(fitText(text, 300));
  else if (list.length === MAX_NOTES) list.push('… and more');
}

/** A type name for a log line: distinct and short. */
export function noteType(out: ParsedDelivery, type: string): void {
  const t = fitText(type, 64);
  if (!out.unknownTypes.includes(t)) note(out.unknownTypes, t);
}

export interface Scope {
  accountId: string;
  wabaId: string;
  /** metadata.display_phone_number: how the provider shows the number. */
  accountDisplay: string;
  /** Fallback time for items without a timestamp (value.errors). */
  receivedAt: Date;
  contacts: JsonObject[];
  /** The first contact with each wa_id / user_id, as sent. */
  byWaId: Map<string, JsonObject>;
  byBsuid: Map<string, JsonObject>;
  out: ParsedDelivery;
}

export function indexContacts(contacts: JsonObject[]): Pick<Scope, 'byWaId' | 'byBsuid'> {
  const byWaId = new Map<string, JsonObject>();
  const byBsuid = new Map<string, JsonObject>();
  for (const c of contacts) {
    const waId = str(c.wa_id);
    const bsuid = str(c.user_id);
    if (waId !== '' && !byWaId.has(waId)) byWaId.set(waId, c);
    if (bsuid !== '' && !byBsuid.has(bsuid)) byBsuid.set(bsuid, c);
  }
  return { byWaId, byBsuid };
}

/** The contact an item names by wa_id or BSUID (as sent), if the value lists it. */
export function contactOf(
  scope: Scope,
  { waId, bsuid }: { waId: string; bsuid: string },
): JsonObject | undefined {
  return (
    (waId !== '' ? scope.byWaId.get(waId) : undefined) ??
    (bsuid !== '' ? scope.byBsuid.get(bsuid) : undefined)
  );
}

export function ref(
  waId: Json | undefined,
  bsuid: Json | undefined,
  parent: Json | undefined,
): UserRef {
  return cleanRef({ waId: str(waId), bsuid: str(bsuid), parentBsuid: str(parent), scopedId: '' });
}

/** The item's own ids, completed from its contact; ids profiles cannot key by are left out. */
export function joinContact(
  scope: Scope,
  ids: { waId: string; bsuid: string; parent?: string },
): UserRef {
  const own = ref(ids.waId, ids.bsuid, ids.parent ?? '');
  const c = contactOf(scope, ids);
  const fromContact = ref(c?.wa_id, c?.user_id, c?.parent_user_id);
  return {
    waId: own.waId || fromContact.waId,
    bsuid: own.bsuid || fromContact.bsuid,
    parentBsuid: own.parentBsuid || fromContact.parentBsuid,
    scopedId: '',
  };
}

export function push(scope: Scope, occurredAt: Date | undefined, event: EventBody): void {
  scope.out.events.push({
    accountId: scope.accountId,
    wabaId: scope.wabaId,
    occurredAt: occurredAt ?? scope.receivedAt,
    channel: Channel.WHATSAPP,
    accountDisplay: scope.accountDisplay,
    event,
  });
}
