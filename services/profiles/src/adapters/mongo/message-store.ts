// A new message and its effect on its user (counter, last-* times, preview, search terms) are
// written in one transaction. Without it a crash between storing the message and counting it
// lost the count for good: the retry found the message stored and skipped the increment. With it
// the retry either finds both written or neither, on every MongoDB-wire server (replica set).
import type { MongoClient } from 'mongodb';
import type { MessageStore } from '../../app/ports.js';
import { isDuplicateKey, type Collections } from './db.js';
import { createMessageRepo } from './message-repo.js';
import type { UserRepo } from './user-repo.js';

export function createMessageStore(
  client: MongoClient,
  cols: Pick<Collections, 'messages'>,
  users: Pick<UserRepo, 'countMessage'>,
): MessageStore {
  return {
    ...createMessageRepo(cols),
    /** Insert the message and count it on its user, atomically; a replay changes nothing. */
    async insertCounted(doc, count) {
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
    },
  };
}
