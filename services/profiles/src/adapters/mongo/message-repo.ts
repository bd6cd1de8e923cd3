// Messages: insert-if-absent on (account, wamid), monotonic status updates, reactions, edits and
// revokes as guarded single-document updates, keyset pages on (sentAt, _id).
import { Direction, MediaState } from '@ue/proto';
import type { Filter } from 'mongodb';
import { statusRank, statusTimeField } from '../../domain/status.js';
import type { Collections } from './db.js';
import { isDuplicateKey } from './db.js';
import type {
  MediaLink,
  MessagePageQuery,
  MessageStore,
  StatusChange,
  StatusOutcome,
  WatermarkApply,
  WatermarkState,
} from '../../app/ports.js';
import type { MessageRecord, StoredReaction } from '../../app/records.js';

type TransactionalPart = 'insertCounted' | 'insertCountedMany';

/** Every message operation but the transactional insert (message-store.ts adds it). */
export function createMessageRepo(
  cols: Pick<Collections, 'messages' | 'messageStats'>,
): Omit<MessageStore, TransactionalPart> {
  const { messages } = cols;

  /** Insert; false when the message exists already (replay or concurrent duplicate). */
  async function insert(doc: MessageRecord): Promise<boolean> {
    try {
      await messages.insertOne(doc);
      return true;
    } catch (e) {
      if (isDuplicateKey(e)) return false;
      throw e;
    }
  }

  async function applyStatus(id: string, c: StatusChange): Promise<StatusOutcome> {
    const timeField = `statusTimes.${statusTimeField(c.state)}`;
    const first = await messages.updateOne(
      { _id: id, [timeField]: { $exists: false } },
      {
        $set: { [timeField]: c.at },
        ...(c.errors.length ? { $addToSet: { errors: { $each: c.errors } } } : {}),
      },
    );
    if (c.bizOpaqueCallbackData) {
      await messages.updateOne(
        { _id: id, bizOpaqueCallbackData: '' },
        { $set: { bizOpaqueCallbackData: c.bizOpaqueCallbackData } },
      );
    }
    const rank = statusRank(c.state);
    // Pricing of the highest-ranked status that carried one: the same result in any arrival order.
    if (c.pricing) {
      await messages.updateOne(
        // Missing or lower: `$not` instead of an `$or` of the two.
        { _id: id, pricingRank: { $not: { $gte: rank } } },
        { $set: { pricing: c.pricing, pricingRank: rank } },
      );
    }
    const raised = await messages.updateOne(
      { _id: id, statusRank: { $lt: rank } },
      { $set: { status: c.status, statusRank: rank } },
    );
    return { newTransition: first.modifiedCount > 0, raised: raised.modifiedCount > 0 };
  }

  /** One current reaction per reactor; the newest by provider time wins, whatever the arrival order. */
  async function applyReaction(
    id: string,
    reactorKey: string,
    r: StoredReaction,
  ): Promise<boolean> {
    const path = `reactionsBy.${reactorKey}`;
    const res = await messages.updateOne(
      // No reaction by this reactor yet, or an older one: `$not` instead of an `$or`.
      { _id: id, [`${path}.key`]: { $not: { $gte: r.key } } },
      { $set: { [path]: r } },
    );
    return res.modifiedCount > 0;
  }

  async function applyEdit(
    id: string,
    version: { text: string; editedAt: Date; editWamid: string },
    terms: string[],
  ) {
    const res = await messages.updateOne(
      { _id: id, 'editVersions.editWamid': { $ne: version.editWamid } },
      {
        $push: { editVersions: version },
        ...(terms.length ? { $addToSet: { terms: { $each: terms } } } : {}),
      },
    );
    return res.modifiedCount > 0;
  }

  async function applyRevoke(id: string, at: Date): Promise<boolean> {
    const res = await messages.updateOne(
      { _id: id, revoked: { $ne: true } },
      { $set: { revoked: true, revokedAt: at } },
    );
    // Replays with an earlier time keep the earliest revoke time.
    await messages.updateOne({ _id: id }, { $min: { revokedAt: at } });
    return res.modifiedCount > 0;
  }

  async function page(q: MessagePageQuery): Promise<MessageRecord[]> {
    const newer = q.after?.direction === 'newer';
    const dir = newer ? 1 : -1;
    const find = (filter: Filter<MessageRecord>) =>
      messages
        .find(filter)
        .sort({ sentAt: dir, _id: dir })
        .limit(q.limit + 1)
        .toArray();
    // One identity, or a person's identities: the {userId, sentAt, _id} index ranges merged.
    const userId = q.userIds.length === 1 ? q.userIds[0]! : { $in: q.userIds };
    if (!q.after) return find({ userId });
    // Two index ranges instead of one `$or` (see user-admin.ts list): the rest of the cursor's
    // own time, then everything beyond it.
    const op = newer ? '$gt' : '$lt';
    const [ties, beyond] = await Promise.all([
      find({ userId, sentAt: q.after.at, _id: { [op]: q.after.id } }),
      find({ userId, sentAt: { [op]: q.after.at } }),
    ]);
    return [...ties, ...beyond].slice(0, q.limit + 1);
  }

  /**
   * The covered messages are found by what is still missing (this watermark's time field unset
   * or later), then raised, then their times lowered: a crash in between leaves the time unset,
   * so the next watermark or replay finds the message again.
   */
  async function applyWatermark(w: WatermarkApply): Promise<string[]> {
    const field = `statusTimes.${statusTimeField(w.state)}`;
    const covered = await messages
      .find(
        {
          userId: w.userId,
          direction: Direction.OUTBOUND,
          // Sent: a pending message has no provider id yet (its send result applies it later).
          wamid: { $ne: '' },
          sentAt: { $lte: w.at },
          // Missing or later: `$not` instead of an `$or` of the two.
          [field]: { $not: { $lte: w.at } },
          ...(w.messageId ? { _id: w.messageId } : {}),
        },
        { projection: { _id: 1 } },
      )
      .toArray();
    const ids = covered.map((m) => m._id);
    if (ids.length === 0) return [];
    const rank = statusRank(w.state);
    await messages.updateMany(
      { _id: { $in: ids }, statusRank: { $lt: rank } },
      { $set: { status: w.status, statusRank: rank } },
    );
    // Read implies delivered: both times, the earliest watermark that covers the message.
    const states: WatermarkState[] = w.state === 'read' ? ['read', 'delivered'] : ['delivered'];
    const min = Object.fromEntries(
      states.map((st) => [`statusTimes.${statusTimeField(st)}`, w.at]),
    );
    await messages.updateMany({ _id: { $in: ids } }, { $min: min });
    return ids;
  }

  const STORED = 'content.media.stored';

  async function linkMedia(id: string, link: MediaLink): Promise<boolean> {
    if (link.variant === 'thumbnail') {
      const res = await messages.updateOne(
        // No thumbnail yet (missing or empty): `$not` instead of an `$or` of the two.
        {
          _id: id,
          [`${STORED}.state`]: MediaState.STORED,
          [`${STORED}.thumbnailFileId`]: { $not: { $gt: '' } },
        },
        { $set: { [`${STORED}.thumbnailFileId`]: link.fileId, [`${STORED}.updatedAt`]: link.at } },
      );
      return res.modifiedCount > 0;
    }
    // Field by field: whatever else the stored media holds (its thumbnail) stays.
    const { thumbnailFileId: _t, ...fields } = link.stored;
    const set = Object.fromEntries(Object.entries(fields).map(([k, v]) => [`${STORED}.${k}`, v]));
    const res = await messages.updateOne(
      // Stored is final, and so is expired: a late fetch never brings back a removed file.
      { _id: id, [`${STORED}.state`]: { $nin: [MediaState.STORED, MediaState.EXPIRED] } },
      { $set: set },
    );
    return res.modifiedCount > 0;
  }

  async function setMediaState(
    id: string,
    s: { state: MediaState; reason: string; at: Date },
  ): Promise<boolean> {
    const res = await messages.updateOne(
      // Stored is final, and so is expired: a late fetch never brings back a removed file.
      { _id: id, [`${STORED}.state`]: { $nin: [MediaState.STORED, MediaState.EXPIRED] } },
      {
        $set: {
          [`${STORED}.state`]: s.state,
          [`${STORED}.reason`]: s.reason,
          [`${STORED}.updatedAt`]: s.at,
        },
      },
    );
    return res.modifiedCount > 0;
  }

  return {
    insert,
    linkMedia,
    setMediaState,
    applyStatus,
    applyReaction,
    applyEdit,
    applyRevoke,
    page,
    findById: (id) => messages.findOne({ _id: id }),
    findByWamid: (accountId, wamid) => messages.findOne({ accountId, wamidKey: wamid }),
    findByClientId: (userId, clientId) => messages.findOne({ userId, clientKey: clientId }),
    applyWatermark,
    setWamid: async (id, wamid) =>
      (await messages.updateOne({ _id: id, wamid: '' }, { $set: { wamid, wamidKey: wamid } }))
        .modifiedCount > 0,
    async idsByWamid(accountId, wamids) {
      const found = await messages
        .find({ accountId, wamidKey: { $in: wamids } }, { projection: { wamidKey: 1 } })
        .toArray();
      return new Map(found.map((f) => [f.wamidKey, f._id]));
    },
    allOf: (userId) => messages.find({ userId }).sort({ sentAt: 1, _id: 1 }),
    async refsOf(userId) {
      const found = await messages
        .find({ userId }, { projection: { _id: 1, wamid: 1, direction: 1 } })
        .toArray();
      return found.map((m) => ({
        id: m._id,
        wamid: m.wamid,
        outbound: m.direction === Direction.OUTBOUND,
      }));
    },
    // With the stats rows retention left of its older messages: an erased user leaves nothing.
    async eraseForUser(userId) {
      await cols.messageStats.deleteMany({ userId });
      return (await messages.deleteMany({ userId })).deletedCount;
    },
  };
}
