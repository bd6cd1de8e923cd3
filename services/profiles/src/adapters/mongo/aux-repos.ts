// Small collections: orphaned events, raw deliveries, audit records.
import type { WebhookEvent } from '@ue/proto';
import { WebhookEvent as WebhookEventCodec } from '@ue/proto';
import { stableId } from '../../domain/ids.js';
import type { Collections } from './db.js';
import { isDuplicateKey } from './db.js';

export function createOrphanRepo(cols: Collections) {
  return {
    /** Keep an event whose target message is unknown; idempotent per (account, event). */
    async keep(
      accountId: string,
      targetWamid: string,
      event: WebhookEvent,
      now: Date,
    ): Promise<void> {
      const json = WebhookEventCodec.toJSON(event);
      const _id = stableId('o', accountId, targetWamid, JSON.stringify(json));
      await cols.orphans
        .updateOne(
          { _id },
          { $setOnInsert: { accountId, targetWamid, event: json, storedAt: now } },
          { upsert: true },
        )
        .catch((e: unknown) => {
          if (!isDuplicateKey(e)) throw e;
        });
    },
    async take(
      accountId: string,
      targetWamid: string,
    ): Promise<{ id: string; event: WebhookEvent }[]> {
      const docs = await cols.orphans
        .find({ accountId, targetWamid })
        .sort({ storedAt: 1, _id: 1 })
        .limit(1000)
        .toArray();
      return docs.map((d) => ({ id: d._id, event: WebhookEventCodec.fromJSON(d.event) }));
    },
    async drop(ids: string[]): Promise<void> {
      if (ids.length) await cols.orphans.deleteMany({ _id: { $in: ids } });
    },
  };
}

export function createDeliveryRepo(cols: Collections) {
  return {
    /** Insert-if-absent by content hash; true when stored for the first time. */
    async store(
      sha256: string,
      body: Buffer,
      receivedAt: Date,
      provider: string,
    ): Promise<boolean> {
      // Insert-if-absent: the duplicate _id of a replayed delivery is caught by its unique index.
      try {
        await cols.deliveries.insertOne({ _id: sha256, body, receivedAt, provider });
        return true;
      } catch (e) {
        if (isDuplicateKey(e)) return false;
        throw e;
      }
    },
  };
}

export type OrphanRepo = ReturnType<typeof createOrphanRepo>;
export type DeliveryRepo = ReturnType<typeof createDeliveryRepo>;
