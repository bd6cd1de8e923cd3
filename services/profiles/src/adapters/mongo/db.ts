// MongoDB connection, typed collections and indexes. One code path on every MongoDB-wire server
// (DESIGN §4): atomic update operators and guarded single-document updates as MongoDB intends,
// plain, compound, unique and multikey indexes, no `$text`.
import {
  MongoBulkWriteError,
  MongoClient,
  type Collection,
  type Db,
  type Document,
  type IndexDescription,
  type OptionalUnlessRequiredId,
} from 'mongodb';
import type {
  AccountRecord,
  AuditRecord,
  DeliveryRecord,
  FactHeadRecord,
  FactRecord,
  IdentityRecord,
  LogEntryRecord,
  MessageRecord,
  MessageStatsRecord,
  OrphanRecord,
  OutboxRecord,
  PersonLinkRecord,
  ReviewRecord,
  UserRecord,
} from '../../app/records.js';
import { ensureMediaIndexes } from './media-store.js';

export interface Collections {
  users: Collection<UserRecord>;
  identities: Collection<IdentityRecord>;
  messages: Collection<MessageRecord>;
  orphans: Collection<OrphanRecord>;
  facts: Collection<FactRecord>;
  factHeads: Collection<FactHeadRecord>;
  logEntries: Collection<LogEntryRecord>;
  reviews: Collection<ReviewRecord>;
  deliveries: Collection<DeliveryRecord>;
  audit: Collection<AuditRecord>;
  outbox: Collection<OutboxRecord>;
  accounts: Collection<AccountRecord>;
  messageStats: Collection<MessageStatsRecord>;
  personLinks: Collection<PersonLinkRecord>;
}

export interface Mongo {
  client: MongoClient;
  db: Db;
  cols: Collections;
}

export async function connectMongo(url: string): Promise<Mongo> {
  const mongo = openMongo(url);
  await mongo.client.connect();
  return mongo;
}

/** What a read of users returns: everything but the search terms (up to MAX_USER_TERMS strings,
 * the largest field of a user, used only inside the server's own queries). */
export const VIEW = { searchTerms: 0 } as const;

/** A client that connects lazily (first operation); calls fail after `selectionMs` when the server is down. */
export function openMongo(url: string, selectionMs = 5000): Mongo {
  const client = new MongoClient(url, {
    ignoreUndefined: true,
    serverSelectionTimeoutMS: selectionMs,
    connectTimeoutMS: selectionMs,
    appName: 'ue-profiles',
  });
  const db = client.db();
  const cols: Collections = {
    users: db.collection('users'),
    identities: db.collection('identities'),
    messages: db.collection('messages'),
    orphans: db.collection('orphans'),
    facts: db.collection('facts'),
    factHeads: db.collection('fact_heads'),
    logEntries: db.collection('log_entries'),
    reviews: db.collection('reviews'),
    deliveries: db.collection('deliveries'),
    audit: db.collection('audit'),
    outbox: db.collection('outbox'),
    accounts: db.collection('accounts'),
    messageStats: db.collection('message_stats'),
    personLinks: db.collection('person_links'),
  };
  return { client, db, cols };
}

