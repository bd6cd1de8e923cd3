// The bounded range reads behind GetStats; the aggregation into buckets is app/stats.ts.
import { MessageType } from '@ue/proto';
import type { StatsStore } from '../../app/ports.js';
import type { Collections } from './db.js';

export function createStatsRepo(cols: Pick<Collections, 'messages' | 'users'>): StatsStore {
  return {
    async messagesBetween(q) {
      const docs = await cols.messages
        .find(
          {
            ...(q.accountId ? { accountId: q.accountId } : {}),
            sentAt: { $gte: q.from, $lt: q.to },
            'content.type': { $ne: MessageType.SYSTEM },
          },
          { projection: { userId: 1, direction: 1, sentAt: 1, status: 1, 'content.type': 1 } },
        )
        .sort({ sentAt: 1 })
        .limit(q.limit)
        .maxTimeMS(q.maxTimeMS)
        .toArray();
      return docs.map((m) => ({
        userId: m.userId,
        direction: m.direction,
        sentAt: m.sentAt!,
        status: m.status,
        type: m.content?.type ?? 0,
      }));
    },
    async usersCreatedBetween(q) {
      const docs = await cols.users
        .find(
          {
            ...(q.accountId ? { accountId: q.accountId } : {}),
            createdAt: { $gte: q.from, $lt: q.to },
          },
          { projection: { createdAt: 1 } },
        )
        .maxTimeMS(q.maxTimeMS)
        .toArray();
      return docs.map((u) => u.createdAt).filter((d): d is Date => d instanceof Date);
    },
    countUsers: (q) =>
      cols.users.countDocuments({
        ...(q.accountId ? { accountId: q.accountId } : {}),
        ...(q.status !== undefined ? { status: q.status } : {}),
        ...(q.needsReply !== undefined ? { needsReply: q.needsReply } : {}),
        ...(q.paused !== undefined ? { paused: q.paused } : {}),
        erasedAt: { $exists: false },
      }),
  };
}
