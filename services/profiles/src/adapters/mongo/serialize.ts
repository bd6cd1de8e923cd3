// Per-document write serialization. FerretDB 1.x applies update operators as read-modify-write
// inside the proxy, so two concurrent updates of one document can lose one another (measured:
// 30 concurrent $inc ended at 2). Profiles is the only writer of its database, so it serializes
// writes addressed to one document (_id) in-process; on real MongoDB the same operators are atomic
// on their own and this costs only a promise chain. See docs/adr/0005-profiles-write-serialization.md.
import type { Collection, Db, Document, Filter } from 'mongodb';
import { matchesFilter } from './guard.js';

export type KeyedLock = <T>(key: string, fn: () => Promise<T>) => Promise<T>;

export function createKeyedLock(): KeyedLock {
  const tails = new Map<string, Promise<unknown>>();
  return async (key, fn) => {
    const prev = tails.get(key) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}

const WRITES = new Set([
  'updateOne',
  'findOneAndUpdate',
  'replaceOne',
  'deleteOne',
  'findOneAndDelete',
  'insertOne',
]);

function keyOf(args: unknown[]): string | undefined {
  const first = args[0] as { _id?: unknown } | undefined;
  const id = first?._id;
  return typeof id === 'string' ? id : undefined;
}

/**
 * Against FerretDB (`guardInProcess` resolves true): an `updateOne({_id, ...guard}, update)` without
 * upsert is run as "read the document by _id, evaluate the guard in-process, then
 * updateOne({_id}, update)" while holding that document's write lock, because FerretDB evaluates
 * any filter other than exactly {_id} by decoding the whole collection (ADR 0004, 0006). The lock
 * makes it equivalent to the guarded update as long as one profiles instance writes (required with
 * FerretDB anyway, ADR 0005). Guards this module cannot evaluate are sent unchanged.
 */
export type GuardMode = () => Promise<boolean>;

const NO_MATCH = {
  acknowledged: true,
  matchedCount: 0,
  modifiedCount: 0,
  upsertedCount: 0,
  upsertedId: null,
};

/** The collection with every single-document write on a string _id serialized per document. */
export function serializeWrites<T extends Document>(
  col: Collection<T>,
  lock: KeyedLock,
  guardInProcess?: GuardMode,
): Collection<T> {
  return new Proxy(col, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof prop !== 'string' || !WRITES.has(prop) || typeof value !== 'function')
        return value;
      return (...args: unknown[]) => {
        const key = keyOf(args);
        const invoke = () => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        if (key === undefined) return invoke();
        const lockKey = `${target.collectionName}:${key}`;
        if (prop !== 'updateOne' || !guardInProcess) return lock(lockKey, invoke);
        const { _id, ...guard } = args[0] as { _id: string } & Document;
        const options = args[2] as { upsert?: boolean } | undefined;
        if (Object.keys(guard).length === 0 || options?.upsert) return lock(lockKey, invoke);
        return guardInProcess().then((inProcess) =>
          !inProcess
            ? lock(lockKey, invoke)
            : lock(lockKey, async () => {
                const doc = await target.findOne({ _id } as Filter<T>);
                if (!doc) return NO_MATCH;
                const ok = matchesFilter(doc, guard);
                if (ok === undefined) return invoke();
                if (!ok) return NO_MATCH;
                return (value as (...a: unknown[]) => Promise<unknown>).apply(target, [
                  { _id },
                  ...args.slice(1),
                ]);
              }),
        );
      };
    },
  });
}

/** True when the server is FerretDB (its buildInfo carries ferretdbVersion); asked once. */
export function ferretDbDetector(db: Db): GuardMode {
  let answer: Promise<boolean> | undefined;
  return () => {
    answer ??= db
      .admin()
      .command({ buildInfo: 1 })
      .then((r: Document) => typeof r['ferretdbVersion'] === 'string')
      .catch((e: unknown) => {
        answer = undefined; // ask again next time (server down)
        throw e;
      });
    return answer;
  };
}
