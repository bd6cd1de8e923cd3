// Log entries: notes, follow-ups, proactive reminders and system entries; keyset listings by
// creation or due time.
import type { Filter } from 'mongodb';
import { LogEntryKind, LogEntryState } from '@ue/proto';
import type { LogStore } from '../../app/ports.js';
import type { LogEntryRecord } from '../../app/records.js';
import { isDuplicateKey, type Collections } from './db.js';

const DUE_KINDS = [LogEntryKind.FOLLOW_UP, LogEntryKind.PROACTIVE];

export function createLogRepo(cols: Pick<Collections, 'logEntries'>): LogStore {
  const { logEntries } = cols;
  const byClientId = (userId: string, clientId: string) =>
    logEntries.findOne({ userId, clientKey: clientId });
  return {
    async insert(e) {
      try {
        await logEntries.insertOne(e);
        return { entry: e, created: true };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const existing = await byClientId(e.userId, e.clientKey);
        if (!existing) throw err;
        return { entry: existing, created: false };
      }
    },
    findById: (id) => logEntries.findOne({ _id: id }),
    findByClientId: byClientId,
    update(id, set, expectedState) {
      const filter: Filter<LogEntryRecord> = { _id: id };
      if (expectedState !== undefined) filter.state = expectedState;
      return logEntries.findOneAndUpdate(filter, { $set: set }, { returnDocument: 'after' });
    },
    list(q) {
      const and: Filter<LogEntryRecord>[] = [];
      if (q.userId) and.push({ userId: q.userId });
      if (q.accountId) and.push({ accountId: q.accountId });
      if (q.kinds.length) and.push({ kind: { $in: q.kinds } });
      if (q.states.length) and.push({ state: { $in: q.states } });
      if (q.overdueAt)
        and.push({
          state: LogEntryState.OPEN,
          kind: { $in: DUE_KINDS },
          dueAt: { $lt: q.overdueAt },
        });
      if (q.dueBefore) and.push({ dueAt: { $lt: q.dueBefore } });
      const field = q.order === 'due' ? 'dueAt' : 'createdAt';
      const dir = q.order === 'due' ? 1 : -1;
      if (q.after) {
        const op = dir === 1 ? '$gt' : '$lt';
        and.push({
          $or: [
            { [field]: { [op]: q.after.at } },
            { [field]: q.after.at, _id: { [op]: q.after.id } },
          ],
        });
      }
      return logEntries
        .find(and.length ? { $and: and } : {})
        .sort({ [field]: dir, _id: dir })
        .limit(q.limit)
        .toArray();
    },
    async openDue(userId) {
      const open = await logEntries
        .find(
          { userId, state: LogEntryState.OPEN, kind: { $in: DUE_KINDS } },
          { projection: { dueAt: 1 } },
        )
        .toArray();
      const dues = open
        .map((e) => e.dueAt)
        .filter((d): d is Date => d instanceof Date)
        .sort((a, b) => a.getTime() - b.getTime());
      return { open: open.length, nextDue: dues[0] };
    },
    countOverdue: ({ accountId, now }) =>
      logEntries.countDocuments({
        ...(accountId ? { accountId } : {}),
        state: LogEntryState.OPEN,
        kind: { $in: DUE_KINDS },
        dueAt: { $lt: now },
      }),
    allOf: (userId) => logEntries.find({ userId }).sort({ createdAt: 1, _id: 1 }),
    eraseForUser: async (userId) => (await logEntries.deleteMany({ userId })).deletedCount,
  };
}
