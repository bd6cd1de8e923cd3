// AI reviews: the history (every attempt, one document each) and, in the same transaction, the
// user's summary it changes (User.review), so a crash or a retry never leaves one without the
// other. A review recorded with a client id is unique per (user, client id) (a partial unique
// index): the loser of two concurrent calls with one key fails its insert, its transaction
// writes nothing, and it answers the winner's review. Pages on (reviewedAt, _id), newest first.
import { AppError } from '@ue/kit';
import type { Filter, MongoClient } from 'mongodb';
import type { ReviewStore } from '../../app/ports.js';
import type { ReviewRecord } from '../../app/records.js';
import { isDuplicateKey, type Collections } from './db.js';
import type { UserRepo } from './user-repo.js';

export function createReviewStore(
  client: MongoClient,
  cols: Pick<Collections, 'reviews'>,
  users: Pick<UserRepo, 'applyReviewSummary'>,
): ReviewStore {
  const { reviews } = cols;
  const find = (filter: Filter<ReviewRecord>, limit: number) =>
    reviews.find(filter).sort({ reviewedAt: -1, _id: -1 }).limit(limit).toArray();
  const byClientId = (userId: string, clientId: string) => reviews.findOne({ userId, clientId });
  return {
    async record(r, change) {
      try {
        await client.withSession((session) =>
          // The driver runs the callback again on transient errors (a write conflict with a
          // concurrent change of the same user or key), so it only writes, and reads inside it.
          session.withTransaction(async () => {
            await reviews.insertOne(r, { session });
            // Erased (or gone) since the caller looked: abort, storing nothing.
            if (!(await users.applyReviewSummary(r.userId, change, session)))
              throw AppError.notFound('user');
          }),
        );
        return { review: r, created: true };
      } catch (err) {
        // The key is taken: the transaction was aborted; answer what was stored under it.
        if (!r.clientId || !isDuplicateKey(err)) throw err;
        const existing = await byClientId(r.userId, r.clientId);
        if (!existing) throw err;
        return { review: existing, created: false };
      }
    },
    findByClientId: byClientId,
    async page(q) {
      if (!q.after) return find({ userId: q.userId }, q.limit);
      // Two index ranges instead of one `$or` (see user-admin.ts list): the rest of the cursor's
      // own time, then everything older.
      const [ties, older] = await Promise.all([
        find({ userId: q.userId, reviewedAt: q.after.at, _id: { $lt: q.after.id } }, q.limit),
        find({ userId: q.userId, reviewedAt: { $lt: q.after.at } }, q.limit),
      ]);
      return [...ties, ...older].slice(0, q.limit);
    },
    // The history index walked backwards.
    allOf: (userId) => reviews.find({ userId }).sort({ reviewedAt: 1, _id: 1 }),
    eraseForUser: async (userId) => (await reviews.deleteMany({ userId })).deletedCount,
  };
}
