// A user as the first event naming it creates it, and the identity keys it is found by. One
// definition for the store (adapters/mongo/user-repo.ts) and the unit tests' fakes.
import { Channel, UserStatus } from '@ue/proto';
import { e164FromWaId, phoneTerms } from '../domain/phone.js';
import type { Identity } from './ports.js';
import type { UserRecord } from './records.js';

/** The keys an identity links to its user: `account|wa|<wa_id>` and `account|bsuid|<bsuid>`. */
export function identityKeys(id: Identity): string[] {
  const keys: string[] = [];
  if (id.waId) keys.push(`${id.accountId}|wa|${id.waId}`);
  if (id.bsuid) keys.push(`${id.accountId}|bsuid|${id.bsuid}`);
  return keys;
}

/** A new user seen first at `at` (provider time); absent fields are listed as undefined. */
export function newUserRecord(_id: string, id: Identity, at: Date): UserRecord {
  const phone = id.waId ? e164FromWaId(id.waId) : undefined;
  return {
    _id,
    accountId: id.accountId,
    wabaId: id.wabaId ?? '',
    waId: id.waId,
    bsuid: id.bsuid,
    parentBsuid: id.parentBsuid ?? '',
    previousWaIds: [],
    profile: { phoneE164: phone },
    sourcePlatform: 'whatsapp',
    channel: Channel.WHATSAPP,
    scopedId: '',
    personId: `p-${_id}`,
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
    searchTerms: [...phoneTerms(phone, id.waId), ...(id.bsuid ? [id.bsuid.toLowerCase()] : [])],
  };
}
