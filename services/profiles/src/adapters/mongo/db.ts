// MongoDB connection, typed collections and indexes. Everything here stays inside what both
// MongoDB and FerretDB 1.x support (DESIGN §4): plain, compound, unique and multikey indexes.
import { MongoClient, type Collection, type Db, type IndexDescription } from 'mongodb';
import { createKeyedLock, ferretDbDetector, serializeWrites } from './serialize.js';
import type { OutboxDoc } from './event-outbox.js';
import type { FactDoc, LogEntryDoc, MessageDoc, UserDoc } from './docs.js';

export interface IdentityDoc {
  _id: string;
  userId: string;
}
/** An event about a message we do not have yet (status, reaction, edit, revoke), kept until it appears. */
export interface OrphanDoc {
  _id: string;
  accountId: string;
  targetWamid: string;
  /** WebhookEvent.toJSON of the event. */
  event: unknown;
  storedAt: Date;
}
export interface FactHeadDoc {
  _id: string;
  version: number;
}
export interface DeliveryDoc {
  _id: string;
  body: Buffer;
  receivedAt: Date;
  provider: string;
}
export interface AuditDoc {
  _id: string;
  kind: string;
  userId: string;
  actor: unknown;
  reason: string;
  at: Date;
  counts: unknown;
}

export interface Collections {
  users: Collection<UserDoc>;
  identities: Collection<IdentityDoc>;
  messages: Collection<MessageDoc>;
  orphans: Collection<OrphanDoc>;
  facts: Collection<FactDoc>;
  factHeads: Collection<FactHeadDoc>;
  logEntries: Collection<LogEntryDoc>;
  deliveries: Collection<DeliveryDoc>;
  audit: Collection<AuditDoc>;
  outbox: Collection<OutboxDoc>;
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

/** A client that connects lazily (first operation); calls fail after `selectionMs` when the server is down. */
export function openMongo(url: string, selectionMs = 5000): Mongo {
  const client = new MongoClient(url, {
    ignoreUndefined: true,
    serverSelectionTimeoutMS: selectionMs,
    connectTimeoutMS: selectionMs,
    appName: 'ue-profiles',
  });
  const db = client.db();
  const lock = createKeyedLock();
  const ferret = ferretDbDetector(db);
  const cols: Collections = {
    users: serializeWrites(db.collection('users'), lock, ferret),
    identities: serializeWrites(db.collection('identities'), lock, ferret),
    messages: serializeWrites(db.collection('messages'), lock, ferret),
    orphans: serializeWrites(db.collection('orphans'), lock, ferret),
    facts: serializeWrites(db.collection('facts'), lock, ferret),
    factHeads: serializeWrites(db.collection('fact_heads'), lock, ferret),
    logEntries: serializeWrites(db.collection('log_entries'), lock, ferret),
    deliveries: serializeWrites(db.collection('deliveries'), lock, ferret),
    audit: serializeWrites(db.collection('audit'), lock, ferret),
    outbox: serializeWrites(db.collection('outbox'), lock, ferret),
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
    { key: { tags: 1 } },
    { key: { searchTerms: 1 } },
    { key: { 'profile.phoneE164': 1 } },
    { key: { waId: 1 } },
    { key: { previousWaIds: 1 } },
    { key: { bsuid: 1 } },
  ],
  identities: [],
  messages: [
    { key: { accountId: 1, wamidKey: 1 }, unique: true, name: 'account_wamid_unique' },
    { key: { userId: 1, clientKey: 1 }, unique: true, name: 'user_client_unique' },
    { key: { userId: 1, sentAt: -1, _id: -1 } },
    { key: { sentAt: 1 } },
  ],
  orphans: [{ key: { accountId: 1, targetWamid: 1 } }],
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
  deliveries: [],
  audit: [{ key: { userId: 1, at: -1 } }],
  outbox: [],
};

/**
 * Create the indexes that do not exist yet, one per command. Asking FerretDB 1.24 to create a
 * list of two or more indexes that already exist kills the connection (a panic in its handler),
 * so a restart on existing data would fail; MongoDB accepts either form.
 */
export async function ensureIndexes(cols: Collections): Promise<void> {
  for (const [name, specs] of Object.entries(INDEXES) as [
    keyof Collections,
    IndexDescription[],
  ][]) {
    const col = cols[name] as unknown as Collection;
    // A collection that does not exist yet has no indexes (listIndexes fails on it).
    const listed: { name?: unknown }[] = await col
      .listIndexes()
      .toArray()
      .catch(() => []);
    const existing = new Set(listed.map((i) => String(i.name)));
    for (const spec of specs) {
      // The name the server gives an unnamed index: "field_dir" pairs joined by "_".
      const indexName =
        spec.name ??
        Object.entries(spec.key)
          .map(([k, v]) => `${k}_${String(v)}`)
          .join('_');
      if (!existing.has(indexName)) await col.createIndexes([spec]);
    }
  }
}

/** True for a unique-index violation (insert-if-absent lost the race or is a replay). */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}
