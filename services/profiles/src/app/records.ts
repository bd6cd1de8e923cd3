// What profiles stores, as the use cases see it. Users, messages, facts, log entries and reviews
// are the contract's messages (camelCase, Dates) plus the bookkeeping fields that make idempotent,
// order-independent updates possible (ADR 0009: the contract is the model). `_id` is the key.
import type {
  Actor,
  Channel,
  Fact,
  LogEntry,
  Message,
  PersonLink,
  RetentionPolicy,
  Review,
  User,
} from '@ue/proto';

export interface UserRecord extends Omit<User, 'id'> {
  _id: string;
  /** Normalized search terms (names, username, phone forms, email, message words, fact values). */
  searchTerms: string[];
  /** Provider time of the profile name last applied (latest wins). */
  nameAt?: Date;
  /** "<ISO time>|<message id>" of lastMessage: a total order so the newest always wins. */
  lastMessageKey?: string;
  /**
   * Messenger / Instagram: the distinct delivered and read watermarks seen (ascending, the
   * latest WATERMARKS_KEPT), so an outbound message stored or sent after its receipts arrived
   * gets the earliest one covering it — what it gets when the receipts come after it.
   */
  deliveredWatermarks?: Date[];
  readWatermarks?: Date[];
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

/**
 * One channel endpoint (collection `accounts`, keyed by the provider's account id). Read directly
 * by the retention sweep and people; created by the first webhook naming it or by UpdateAccount.
 */
export interface AccountRecord {
  _id: string;
  channel: Channel;
  name: string;
  displayId: string;
  wabaId: string;
  businessId: string;
  /** Where the sender finds the secret (a configuration name, never the secret). */
  credentialsRef: string;
  /** Days kept per data class; 0 keeps forever. */
  retention: RetentionPolicy;
  health: { lastDeliveryAt?: Date; lastErrorAt?: Date; lastError?: string };
  createdAt: Date;
  changed?: { by: Actor; at: Date };
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
  /** Set when the account's retention emptied its texts (summary, topics, items, reasons). */
  textsRemovedAt?: Date;
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
  /** Its user was placed before its business was known (people-placement.ts); absent otherwise. */
  personPending?: boolean;
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
  /** Accounts the body names (retention deletes an account's deliveries by age). */
  accountIds?: string[];
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

/**
 * One join of identities into a person, or one split (collection `person_links`): the contract's
 * PersonLink. Links hold ids only; undoing one sets undoneAt/undoneBy/undoReason and keeps it.
 */
export interface PersonLinkRecord extends Omit<PersonLink, 'id'> {
  _id: string;
  /** LinkIdentities client_id: unique with fromPersonId when present (absent without one). */
  clientId?: string;
}

/**
 * What stays of a message its account's retention removed: the fields GetStats counts, no
 * content (same `_id` as the message, so retiring one twice keeps one row).
 */
export interface MessageStatsRecord {
  _id: string;
  accountId: string;
  userId: string;
  direction: number;
  sentAt: Date;
  status: number;
  type: number;
  retiredAt: Date;
}
