// The bounded range reads behind GetStats; the aggregation into buckets is app/stats.ts.
import { MessageType, ReviewState, Sentiment } from '@ue/proto';
import type { StatsRow, StatsStore } from '../../app/ports.js';
import type { Collections } from './db.js';

export function createStatsRepo(
  cols: Pick<Collections, 'messages' | 'messageStats' | 'users' | 'reviews'>,
): StatsStore {
  return {
    // Live messages and the stats rows of messages removed by retention (same fields, no
    // content): the figures of a period do not change when its messages expire.
    async messagesBetween(q) {
      const range = {
        ...(q.accountId ? { accountId: q.accountId } : {}),
        sentAt: { $gte: q.from, $lt: q.to },
      };
      const [live, retired] = await Promise.all([
        cols.messages
          .find(
            { ...range, 'content.type': { $ne: MessageType.SYSTEM } },
            { projection: { userId: 1, direction: 1, sentAt: 1, status: 1, 'content.type': 1 } },
          )
          .sort({ sentAt: 1 })
          .limit(q.limit)
          .maxTimeMS(q.maxTimeMS)
          .toArray(),
        cols.messageStats
          .find({ ...range, type: { $ne: MessageType.SYSTEM } })
          .sort({ sentAt: 1 })
          .limit(q.limit)
          .maxTimeMS(q.maxTimeMS)
          .toArray(),
      ]);
      const rows: StatsRow[] = live.map((m) => ({
        userId: m.userId,
        direction: m.direction,
        sentAt: m.sentAt!,
        status: m.status,
        type: m.content?.type ?? 0,
      }));
      if (retired.length === 0) return rows;
      for (const r of retired)
        rows.push({
          userId: r.userId,
          direction: r.direction,
          sentAt: r.sentAt,
          status: r.status,
          type: r.type,
        });
      return rows.sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime()).slice(0, q.limit);
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
    // On the (account,) lastInteractionAt indexes; three small fields of each user.
    async reviewsOfActiveUsers(q) {
      const docs = await cols.users
        .find(
          {
            ...(q.accountId ? { accountId: q.accountId } : {}),
            lastInteractionAt: { $gte: q.from, $lt: q.to },
            erasedAt: { $exists: false },
          },
          { projection: { 'review.hasReview': 1, 'review.score': 1, 'review.sentiment': 1 } },
        )
        .maxTimeMS(q.maxTimeMS)
        .toArray();
      return docs.map((u) => ({
        reviewed: u.review?.hasReview === true,
        score: u.review?.score ?? 0,
        sentiment: u.review?.sentiment ?? Sentiment.UNSPECIFIED,
      }));
    },
    async reviewsDoneBetween(q) {
      const docs = await cols.reviews
        .find(
          {
            ...(q.accountId ? { accountId: q.accountId } : {}),
            reviewedAt: { $gte: q.from, $lt: q.to },
            state: ReviewState.DONE,
          },
          { projection: { reviewedAt: 1, score: 1, sentiment: 1 } },
        )
        .limit(q.limit)
        .maxTimeMS(q.maxTimeMS)
        .toArray();
      return docs.map((r) => ({
        reviewedAt: r.reviewedAt!,
        score: r.score,
        sentiment: r.sentiment,
      }));
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
