// Channels and accounts as people read them: "WhatsApp · Berlin store", never a raw id alone,
// and an account's retention policy in words.
import { Channel, type RetentionPolicy } from '@ue/proto';
import type { AccountIndex } from '../accounts/directory.js';
import { formatPhone } from './format.js';

/** A channel as shown; UNSPECIFIED is WhatsApp (the only channel before channels were named). */
export type ShownChannel = Channel.WHATSAPP | Channel.MESSENGER | Channel.INSTAGRAM;

export function shownChannel(c: Channel): ShownChannel {
  return c === Channel.MESSENGER || c === Channel.INSTAGRAM ? c : Channel.WHATSAPP;
}

export const CHANNEL_NAMES: Record<ShownChannel, string> = {
  [Channel.WHATSAPP]: 'WhatsApp',
  [Channel.MESSENGER]: 'Messenger',
  [Channel.INSTAGRAM]: 'Instagram',
};

/** The channels in the order filters and pickers list them, with their URL values. */
export const CHANNELS: [ShownChannel, string][] = [
  [Channel.WHATSAPP, 'whatsapp'],
  [Channel.MESSENGER, 'messenger'],
  [Channel.INSTAGRAM, 'instagram'],
];

export function channelLabel(c: Channel): string {
  return CHANNEL_NAMES[shownChannel(c)];
}

export function channelSlug(c: Channel): string {
  return CHANNELS.find(([v]) => v === shownChannel(c))![1];
}

/** An account nobody named yet, by what it is and the last digits of its provider id. */
function unnamedAccount(channel: Channel, id: string): string {
  const tail = id.slice(-4);
  if (!tail) return 'Unknown account';
  switch (shownChannel(channel)) {
    case Channel.MESSENGER:
      return `Page …${tail}`;
    case Channel.INSTAGRAM:
      return `Instagram account …${tail}`;
    case Channel.WHATSAPP:
      return `WhatsApp number …${tail}`;
  }
}

/** What a conversation or message says about its account. */
export interface AccountRef {
  accountId: string;
  /** The identity's channel, used when the account is not in the index. */
  channel: Channel;
}

/** What the provider shows: WhatsApp's display number ("15550123401") written as a phone. */
function shownDisplayId(channel: Channel, displayId: string): string {
  const digits = /^\+?(\d{6,15})$/.exec(displayId)?.[1];
  return digits && shownChannel(channel) === Channel.WHATSAPP
    ? formatPhone(`+${digits}`)
    : displayId;
}

/** The account's name, else what the provider shows for it, else its kind and last digits. */
export function accountLabel(ref: AccountRef, accounts: AccountIndex | undefined): string {
  const a = accounts?.get(ref.accountId);
  return (
    a?.name.trim() ||
    shownDisplayId(a?.channel ?? ref.channel, a?.displayId.trim() ?? '') ||
    unnamedAccount(a ? a.channel : ref.channel, ref.accountId)
  );
}

/** The account's channel: the index knows it best; the identity says it otherwise. */
export function accountChannel(ref: AccountRef, accounts: AccountIndex | undefined): ShownChannel {
  return shownChannel(accounts?.get(ref.accountId)?.channel ?? ref.channel);
}

/** "WhatsApp · Berlin store". */
export function sourceLabel(ref: AccountRef, accounts: AccountIndex | undefined): string {
  return `${CHANNEL_NAMES[accountChannel(ref, accounts)]} · ${accountLabel(ref, accounts)}`;
}

/** Every known account as [id, "WhatsApp · Berlin store"] by label; `current` too when unknown. */
export function accountChoices(
  accounts: AccountIndex | undefined,
  current: string,
): [string, string][] {
  const known = [...(accounts?.values() ?? [])].map((a): [string, string] => [
    a.id,
    sourceLabel({ accountId: a.id, channel: a.channel }, accounts),
  ]);
  if (current && !accounts?.has(current))
    known.push([
      current,
      accountLabel({ accountId: current, channel: Channel.UNSPECIFIED }, accounts),
    ]);
  return known.sort((a, b) => a[1].localeCompare(b[1]));
}

export function daysLabel(n: number): string {
  return n === 1 ? '1 day' : `${n} days`;
}

/** The four data classes of a policy: "messages: kept", "media: 30 days", … */
export function retentionSummary(p: RetentionPolicy | undefined): [string, string][] {
  const kept = (n: number | undefined): string => (n && n > 0 ? daysLabel(n) : 'kept');
  return [
    ['messages', kept(p?.messagesDays)],
    ['media', kept(p?.mediaDays)],
    ['raw deliveries', kept(p?.deliveriesDays)],
    ['review texts', kept(p?.reviewTextsDays)],
  ];
}

/**
 * The one line a user page shows for an account that does not keep everything, e.g.
 * "Messages older than 30 days are not kept for this account. Media files older than 7 days
 * are removed." Undefined when messages, media and review texts are all kept.
 */
export function retentionNotice(p: RetentionPolicy | undefined): string | undefined {
  if (!p) return undefined;
  const removed = [
    p.mediaDays > 0 ? `media files older than ${daysLabel(p.mediaDays)}` : '',
    p.reviewTextsDays > 0 ? `review texts older than ${daysLabel(p.reviewTextsDays)}` : '',
  ].filter(Boolean);
  const parts = [
    p.messagesDays > 0
      ? `Messages older than ${daysLabel(p.messagesDays)} are not kept for this account.`
      : '',
    removed.length > 0
      ? `${removed.join(' and ').replace(/^./, (c) => c.toUpperCase())} are removed.`
      : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : undefined;
}
