import { describe, expect, it } from 'vitest';
import type { Collection } from 'mongodb';
import { createKeyedLock, serializeWrites } from './serialize.js';

describe('keyed lock', () => {
  it('runs work on one key strictly one after another, other keys in parallel', async () => {
    const lock = createKeyedLock();
    const log: string[] = [];
    const step = (key: string, name: string, ms: number) =>
      lock(key, async () => {
        log.push(`${name}:start`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`${name}:end`);
      });
    await Promise.all([step('a', 'a1', 20), step('a', 'a2', 1), step('b', 'b1', 5)]);
    expect(log.indexOf('a1:end')).toBeLessThan(log.indexOf('a2:start'));
    expect(log.indexOf('b1:end')).toBeLessThan(log.indexOf('a1:end'));
  });

  it('keeps going after a failure', async () => {
    const lock = createKeyedLock();
    await expect(lock('k', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(lock('k', () => Promise.resolve(42))).resolves.toBe(42);
  });
});

describe('serializeWrites against FerretDB (guards in-process)', () => {
  function fakeCollection(doc: Record<string, unknown> | null) {
    const calls: { op: string; filter: unknown }[] = [];
    const col = {
      collectionName: 'users',
      findOne: (filter: unknown) => {
        calls.push({ op: 'findOne', filter });
        return Promise.resolve(doc);
      },
      updateOne: (filter: unknown) => {
        calls.push({ op: 'updateOne', filter });
        return Promise.resolve({ matchedCount: 1, modifiedCount: 1 });
      },
    };
    return { col: col as unknown as Collection<{ _id: string; [k: string]: unknown }>, calls };
  }
  const ferret = () => Promise.resolve(true);

  it('reads by _id, checks the guard, and updates by pure _id only when it holds', async () => {
    const { col, calls } = fakeCollection({ _id: 'u1', nameAt: new Date(10) });
    const users = serializeWrites(col, createKeyedLock(), ferret);
    const hit = await users.updateOne(
      { _id: 'u1', nameAt: { $lte: new Date(20) } },
      { $set: { a: 1 } },
    );
    expect(hit.modifiedCount).toBe(1);
    const miss = await users.updateOne(
      { _id: 'u1', nameAt: { $lte: new Date(5) } },
      { $set: { a: 1 } },
    );
    expect(miss.matchedCount).toBe(0);
    expect(calls).toEqual([
      { op: 'findOne', filter: { _id: 'u1' } },
      { op: 'updateOne', filter: { _id: 'u1' } },
      { op: 'findOne', filter: { _id: 'u1' } },
    ]);
  });

  it('sends unknown guards, upserts and MongoDB updates unchanged', async () => {
    const { col, calls } = fakeCollection({ _id: 'u1' });
    await serializeWrites(col, createKeyedLock(), ferret).updateOne(
      { _id: 'u1', tags: { $in: ['x'] } },
      { $set: { a: 1 } },
    );
    await serializeWrites(col, createKeyedLock(), ferret).updateOne(
      { _id: 'u1', a: 1 },
      { $set: { a: 1 } },
      { upsert: true },
    );
    await serializeWrites(col, createKeyedLock(), () => Promise.resolve(false)).updateOne(
      { _id: 'u1', a: 1 },
      { $set: { a: 1 } },
    );
    expect(calls.map((c) => c.filter)).toEqual([
      { _id: 'u1' },
      { _id: 'u1', tags: { $in: ['x'] } },
      { _id: 'u1', a: 1 },
      { _id: 'u1', a: 1 },
    ]);
  });

  it('matches nothing when the document does not exist', async () => {
    const { col, calls } = fakeCollection(null);
    const res = await serializeWrites(col, createKeyedLock(), ferret).updateOne(
      { _id: 'u9', a: 1 },
      { $set: { a: 1 } },
    );
    expect(res.matchedCount).toBe(0);
    expect(calls.map((c) => c.op)).toEqual(['findOne']);
  });
});
