// What profiles stores, as the use cases see it. Users, messages, facts, log entries and reviews
// are the contract's messages (camelCase, Dates) plus the bookkeeping fields that make idempotent,
// order-independent updates possible (ADR 0009: the contract is the model). `_id` is the key.
import type { Actor, Fact, LogEntry, Message, Review, User } from '@ue/proto';

export interface UserRecord extends Omit<User, 'id'> {
  _id: string;
  /** Normalized search terms (names, username, phone forms, email, message words, fact values). */
  searchTerms: string[];
  /** Provider time of the profile name last applied (latest wins). */
  nameAt?: Date;
  /** "<ISO time>|<message id>" of lastMessage: a total order so the newest always wins. */
  lastMessageKey?: string;
}

export interface MessageRecord extends Omit<Message, 'id'> {
  _id: string;
  /** wamid, or "id:<_id>" while an outbound message has none (unique with accountId). */
  wamidKey: string;
  /** clientId, or "id:<_id>" (unique with userId). */
  clientKey: string;
  /** Rank of `status` (see domain/status.ts); only ever raised. */
  statusRank: number;
  pricingRank?: number;
  /** Current reaction per reactor (keyed by a hash of the reactor); `key` orders them by provider time. */
  reactionsBy?: Record<string, StoredReaction>;
  /** Text as first received; edits are derived from editVersions (order-independent). */
  originalText?: string;
  editVersions?: { text: string; editedAt: Date; editWamid: string }[];
  /** Search terms of the text, added to the user on insert. */
  terms?: string[];
}

export interface FactRecord extends Fact {
  _id: string;
}

export interface LogEntryRecord extends Omit<LogEntry, 'id'> {
  _id: string;
  accountId: string;
  clientKey: string;
}

/** One AI review (history: every attempt, failed ones too); `accountId` scopes GetStats. */
export interface ReviewRecord extends Omit<Review, 'id'> {
  _id: string;
  accountId: string;
  /**
   * The caller's idempotency key (RecordReview client_id), unique with userId; absent when none
   * was given (the unique index covers only reviews that carry one).
   */
  clientId?: string;
}

export interface StoredReaction {
  emoji: string;
  by: Actor;
  at: Date;
  wamid: string;
  /** "<ISO time>|<wamid>": the newest reaction of a reactor wins, whatever the arrival order. */
  key: string;
}

export interface IdentityRecord {
  _id: string;
  userId: string;
}
/** An event about a message we do not have yet (status, reaction, edit, revoke), kept until it appears. */
export interface OrphanRecord {
  _id: string;
  accountId: string;
  targetWamid: string;
  /** WebhookEvent.toJSON of the event. */
  event: unknown;
  storedAt: Date;
  /** Identity keys the event names (EraseUser finds the kept events of a user by them). */
  keys?: string[];
}
export interface FactHeadRecord {
  _id: string;
  version: number;
}
/** A user as read back without its search terms (they can be thousands; nothing shows them). */
export type UserView = Omit<UserRecord, 'searchTerms'> & { searchTerms?: string[] };

export interface DeliveryRecord {
  _id: string;
  body: Buffer;
  receivedAt: Date;
  provider: string;
  /** Identity keys of the users the delivery is about (EraseUser deletes it by them). */
  keys?: string[];
}
export interface AuditRecord {
  _id: string;
  kind: string;
  userId: string;
  actor: unknown;
  reason: string;
  at: Date;
  counts: unknown;
}

export interface OutboxRecord {
  _id: string;
  /** WatchEventsResponse (kind, user, account, payload) as base64 protobuf. */
  event: string;
  /** So EraseUser can remove waiting events that carry the user's data. */
  userId: string;
  storedAt: Date;
}
