// A user as the first event naming it creates it, and the identity keys it is found by. One
// definition for the store (adapters/mongo/user-repo.ts) and the unit tests' fakes.
import { UserStatus } from '@ue/proto';
import { soloPersonId } from '../domain/person.js';
import { userIdFor } from '../domain/ids.js';
import { e164FromWaId, phoneTerms } from '../domain/phone.js';
import { channelOf, platformOf, scopedKind } from './channels.js';
import type { Identity } from './ports.js';
import type { UserRecord } from './records.js';

/**
 * The keys an identity links to its user: `account|wa|<wa_id>` and `account|bsuid|<bsuid>` on
 * WhatsApp, `account|psid|<psid>` on Messenger, `account|igsid|<igsid>` on Instagram.
 */
export function identityKeys(id: Identity): string[] {
  const keys: string[] = [];
  if (id.waId) keys.push(`${id.accountId}|wa|${id.waId}`);
  if (id.bsuid) keys.push(`${id.accountId}|bsuid|${id.bsuid}`);
  if (id.scopedId) keys.push(`${id.accountId}|${scopedKind(id.channel)}|${id.scopedId}`);
  return keys;
}

/** The deterministic id of the user an identity creates (by its wa_id, else BSUID, else scoped id). */
export function userIdOf(id: Identity): string {
  if (id.waId) return userIdFor(id.accountId, 'wa', id.waId);
  if (id.bsuid) return userIdFor(id.accountId, 'bsuid', id.bsuid);
  return userIdFor(id.accountId, scopedKind(id.channel), id.scopedId ?? '');
}

/** A new user seen first at `at` (provider time); absent fields are listed as undefined. */
export function newUserRecord(_id: string, id: Identity, at: Date): UserRecord {
  const phone = id.waId ? e164FromWaId(id.waId) : undefined;
  const channel = channelOf(id.channel);
  const scopedId = id.scopedId ?? '';
  return {
    _id,
    accountId: id.accountId,
    wabaId: id.wabaId ?? '',
    waId: id.waId,
    bsuid: id.bsuid,
    parentBsuid: id.parentBsuid ?? '',
    previousWaIds: [],
    profile: { phoneE164: phone },
    sourcePlatform: platformOf(channel),
    channel,
    scopedId,
    // Its own person; user-repo places it in an automatic one when a rule says so
    // (people-placement.ts).
    personId: soloPersonId(_id),
    personChannels: [],
    personIdentities: 0,
    referral: undefined,
    status: UserStatus.UNSPECIFIED,
    statusChanged: undefined,
    tags: [],
    paused: false,
    pausedChanged: undefined,
    createdAt: at,
    updatedAt: at,
    lastInteractionAt: at,
    lastInboundAt: undefined,
    lastOutboundAt: undefined,
    lastMessage: undefined,
    counters: { inboundMessages: 0, outboundMessages: 0, failedDeliveries: 0, openFollowUps: 0 },
    serviceWindowExpiresAt: undefined,
    needsReply: false,
    nextFollowUpDueAt: undefined,
    erasedAt: undefined,
    review: undefined,
    searchTerms: [
      ...phoneTerms(phone, id.waId),
      ...[id.bsuid, scopedId].filter(Boolean).map((v) => v.toLowerCase()),
    ],
  };
}
