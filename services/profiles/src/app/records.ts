// Stored document shapes. They mirror the contract's messages (camelCase, Dates) plus the
// bookkeeping fields that make idempotent, order-independent updates possible.
import type { Actor, Fact, LogEntry, Message, User } from '@ue/proto';

export interface UserDoc extends Omit<User, 'id'> {
  _id: string;
  /** Normalized search terms (names, username, phone forms, email, message words, fact values). */
  searchTerms: string[];
  /** Provider time of the profile name last applied (latest wins). */
  nameAt?: Date;
  /** "<ISO time>|<message id>" of lastMessage: a total order so the newest always wins. */
  lastMessageKey?: string;
}

export interface MessageDoc extends Omit<Message, 'id'> {
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

export interface FactDoc extends Fact {
  _id: string;
}

export interface LogEntryDoc extends Omit<LogEntry, 'id'> {
  _id: string;
  accountId: string;
  clientKey: string;
}

export interface StoredReaction {
  emoji: string;
  by: Actor;
  at: Date;
  wamid: string;
  /** "<ISO time>|<wamid>": the newest reaction of a reactor wins, whatever the arrival order. */
  key: string;
}
