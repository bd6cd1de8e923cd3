// Users as the dashboard and agents read and change them: lookups, keyset lists, attributed
// changes, follow-up bookkeeping and erasure. Event-driven writes are in user-repo.ts.
import { Channel } from '@ue/proto';
import type { Filter, Sort, UpdateFilter } from 'mongodb';
import { escapeRegex } from '../../domain/search.js';
import { identitiesOfUser } from '../../app/identity.js';
import type {
  PhoneQuery,
  ReviewFilter,
  UserChange,
  UserListQuery,
  UserStore,
} from '../../app/ports.js';
import type { UserRecord } from '../../app/records.js';
import type { Collections } from './db.js';
import { VIEW } from './db.js';

/** The filters of a user list (people-repo.ts applies them to a person's identities too). */
export function listFilter(q: UserListQuery): Filter<UserRecord> {
  const and: Filter<UserRecord>[] = [];
  if (q.terms === 'none') and.push({ _id: { $in: [] } });
  else for (const t of q.terms) and.push({ searchTerms: { $regex: `^${escapeRegex(t)}` } });
  if (q.accountId) and.push({ accountId: q.accountId });
  // Users stored before channels were named have none (or UNSPECIFIED): they are WhatsApp users.
  if (q.channel === Channel.WHATSAPP)
    and.push({ channel: { $nin: [Channel.MESSENGER, Channel.INSTAGRAM] } });
  else if (q.channel) and.push({ channel: q.channel });
  if (q.statuses.length) and.push({ status: { $in: q.statuses } });
  for (const tag of q.tags) and.push({ tags: tag });
  if (q.activeAfter) and.push({ lastInteractionAt: { $gte: q.activeAfter } });
  if (q.activeBefore) and.push({ lastInteractionAt: { $lt: q.activeBefore } });
  if (q.needsReply !== undefined) and.push({ needsReply: q.needsReply });
  if (q.paused !== undefined) and.push({ paused: q.paused });
  if (q.overdueAt?.overdue) and.push({ nextFollowUpDueAt: { $lt: q.overdueAt.now } });
  // None due before now (or none at all): one predicate rather than an `$or`, so the sort's
  // index is walked and the page ends after `limit` matches.
  if (q.overdueAt && !q.overdueAt.overdue)
    and.push({ nextFollowUpDueAt: { $not: { $lt: q.overdueAt.now } } });
  if (q.review) and.push(...reviewFilter(q.review));
  // Reviewed users only, and the index range the score sort walks starts at their lowest score
  // (users never reviewed have no score; they are not read at all).
  if (q.sort.field === 'review.score') and.push({ 'review.score': { $gte: 0 } });
  and.push({ erasedAt: { $exists: false } });
  return { $and: and };
}

/** The latest-review filters, each one predicate (no `$or`): the sort's index is walked. */
function reviewFilter(r: ReviewFilter): Filter<UserRecord>[] {
  const and: Filter<UserRecord>[] = [];
  // Only a successful review sets a score, a sentiment and a count of action items.
  if (r.scoreBelow !== undefined) and.push({ 'review.score': { $lt: r.scoreBelow } });
  if (r.sentiments.length) and.push({ 'review.sentiment': { $in: r.sentiments } });
  if (r.openActionItems === true) and.push({ 'review.openActionItems': { $gt: 0 } });
  if (r.openActionItems === false) and.push({ 'review.openActionItems': 0 });
  if (r.pending === true) and.push({ 'review.hasReview': { $ne: true } });
  if (r.pending === false) and.push({ 'review.hasReview': true });
  return and;
}

/** What erasure leaves of a user: its id, account, times and anonymous counters. */
function erasure(at: Date): UpdateFilter<UserRecord> {
  return {
    $set: {
      updatedAt: at,
      waId: '',
      bsuid: '',
      parentBsuid: '',
      scopedId: '',
      previousWaIds: [],
      profile: {},
      tags: [],
      searchTerms: [],
      needsReply: false,
      paused: false,
      'counters.openFollowUps': 0,
    },
    $min: { erasedAt: at },
    $unset: {
      referral: '',
      lastMessage: '',
      lastMessageKey: '',
      nameAt: '',
      statusChanged: '',
      pausedChanged: '',
      nextFollowUpDueAt: '',
      review: '',
    },
  };
}

type AdminPart = Pick<
  UserStore,
  | 'findLatestByBsuid'
  | 'findByPhone'
  | 'list'
  | 'change'
  | 'removeTags'
  | 'refreshFollowUps'
  | 'erase'
  | 'identitiesOf'
