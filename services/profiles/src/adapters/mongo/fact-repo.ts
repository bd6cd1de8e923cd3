// Agent memory: append-only fact versions per (user, key). Version numbers come from an atomic
// per-(user, key) counter; a unique (user, key, version) index backs it up.
import type { Filter } from 'mongodb';
import { escapeRegex } from '../../domain/search.js';
import type { FactStore } from '../../app/ports.js';
import type { FactRecord } from '../../app/records.js';
import type { Collections } from './db.js';

export function createFactRepo(cols: Pick<Collections, 'facts' | 'factHeads'>): FactStore {
  const { facts, factHeads } = cols;
  return {
    async nextVersion(userId, key) {
      const head = await factHeads.findOneAndUpdate(
        { _id: `${userId}|${key}` },
        { $inc: { version: 1 } },
        { upsert: true, returnDocument: 'after' },
      );
      return head?.version ?? 1;
    },
    async insert(f) {
      await facts.insertOne(f);
    },
    list(userId, q) {
      const filter: Filter<FactRecord> = { userId };
      if (q.keys.length) filter.key = { $in: q.keys };
      if (q.asOf) filter.recordedAt = { $lte: q.asOf };
      return facts.find(filter).sort({ key: 1, version: 1 }).limit(10_000).toArray();
    },
    allOf: (userId) => facts.find({ userId }).sort({ key: 1, version: 1 }),
    async eraseForUser(userId) {
      const res = await facts.deleteMany({ userId });
      await factHeads.deleteMany({ _id: { $regex: `^${escapeRegex(userId)}\\|` } });
      return res.deletedCount;
    },
  };
}
