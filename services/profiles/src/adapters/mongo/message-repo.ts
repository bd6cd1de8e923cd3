// Messages: insert-if-absent on (account, wamid), monotonic status updates, reactions, edits and
// revokes as guarded single-document updates, keyset pages on (sentAt, _id).
import type { ProviderError, Pricing } from '@ue/proto';
import type { Filter } from 'mongodb';
import { statusRank, statusTimeField, type DeliveryState } from '../../domain/status.js';
import type { Collections } from './db.js';
import { isDuplicateKey } from './db.js';
import type { MessageDoc, StoredReaction } from './docs.js';

export interface StatusChange {
  state: DeliveryState;
  status: number;
  at: Date;
  errors: ProviderError[];
  pricing?: Pricing;
  bizOpaqueCallbackData?: string;
}

export interface StatusOutcome {
  /** The transition time was recorded for the first time. */
  newTransition: boolean;
  /** The current status moved up. */
  raised: boolean;
}

export interface MessagePageQuery {
  userId: string;
  limit: number;
  after?: { at: Date; id: string; direction: 'older' | 'newer' };
}

export function createMessageRepo(cols: Collections) {
  const { messages } = cols;

  /** Insert; false when the message exists already (replay or concurrent duplicate). */
  async function insert(doc: MessageDoc): Promise<boolean> {
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
        { _id: id, $or: [{ pricingRank: { $exists: false } }, { pricingRank: { $lt: rank } }] },
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
      { _id: id, $or: [{ [path]: { $exists: false } }, { [`${path}.key`]: { $lt: r.key } }] },
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

  async function page(q: MessagePageQuery): Promise<MessageDoc[]> {
    const filter: Filter<MessageDoc> = { userId: q.userId };
    const newer = q.after?.direction === 'newer';
    if (q.after) {
      const op = newer ? '$gt' : '$lt';
      filter.$or = [
        { sentAt: { [op]: q.after.at } },
        { sentAt: q.after.at, _id: { [op]: q.after.id } },
      ];
    }
    const dir = newer ? 1 : -1;
    const docs = await messages
      .find(filter)
      .sort({ sentAt: dir, _id: dir })
      .limit(q.limit + 1)
      .toArray();
    return docs;
  }

  return {
    insert,
    applyStatus,
    applyReaction,
    applyEdit,
    applyRevoke,
    page,
    findById: (id: string) => messages.findOne({ _id: id }),
    findByWamid: (accountId: string, wamid: string) =>
      messages.findOne({ accountId, wamidKey: wamid }),
    findByClientId: (userId: string, clientId: string) =>
      messages.findOne({ userId, clientKey: clientId }),
    setWamid: async (id: string, wamid: string) =>
      (await messages.updateOne({ _id: id, wamid: '' }, { $set: { wamid, wamidKey: wamid } }))
        .modifiedCount > 0,
    messages,
  };
}

export type MessageRepo = ReturnType<typeof createMessageRepo>;
