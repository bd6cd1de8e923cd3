// Accounts (collection `accounts`): registration by webhooks (insert-if-absent, empty fields
// filled, last delivery time by $max, at most one write per account every 5 s per process),
// UpdateAccount's upsert, and a 30 s in-process cache for lookups on hot paths. Counts come from
// the users (one aggregation grouped by account).
import { AppError } from '@ue/kit';
import type { AnyBulkWriteOperation, UpdateFilter } from 'mongodb';
import { createThrottle } from '../../domain/throttle.js';
import { newAccountRecord } from '../../app/new-account.js';
import type {
  AccountChange,
  AccountSighting,
  AccountStore,
  AccountUsage,
} from '../../app/ports.js';
import type { AccountRecord } from '../../app/records.js';
import { isDuplicateKey, type Collections } from './db.js';

/** How often one process writes an account's last delivery time at most. */
const DELIVERY_WRITE_MS = 5000;
/** How old the cached accounts may get. */
const CACHE_MS = 30_000;

export function createAccountRepo(
  cols: Pick<Collections, 'accounts' | 'users'>,
  clock: () => Date = () => new Date(),
): AccountStore {
  const { accounts, users } = cols;
  const throttle = createThrottle(DELIVERY_WRITE_MS);
  let snapshot: { at: number; byId: Map<string, AccountRecord> } | undefined;

  /** Registration of one sighting: insert-if-absent, then fill what is still empty. */
  function registration(s: AccountSighting, at: Date): AnyBulkWriteOperation<AccountRecord>[] {
    const { _id, health: _h, ...fresh } = newAccountRecord(s, at);
    const ops: AnyBulkWriteOperation<AccountRecord>[] = [
      {
        updateOne: {
          filter: { _id },
          update: { $setOnInsert: fresh, $max: { 'health.lastDeliveryAt': at } },
          upsert: true,
        },
      },
    ];
    const fill = (filter: object, set: Partial<AccountRecord>) =>
      ops.push({ updateOne: { filter: { _id, ...filter }, update: { $set: set } } });
    if (s.display) fill({ displayId: '' }, { displayId: s.display });
    // An account made by UpdateAccount before its first webhook learns its WABA; a business id
    // nobody chose (the account's own id) follows it.
    if (s.wabaId) fill({ wabaId: '', businessId: _id }, { businessId: s.wabaId });
    if (s.wabaId) fill({ wabaId: '' }, { wabaId: s.wabaId });
    return ops;
  }

  const noteDeliveries: AccountStore['noteDeliveries'] = async (seen, at) => {
    const due = seen.filter((s) => throttle.take(s.accountId, clock().getTime()));
    if (due.length === 0) return;
    // In order: each account's fills follow its insert (and the business id's the WABA's).
    const ops = due.flatMap((s) => registration(s, at));
    for (let attempt = 1; ; attempt++) {
      try {
        await accounts.bulkWrite(ops, { ordered: true });
        return;
      } catch (e) {
        // Two processes registering one new account at once: the loser's upsert meets the
        // winner's document, and once more finds it. Anything else: the next batch tries again.
        if (isDuplicateKey(e) && attempt < 2) continue;
        for (const s of due) throttle.release(s.accountId);
        throw e;
      }
    }
  };

  const noteError: AccountStore['noteError'] = async (accountId, e) => {
    // The latest by provider time wins, whatever the arrival order.
    await accounts.updateOne(
      { _id: accountId, 'health.lastErrorAt': { $not: { $gt: e.at } } },
      { $set: { 'health.lastErrorAt': e.at, 'health.lastError': e.error } },
    );
  };

  const find = (accountId: string) => accounts.findOne({ _id: accountId });

  async function cached(accountId: string): Promise<AccountRecord | null> {
    const now = clock().getTime();
    if (!snapshot || now - snapshot.at >= CACHE_MS || now < snapshot.at) {
      const all = await accounts.find().toArray();
      snapshot = { at: now, byId: new Map(all.map((a) => [a._id, a])) };
    }
    const hit = snapshot.byId.get(accountId);
    if (hit) return hit;
    // Registered since the snapshot was taken: read it alone.
    const fresh = await find(accountId);
    if (fresh) snapshot.byId.set(accountId, fresh);
    return fresh;
  }

  function changeOf(c: AccountChange): UpdateFilter<AccountRecord> {
    const given = {
      name: c.name,
      displayId: c.displayId,
      businessId: c.businessId,
      credentialsRef: c.credentialsRef,
      retention: c.retention,
    };
    const set = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
    const {
      _id,
      channel: _c,
      ...fresh
    } = newAccountRecord(
      { accountId: c.accountId, channel: c.channel, wabaId: '', display: '' },
      c.changed.at,
    );
    // A field is either given ($set) or a default of a new account ($setOnInsert), never both.
    const defaults = Object.fromEntries(Object.entries(fresh).filter(([k]) => !(k in set)));
    return { $set: { ...set, changed: c.changed }, $setOnInsert: defaults };
  }

  const upsert: AccountStore['upsert'] = async (c) => {
    const filter = { _id: c.accountId, channel: c.channel };
    const update = changeOf(c);
    // A concurrent registration may insert it between our read and this upsert: the upsert then
    // meets the new _id; once more matches it when the channel agrees.
    for (let attempt = 1; ; attempt++) {
      try {
        const doc = await accounts.findOneAndUpdate(filter, update, {
          upsert: true,
          returnDocument: 'after',
        });
        snapshot = undefined;
        if (!doc) throw new AppError('UNAVAILABLE', 'account not written, retry');
        return doc;
      } catch (e) {
        if (!isDuplicateKey(e)) throw e;
        if (attempt >= 2)
          throw new AppError('FAILED_PRECONDITION', 'the account exists on another channel');
      }
    }
  };

  const usage: AccountStore['usage'] = async (accountId) => {
    const rows = await users
      .aggregate<{
        _id: string;
        users: number;
        inbound: number;
        outbound: number;
        last?: Date | null;
        first?: Date | null;
        waba?: string | null;
      }>([
        ...(accountId ? [{ $match: { accountId } }] : []),
        {
          $group: {
            _id: '$accountId',
            users: { $sum: { $cond: [{ $gt: ['$erasedAt', null] }, 0, 1] } },
            inbound: { $sum: '$counters.inboundMessages' },
            outbound: { $sum: '$counters.outboundMessages' },
            last: { $max: '$lastInteractionAt' },
            first: { $min: '$createdAt' },
            waba: { $max: '$wabaId' },
          },
        },
      ])
      .toArray();
    return rows.map((r): AccountUsage => ({
      accountId: r._id,
      users: r.users,
      inboundMessages: r.inbound,
      outboundMessages: r.outbound,
      lastActivityAt: r.last ?? undefined,
      firstSeenAt: r.first ?? undefined,
      wabaId: r.waba ?? '',
    }));
  };

  return {
    noteDeliveries,
    noteError,
    find,
    cached,
    upsert,
    list: () => accounts.find().toArray(),
    usage,
  };
}
