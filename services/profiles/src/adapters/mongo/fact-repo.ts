// Agent memory: append-only fact versions per (user, key). Version numbers come from an atomic
// per-(user, key) counter; a unique (user, key, version) index backs it up.
import { AppError } from '@ue/kit';
import type { Filter } from 'mongodb';
import { escapeRegex } from '../../domain/search.js';
import type { FactStore } from '../../app/ports.js';
import type { FactRecord } from '../../app/records.js';
import { isDuplicateKey, type Collections } from './db.js';

export function createFactRepo(cols: Pick<Collections, 'facts' | 'factHeads'>): FactStore {
  const { facts, factHeads } = cols;
  return {
    // No upsert with $inc: concurrent upserts of a missing counter can each be answered
    // "version 1" on a MongoDB-wire server (secantusd-rs does so for about 2 in 5 races of 8
    // writers). The counter is created once (creators collide on _id), then only incremented.
    async nextVersion(userId, key) {
      const _id = `${userId}|${key}`;
      const inc = () =>
        factHeads.findOneAndUpdate({ _id }, { $inc: { version: 1 } }, { returnDocument: 'after' });
      let head = await inc();
      if (!head) {
        await factHeads.insertOne({ _id, version: 0 }).catch((e: unknown) => {
          if (!isDuplicateKey(e)) throw e;
        });
        head = await inc();
      }
      if (!head) throw new AppError('UNAVAILABLE', 'fact version counter vanished; retry');
      return head.version;
    },
    async insert(f) {
      try {
        await facts.insertOne(f);
        return true;
      } catch (e) {
        if (!isDuplicateKey(e)) throw e;
        const [top] = await facts
          .find({ userId: f.userId, key: f.key }, { projection: { version: 1 } })
          .sort({ version: -1 })
          .limit(1)
          .toArray();
        await factHeads.updateOne(
          { _id: `${f.userId}|${f.key}` },
          { $max: { version: top?.version ?? f.version } },
          { upsert: true },
        );
        return false;
      }
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
