// The identity an event names a user by: account plus wa_id and/or BSUID (WhatsApp), or the
// scoped id (Messenger PSID, Instagram IGSID).
import type { Channel, UserRef, WebhookEvent } from '@ue/proto';
import { channelOf, scopedKind } from './channels.js';
import type { Identity, IdentityKey, IdentityKind } from './ports.js';
import type { UserRecord } from './records.js';

export function identityOf(e: WebhookEvent, ref: UserRef | undefined): Identity {
  return {
    accountId: e.accountId,
    wabaId: e.wabaId,
    waId: ref?.waId ?? '',
    bsuid: ref?.bsuid ?? '',
    parentBsuid: ref?.parentBsuid ?? '',
    channel: channelOf(e.channel),
    scopedId: ref?.scopedId ?? '',
  };
}

/** What applying one event did: changed something, changed nothing, or waits for its message. */
export type Outcome = 'applied' | 'duplicate' | 'orphaned';

/**
 * The identity-link key of an identity ("<account>|wa|<wa_id>", "<account>|bsuid|<bsuid>",
 * "<account>|psid|<psid>", "<account>|igsid|<igsid>").
 */
export function linkKey(i: IdentityKey): string {
  return `${i.accountId}|${i.kind}|${i.value}`;
}

function keysOf(
  accountId: string,
  ref: UserRef | undefined,
  channel: Channel | undefined,
): IdentityKey[] {
  const out: IdentityKey[] = [];
  if (ref?.waId) out.push({ accountId, kind: 'wa', value: ref.waId });
  if (ref?.bsuid) out.push({ accountId, kind: 'bsuid', value: ref.bsuid });
  if (ref?.scopedId) out.push({ accountId, kind: scopedKind(channel), value: ref.scopedId });
  return out;
}

function refsOf(e: WebhookEvent): (UserRef | undefined)[] {
  const ev = e.event;
  switch (ev?.$case) {
    case 'userSeen':
      return [ev.userSeen.user];
    case 'inboundMessage':
      return [ev.inboundMessage.from];
    case 'status':
      return [ev.status.recipient];
    case 'reaction':
      return [ev.reaction.from];
    case 'edit':
      return [ev.edit.from];
    case 'revoke':
      return [ev.revoke.from];
    case 'numberChange':
      return [ev.numberChange.oldUser, ev.numberChange.newUser];
    case 'watermark':
      return [ev.watermark.user];
    default:
      return [];
  }
}

/** Every identity an event names (sender, recipient, old and new number), for erasure lookups. */
export function identitiesOf(e: WebhookEvent): IdentityKey[] {
  return refsOf(e).flatMap((r) => keysOf(e.accountId, r, e.channel));
}

/** A link key ("<account>|<kind>|<value>") back to its parts; the account may hold "|". */
function parseLinkKey(key: string): IdentityKey | undefined {
  const m = /^(.*)\|(wa|bsuid|psid|igsid)\|(.*)$/s.exec(key);
  return m ? { accountId: m[1]!, kind: m[2] as IdentityKind, value: m[3]! } : undefined;
}

/**
 * The user's identities: its linked keys, its numbers (current and previous), its BSUID and its
 * scoped id (Messenger, Instagram).
 */
export function identitiesOfUser(
  u: Pick<
    UserRecord,
    'accountId' | 'waId' | 'previousWaIds' | 'bsuid' | 'channel' | 'scopedId'
  > | null,
  linked: string[],
): IdentityKey[] {
  const found = new Map<string, IdentityKey>();
  const add = (i: IdentityKey | undefined) => {
    if (i?.value) found.set(`${i.accountId}|${i.kind}|${i.value}`, i);
  };
  linked.forEach((k) => add(parseLinkKey(k)));
  if (u) {
    for (const w of [u.waId, ...(u.previousWaIds ?? [])])
      add({ accountId: u.accountId, kind: 'wa', value: w });
    add({ accountId: u.accountId, kind: 'bsuid', value: u.bsuid });
    // Users stored before channels were named have no scoped id (undefined, not '').
    add({ accountId: u.accountId, kind: scopedKind(u.channel), value: u.scopedId ?? '' });
  }
  return [...found.values()];
}