>;

export function createUserAdmin(cols: Pick<Collections, 'users' | 'identities'>): AdminPart {
  const { users, identities } = cols;
  return {
    findLatestByBsuid: (bsuid) =>
      users.find({ bsuid }, { projection: VIEW }).sort({ lastInteractionAt: -1 }).limit(1).next(),

    findByPhone(q: PhoneQuery) {
      const ors: Filter<UserRecord>[] = q.e164
        ? [
            { 'profile.phoneE164': q.e164 },
            { waId: q.e164.slice(1) },
            { previousWaIds: q.e164.slice(1) },
          ]
        : [{ searchTerms: q.digits }, { previousWaIds: q.digits }];
      const filter: Filter<UserRecord> = {
        $or: ors,
        ...(q.accountId ? { accountId: q.accountId } : {}),
      };
      return users
        .find(filter, { projection: VIEW })
        .sort({ lastInteractionAt: -1, _id: -1 })
        .limit(1)
        .next();
    },

    async list(q) {
      const base = listFilter(q);
      const { field: f, dir } = q.sort;
      const sort: Sort = { [f]: dir, _id: dir };
      // No empty `{}` clause for the first page: a planner may read it as "scan everything".
      const page = (...extra: Filter<UserRecord>[]) =>
        users
          .find({ $and: [...(base.$and ?? []), ...extra] }, { projection: VIEW })
          .sort(sort)
          .limit(q.limit)
          .maxTimeMS(q.maxTimeMS)
          .toArray();
      if (!q.after) return page();
      // The keyset as two index ranges instead of one `$or` (which a planner may answer by
      // reading and sorting everything past the cursor): the rest of the cursor's own time,
      // then everything beyond it. Together they are the next page in order.
      const op = dir === -1 ? '$lt' : '$gt';
      const [ties, beyond] = await Promise.all([
        page({ [f]: q.after.value, _id: { [op]: q.after.id } }),
        page({ [f]: { [op]: q.after.value } }),
      ]);
      return [...ties, ...beyond].slice(0, q.limit);
    },

    async change(userId: string, c: UserChange) {
      const update: UpdateFilter<UserRecord> = { $set: c.set };
      if (c.unset.length) update.$unset = Object.fromEntries(c.unset.map((k) => [k, ''] as const));
      if (c.addTags.length || c.addTerms.length)
        update.$addToSet = {
          ...(c.addTags.length ? { tags: { $each: c.addTags } } : {}),
          ...(c.addTerms.length ? { searchTerms: { $each: c.addTerms } } : {}),
        } as never;
      return users.findOneAndUpdate({ _id: userId, erasedAt: { $exists: false } }, update, {
        returnDocument: 'before',
      });
    },

    async removeTags(userId, tags) {
      if (tags.length) await users.updateOne({ _id: userId }, { $pullAll: { tags } });
    },

    // A version counter guards the recount: a change that raced with ours bumps it, and the
    // stale result is not written.
    async refreshFollowUps(userId, count) {
      await users.updateOne({ _id: userId }, { $inc: { followUpsVersion: 1 } });
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const u = await users.findOne({ _id: userId }, { projection: { followUpsVersion: 1 } });
        if (!u) return;
        const version = (u as { followUpsVersion?: number }).followUpsVersion ?? 0;
        const { open, nextDue } = await count();
        const update: UpdateFilter<UserRecord> = nextDue
          ? { $set: { 'counters.openFollowUps': open, nextFollowUpDueAt: nextDue } }
          : { $set: { 'counters.openFollowUps': open }, $unset: { nextFollowUpDueAt: '' } };
        const res = await users.updateOne({ _id: userId, followUpsVersion: version }, update);
        if (res.matchedCount > 0) return;
      }
    },

    async erase(userId, at) {
      await users.updateOne({ _id: userId }, erasure(at));
      await identities.deleteMany({ userId });
    },

    async identitiesOf(userId) {
      const linked = await identities.find({ userId }, { projection: { _id: 1 } }).toArray();
      const u = await users.findOne(
        { _id: userId },
        {
          projection: {
            accountId: 1,
            waId: 1,
            previousWaIds: 1,
            bsuid: 1,
            channel: 1,
            scopedId: 1,
          },
        },
      );
      return identitiesOfUser(
        u,
        linked.map((l) => l._id),
      );
    },
  };
}
