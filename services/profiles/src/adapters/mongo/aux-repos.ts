// Small collections: orphaned events, raw deliveries, audit records.
import { WebhookEvent as WebhookEventCodec } from '@ue/proto';
import { newId, stableId } from '../../domain/ids.js';
import type { AuditStore, DeliveryStore, OrphanStore, ReceivedDelivery } from '../../app/ports.js';
import type { DeliveryRecord } from '../../app/records.js';
import type { Collections } from './db.js';
import { insertManyNew, isDuplicateKey } from './db.js';

export function createOrphanRepo(cols: Pick<Collections, 'orphans'>): OrphanStore {
  return {
    async keep({ accountId, targetWamid, event, at, keys }) {
      const json = WebhookEventCodec.toJSON(event);
      const _id = stableId('o', accountId, targetWamid, JSON.stringify(json));
      await cols.orphans
        .updateOne(
          { _id },
          { $setOnInsert: { accountId, targetWamid, event: json, storedAt: at, keys } },
          { upsert: true },
        )
        .catch((e: unknown) => {
          if (!isDuplicateKey(e)) throw e;
        });
    },
    async take(accountId, targetWamid) {
      const docs = await cols.orphans
        .find({ accountId, targetWamid })
        .sort({ storedAt: 1, _id: 1 })
        .limit(1000)
        .toArray();
      return docs.map((d) => ({ id: d._id, event: WebhookEventCodec.fromJSON(d.event) }));
    },
    async waitingFor(accountId, wamids) {
      if (wamids.length === 0) return new Set();
      const found = await cols.orphans
        .find({ accountId, targetWamid: { $in: wamids } }, { projection: { targetWamid: 1 } })
        .toArray();
      return new Set(found.map((d) => d.targetWamid));
    },
    async drop(ids) {
      if (ids.length) await cols.orphans.deleteMany({ _id: { $in: ids } });
    },
    async eraseFor({ accountId, wamids, keys }) {
      let erased = 0;
      if (keys.length)
        erased += (await cols.orphans.deleteMany({ keys: { $in: keys } })).deletedCount;
      for (let i = 0; i < wamids.length; i += 1000) {
        const targetWamid = { $in: wamids.slice(i, i + 1000) };
        erased += (await cols.orphans.deleteMany({ accountId, targetWamid })).deletedCount;
      }
      return erased;
    },
  };
}

const deliveryDoc = (d: ReceivedDelivery): DeliveryRecord => ({
  _id: d.sha256,
  body: d.body,
  receivedAt: d.receivedAt,
  provider: d.provider,
  keys: d.keys,
  accountIds: d.accountIds,
});

export function createDeliveryRepo(cols: Pick<Collections, 'deliveries'>): DeliveryStore {
  return {
    async store(d) {
      // Insert-if-absent: the duplicate _id of a replayed delivery is caught by its unique index.
      try {
        await cols.deliveries.insertOne(deliveryDoc(d));
        return true;
      } catch (e) {
        if (isDuplicateKey(e)) return false;
        throw e;
      }
    },
    async storeMany(ds) {
      const skipped = await insertManyNew(cols.deliveries, ds.map(deliveryDoc));
      return ds.length - skipped.size;
    },
    async eraseFor(keys) {
      if (keys.length === 0) return 0;
      return (await cols.deliveries.deleteMany({ keys: { $in: keys } })).deletedCount;
    },
  };
}

export function createAuditRepo(cols: Pick<Collections, 'audit'>): AuditStore {
  return {
    async record(a) {
      await cols.audit.insertOne({ _id: newId('a'), ...a });
    },
  };
}
