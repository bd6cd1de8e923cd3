// Per-document write serialization. FerretDB 1.x applies update operators as read-modify-write
// inside the proxy, so two concurrent updates of one document can lose one another (measured:
// 30 concurrent $inc ended at 2). Profiles is the only writer of its database, so it serializes
// writes addressed to one document (_id) in-process; on real MongoDB the same operators are atomic
// on their own and this costs only a promise chain. See docs/adr/0005-profiles-write-serialization.md.
import type { Collection, Document } from 'mongodb';

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

const WRITES = new Set(['updateOne', 'findOneAndUpdate', 'replaceOne', 'deleteOne', 'findOneAndDelete', 'insertOne']);

function keyOf(args: unknown[]): string | undefined {
  const first = args[0] as { _id?: unknown } | undefined;
  const id = first?._id;
  return typeof id === 'string' ? id : undefined;
}

/** The collection with every single-document write on a string _id serialized per document. */
export function serializeWrites<T extends Document>(col: Collection<T>, lock: KeyedLock): Collection<T> {
  return new Proxy(col, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof prop !== 'string' || !WRITES.has(prop) || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const key = keyOf(args);
        const invoke = () => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        return key === undefined ? invoke() : lock(`${target.collectionName}:${key}`, invoke);
      };
    },
  });
}
