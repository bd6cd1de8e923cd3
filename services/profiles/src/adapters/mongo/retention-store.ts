// The retention sweep's reads and writes (app/retention.ts) on MongoDB. Policies are read from
// the `accounts` collection; everything else is bounded by the account and an age on an index.
import { MediaState } from '@ue/proto';
import type { Collection, Db, MongoClient } from 'mongodb';
import type { ExpiringMessage, RetentionDays, RetentionStore } from '../../app/ports.js';
import type { MessageRecord, MessageStatsRecord } from '../../app/records.js';
import { phoneTerms } from '../../domain/phone.js';
import { emailTerms, textTerms } from '../../domain/search.js';
import type { Collections } from './db.js';

interface AccountPolicyDoc {
  _id: string;
  retention?: Partial<RetentionDays>;
}

const CLASSES = ['messagesDays', 'mediaDays', 'deliveriesDays', 'reviewTextsDays'] as const;
const STORED = 'content.media.stored';

function expiring(m: Pick<MessageRecord, '_id' | 'userId' | 'content' | 'terms'>): ExpiringMessage {
  const s = m.content?.media?.stored;
  return {
    id: m._id,
    userId: m.userId,
    fileIds: [s?.fileId, s?.thumbnailFileId].filter((f): f is string => !!f),
    terms: m.terms ?? [],
  };
}

const PROJECTION = {
  userId: 1,
  terms: 1,
  [`${STORED}.fileId`]: 1,
  [`${STORED}.thumbnailFileId`]: 1,
} as const;

type Cols = Pick<
  Collections,
  'messages' | 'messageStats' | 'users' | 'facts' | 'deliveries' | 'reviews'
>;