const INDEXES: Record<keyof Collections, IndexDescription[]> = {
  users: [
    { key: { lastInteractionAt: -1, _id: -1 } },
    { key: { createdAt: -1, _id: -1 } },
    { key: { accountId: 1, lastInteractionAt: -1, _id: -1 } },
    { key: { status: 1, lastInteractionAt: -1, _id: -1 } },
    { key: { needsReply: 1, lastInteractionAt: -1, _id: -1 } },
    { key: { paused: 1, lastInteractionAt: -1, _id: -1 } },
    { key: { nextFollowUpDueAt: 1 } },
    // The score sorts (either direction) and score_below; the other review filters are
    // predicates checked while the sort's index is walked.
    { key: { 'review.score': 1, _id: 1 } },
    { key: { tags: 1 } },
    { key: { searchTerms: 1 } },
    { key: { 'profile.phoneE164': 1 } },
    { key: { waId: 1 } },
    { key: { previousWaIds: 1 } },
    { key: { bsuid: 1 } },
    // A person's identities, most recently active first (and by prefix: {personId: {$in}}).
    { key: { personId: 1, lastInteractionAt: -1, _id: -1 } },
  ],
  identities: [],
  messages: [
    { key: { accountId: 1, wamidKey: 1 }, unique: true, name: 'account_wamid_unique' },
    { key: { userId: 1, clientKey: 1 }, unique: true, name: 'user_client_unique' },
    { key: { userId: 1, sentAt: -1, _id: -1 } },
    { key: { sentAt: 1 } },
    // Retention: an account's messages by age, and its stored media by age.
    { key: { accountId: 1, sentAt: 1 } },
  ],
  orphans: [{ key: { accountId: 1, targetWamid: 1 } }, { key: { keys: 1 } }],
  facts: [
    { key: { userId: 1, key: 1, version: 1 }, unique: true, name: 'user_key_version_unique' },
  ],
  factHeads: [],
  logEntries: [
    { key: { userId: 1, createdAt: -1, _id: -1 } },
    { key: { createdAt: -1, _id: -1 } },
    { key: { state: 1, dueAt: 1, _id: 1 } },
    { key: { userId: 1, clientKey: 1 }, unique: true, name: 'user_client_unique' },
  ],
  // A user's history, newest first (ListReviews; export and erasure by the prefix); GetStats'
  // series; RecordReview's idempotency key, for the reviews recorded with one only.
  reviews: [
    { key: { userId: 1, reviewedAt: -1, _id: -1 } },
    { key: { reviewedAt: 1 } },
    { key: { accountId: 1, reviewedAt: 1 } },
    {
      key: { userId: 1, clientId: 1 },
      unique: true,
      name: 'user_client_unique',
      partialFilterExpression: { clientId: { $exists: true, $type: 'string' } },
    },
  ],
  // Erasure by identity key; retention by account and age.
  deliveries: [{ key: { keys: 1 } }, { key: { accountIds: 1, receivedAt: 1 } }],
  audit: [{ key: { userId: 1, at: -1 } }],
  outbox: [],
  accounts: [],
  messageStats: [{ key: { sentAt: 1 } }, { key: { userId: 1 } }],
  // The links naming a person (either side), newest first; LinkIdentities' client id, one link
  // per person merged in, for the links made with one only.
  personLinks: [
    { key: { personId: 1, at: -1, _id: -1 } },
    { key: { fromPersonId: 1, at: -1, _id: -1 } },
    // ExportUser: the links that moved one identity.
    { key: { userIds: 1 } },
    {
      key: { clientId: 1, fromPersonId: 1 },
      unique: true,
      name: 'client_from_unique',
      partialFilterExpression: { clientId: { $exists: true, $type: 'string' } },
    },
  ],
};

/** Create every index; the server leaves an identical existing one alone, so a restart is a no-op. */
export async function ensureIndexes(cols: Collections): Promise<void> {
  // The media bucket's own collections (GridFS adds its own indexes on its first upload).
  await ensureMediaIndexes(cols.users.db);
  for (const [name, specs] of Object.entries(INDEXES) as [
    keyof Collections,
    IndexDescription[],
  ][]) {
    if (specs.length > 0) await (cols[name] as unknown as Collection).createIndexes(specs);
  }
}

/** True for a unique-index violation (insert-if-absent lost the race or is a replay). */
export function isDuplicateKey(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; writeErrors?: unknown };
  if (e.code === 11000) return true;
  // A bulk write's first error (insertMany), as some servers report it.
  const first: unknown = Array.isArray(e.writeErrors) ? e.writeErrors[0] : e.writeErrors;
  return (
    typeof first === 'object' && first !== null && (first as { code?: unknown }).code === 11000
  );
}

/**
 * Insert-if-absent for many documents in one unordered insertMany: every new one is inserted,
 * each one whose key exists is skipped. Returns the indexes of the skipped ones; any other error
 * fails the call.
 */
export async function insertManyNew<T extends Document>(
  col: Collection<T>,
  docs: OptionalUnlessRequiredId<T>[],
): Promise<Set<number>> {
  if (docs.length === 0) return new Set();
  try {
    await col.insertMany(docs, { ordered: false });
    return new Set();
  } catch (e) {
    if (!(e instanceof MongoBulkWriteError)) throw e;
    const errors: { code?: unknown; index: number }[] = [e.writeErrors].flat();
    if (errors.length === 0 || errors.some((w) => w.code !== 11000)) throw e;
    return new Set(errors.map((w) => w.index));
  }
}
