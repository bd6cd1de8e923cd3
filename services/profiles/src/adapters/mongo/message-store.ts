// New messages and their effect on their users (counter, last-* times, preview, search terms) are
// written in one transaction. Without it a crash between storing a message and counting it
// lost the count for good: the retry found the message stored and skipped the increment. With it
// the retry either finds both written or neither, on every MongoDB-wire server (replica set).
import type { MongoClient } from 'mongodb';
import type { CountedInsert, MessageStore, ProfileSighting } from '../../app/ports.js';
import type { UserView } from '../../app/records.js';
import { isDuplicateKey, type Collections } from './db.js';
import { createMessageRepo } from './message-repo.js';
import type { UserRepo } from './user-repo.js';

/** Attempts of the batch path before it falls back to one message at a time. */
const BATCH_ATTEMPTS = 4;

export function createMessageStore(
  client: MongoClient,
  cols: Pick<Collections, 'messages' | 'messageStats'>,
  users: Pick<UserRepo, 'countMessage' | 'countMessages'>,
): MessageStore {
  /** Insert the message and count it on its user, atomically; a replay changes nothing. */
  const insertCounted: MessageStore['insertCounted'] = async (doc, count) => {
    try {
      return await client.withSession((session) =>
        // The driver retries the whole callback on transient errors (write conflicts with a
        // concurrent writer of the same user), so it only writes.
        session.withTransaction(async () => {
          await cols.messages.insertOne(doc, { session });
          const user = await users.countMessage({ ...count, userId: doc.userId }, session);
          return { created: true, user };
        }),
      );
    } catch (e) {
      if (isDuplicateKey(e)) return { created: false, user: null };
      throw e;
    }
  };

  /** The batch in one transaction: the messages not stored yet, and one update per user. */
  async function insertFresh(fresh: CountedInsert[], sightings: ProfileSighting[]) {
    return client.withSession((session) =>
      session.withTransaction(async () => {
        await cols.messages.insertMany(
          fresh.map((i) => i.message),
          { session, ordered: true },
        );
        const counts = fresh.map((i) => ({ ...i.count, userId: i.message.userId }));
        return users.countMessages({ counts, sightings }, session);
      }),
    );
  }

  /** One at a time: each insert-if-absent decides for itself (the batch met a conflict). */
  async function insertEach(fresh: CountedInsert[]) {
    const created = new Set<string>();
    const counted = new Map<string, UserView>();
    for (const i of fresh) {
      const r = await insertCounted(i.message, i.count);
      if (r.created) created.add(i.message._id);
      if (r.user) counted.set(r.user._id, r.user);
    }
    return { created, users: counted, named: new Map<string, boolean>() };
  }

  return {
    ...createMessageRepo(cols),
    insertCounted,
    async insertCountedMany(items, sightings = []) {
      const byId = new Map<string, CountedInsert>();
      for (const i of items) if (!byId.has(i.message._id)) byId.set(i.message._id, i);
      for (let attempt = 1; ; attempt++) {
        // First try them all (new messages are the usual case: one round trip saved); after a
        // duplicate key, look up which are stored.
        const stored =
          attempt === 1
            ? []
            : await cols.messages
                .find({ _id: { $in: [...byId.keys()] } }, { projection: { _id: 1 } })
                .toArray();
        const known = new Set(stored.map((m) => m._id));
        const fresh = [...byId.values()].filter((i) => !known.has(i.message._id));
        if (fresh.length === 0) return { created: new Set(), users: new Map(), named: new Map() };
        try {
          const counted = await insertFresh(fresh, sightings);
          return { created: new Set(fresh.map((i) => i.message._id)), ...counted };
        } catch (e) {
          // A concurrent writer stored one of them meanwhile (the transaction wrote nothing):
          // look again; after a few tries, or for a clash on another unique key, one by one.
          if (!isDuplicateKey(e)) throw e;
          if (attempt >= BATCH_ATTEMPTS) return insertEach(fresh);
        }
      }
    },
  };
}