export function createRetentionStore(mongo: {
  client: MongoClient;
  db: Db;
  cols: Cols;
}): RetentionStore {
  const { client, cols } = mongo;
  const accounts: Collection<AccountPolicyDoc> = mongo.db.collection('accounts');

  /** Terms the user still holds for other reasons: its profile and every fact value written. */
  async function keptTerms(userId: string, candidates: string[]): Promise<Set<string>> {
    const [user, facts, messages] = await Promise.all([
      cols.users.findOne(
        { _id: userId },
        { projection: { profile: 1, waId: 1, bsuid: 1, scopedId: 1 } },
      ),
      cols.facts.find({ userId }, { projection: { value: 1 } }).toArray(),
      // Remaining messages that hold any of the candidates (the sweep deleted the others).
      cols.messages
        .find({ userId, terms: { $in: candidates } }, { projection: { terms: 1 } })
        .toArray(),
    ]);
    const p = user?.profile ?? {};
    const own = [p.name, p.username, p.displayName, user?.scopedId].filter(Boolean).join(' ');
    return new Set([
      ...textTerms(own),
      ...emailTerms(p.email ?? ''),
      ...phoneTerms(p.phoneE164, user?.waId ?? ''),
      ...(user?.bsuid ? [user.bsuid.toLowerCase()] : []),
      ...(user?.scopedId ? [user.scopedId.toLowerCase()] : []),
      ...facts.flatMap((f) => textTerms(f.value ?? '', 20)),
      ...messages.flatMap((m) => m.terms ?? []),
    ]);
  }

  return {
    async policies() {
      const docs = await accounts
        .find({ $or: CLASSES.map((c) => ({ [`retention.${c}`]: { $gt: 0 } })) })
        .toArray();
      return docs.map((d) => ({
        accountId: d._id,
        days: {
          messagesDays: d.retention?.messagesDays ?? 0,
          mediaDays: d.retention?.mediaDays ?? 0,
          deliveriesDays: d.retention?.deliveriesDays ?? 0,
          reviewTextsDays: d.retention?.reviewTextsDays ?? 0,
        },
      }));
    },

    async messagesBefore(q) {
      const docs = await cols.messages
        .find({ accountId: q.accountId, sentAt: { $lt: q.before } }, { projection: PROJECTION })
        .sort({ sentAt: 1 })
        .limit(q.limit)
        .toArray();
      return docs.map(expiring);
    },

    async retireMessages(ids, at) {
      if (ids.length === 0) return 0;
      return client.withSession((session) =>
        session.withTransaction(async () => {
          const docs = await cols.messages
            .find(
              { _id: { $in: ids } },
              {
                session,
                projection: {
                  accountId: 1,
                  userId: 1,
                  direction: 1,
                  sentAt: 1,
                  status: 1,
                  'content.type': 1,
                },
              },
            )
            .toArray();
          if (docs.length === 0) return 0;
          const rows: MessageStatsRecord[] = docs.map((m) => ({
            _id: m._id,
            accountId: m.accountId,
            userId: m.userId,
            direction: m.direction,
            sentAt: m.sentAt ?? at,
            status: m.status,
            type: m.content?.type ?? 0,
            retiredAt: at,
          }));
          await cols.messageStats.bulkWrite(
            rows.map((r) => ({
              updateOne: { filter: { _id: r._id }, update: { $setOnInsert: r }, upsert: true },
            })),
            { session, ordered: false },
          );
          const res = await cols.messages.deleteMany(
            { _id: { $in: docs.map((d) => d._id) } },
            { session },
          );
          return res.deletedCount;
        }),
      );
    },

    async mediaBefore(q) {
      const docs = await cols.messages
        .find(
          {
            accountId: q.accountId,
            sentAt: { $lt: q.before },
            [`${STORED}.state`]: MediaState.STORED,
          },
          { projection: PROJECTION },
        )
        .sort({ sentAt: 1 })
        .limit(q.limit)
        .toArray();
      return docs.map(expiring);
    },

    async markMediaExpired(q) {
      if (q.ids.length === 0) return;
      await cols.messages.updateMany(
        { _id: { $in: q.ids } },
        {
          $set: {
            [`${STORED}.state`]: MediaState.EXPIRED,
            [`${STORED}.fileId`]: '',
            [`${STORED}.thumbnailFileId`]: '',
            [`${STORED}.reason`]: q.reason,
            [`${STORED}.updatedAt`]: q.at,
          },
        },
      );
    },

    async deleteDeliveriesBefore(q) {
      const res = await cols.deliveries.deleteMany({
        accountIds: q.accountId,
        receivedAt: { $lt: q.before },
      });
      return res.deletedCount;
    },

    async redactReviewsBefore(q) {
      const docs = await cols.reviews
        .find(
          {
            accountId: q.accountId,
            reviewedAt: { $lt: q.before },
            textsRemovedAt: { $exists: false },
          },
          { projection: { actionItems: 1, criteria: 1 } },
        )
        .sort({ reviewedAt: 1 })
        .limit(q.limit)
        .toArray();
      if (docs.length === 0) return 0;
      await cols.reviews.bulkWrite(
        docs.map((r) => ({
          updateOne: {
            filter: { _id: r._id },
            update: {
              $set: {
                summary: '',
                topics: [],
                actionItems: (r.actionItems ?? []).map((a) => ({ ...a, text: '' })),
                criteria: (r.criteria ?? []).map((c) => ({ ...c, reason: '' })),
                textsRemovedAt: q.at,
              },
            },
          },
        })),
        { ordered: false },
      );
      await cols.users.updateMany(
        { 'review.reviewId': { $in: docs.map((d) => d._id) } },
        { $set: { 'review.headline': '' } },
      );
      return docs.length;
    },

    async tidyUsers({ removed }) {
      const byUser = new Map<string, ExpiringMessage[]>();
      for (const m of removed) byUser.set(m.userId, [...(byUser.get(m.userId) ?? []), m]);
      for (const [userId, msgs] of byUser) {
        // Messages expire oldest first: a removed last message means the conversation is empty.
        await cols.users.updateOne(
          { _id: userId, 'lastMessage.messageId': { $in: msgs.map((m) => m.id) } },
          { $set: { 'lastMessage.text': '' } },
        );
        const candidates = [...new Set(msgs.flatMap((m) => m.terms))];
        if (candidates.length === 0) continue;
        const kept = await keptTerms(userId, candidates);
        const drop = candidates.filter((t) => !kept.has(t));
        if (drop.length > 0)
          await cols.users.updateOne({ _id: userId }, { $pullAll: { searchTerms: drop } });
      }
    },
  };
}
