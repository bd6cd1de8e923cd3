// What the Messenger / Instagram parser knows while it reads one messaging item (the account,
// the channel, the user the item is about, its time) and how events leave it. Ids the provider
// does not give (a postback without mid, a reaction) are derived from what it does give, so a
// replay of the same delivery produces the same ids.
import { createHash } from 'node:crypto';
import type { Channel, UserRef } from '@ue/proto';
import { EVENT_LIMITS, fitText } from '../event-limits.js';
import { note, type EventBody, type ParsedDelivery } from '../whatsapp/delivery-scope.js';
import { str, type Json } from '../whatsapp/json.js';

export interface ItemScope {
  channel: Channel;
  /** The Page id or Instagram professional account id. */
  accountId: string;
  /** The customer: the sender of what they did, the recipient of the page's echoes. */
  user: UserRef;
  /** The item's timestamp as sent (epoch ms), for derived ids; '' when it has none. */
  stamp: string;
  at: Date;
  /** JSON path of the item, for notes. */
  path: string;
  out: ParsedDelivery;
}

/** Page, Instagram account and user ids: Meta's are decimal strings (sent quoted). */
const META_ID = /^\d{1,64}$/;

export function isMetaId(s: string): boolean {
  return META_ID.test(s);
}

export function scopedRef(id: string): UserRef {
  return { waId: '', bsuid: '', parentBsuid: '', scopedId: id };
}

/** Latest time profiles keeps (9999-12-31T23:59:59.999Z), in epoch milliseconds. */
const MAX_EPOCH_MS = 253_402_300_799_999;

/** Epoch milliseconds (number or digits) as a Date; undefined when absent, malformed or past 9999. */
export function msTime(v: Json | undefined): Date | undefined {
  const s = str(v);
  if (!/^\d{1,15}$/.test(s) || Number(s) > MAX_EPOCH_MS) return undefined;
  return new Date(Number(s));
}

/**
 * An id made of parts (`reaction:<mid>:<user>:<time>`), within profiles' id limit: a longer one
 * keeps its kind and becomes a digest of the parts, still the same for the same input.
 */
export function derivedId(kind: string, ...parts: string[]): string {
  const id = [kind, ...parts].join(':');
  if (id.length <= EVENT_LIMITS.wamid) return id;
  return `${kind}:${createHash('sha256').update(parts.join('\n')).digest('hex')}`;
}

export function push(scope: ItemScope, event: EventBody): void {
  scope.out.events.push({
    accountId: scope.accountId,
    wabaId: '',
    occurredAt: scope.at,
    channel: scope.channel,
    accountDisplay: '',
    event,
  });
}

/** A name for the ignored list (webhook fields, messaging keys, objects): distinct and short. */
export function noteIgnored(out: ParsedDelivery, name: string): void {
  const n = fitText(name, 64);
  if (!out.ignoredFields.includes(n)) note(out.ignoredFields, n);
}
