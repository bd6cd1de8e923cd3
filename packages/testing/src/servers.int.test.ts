import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { requireEnv, testMongoUrl } from './env.js';

describe('backing servers from global-setup', () => {
  const mongo = new MongoClient(testMongoUrl('harness'), { serverSelectionTimeoutMS: 5000 });
  const redis = new Redis(requireEnv('REDIS_URL'), { lazyConnect: true, maxRetriesPerRequest: 1 });
  afterAll(async () => {
    await mongo
      .db()
      .dropDatabase()
      .catch(() => undefined);
    await mongo.close();
    redis.disconnect();
  });

  it('speaks the MongoDB wire protocol and keeps what it is given', async () => {
    const coll = mongo.db().collection<{ _id: string; n: number }>('probe');
    await coll.insertOne({ _id: 'a', n: 1 });
    await coll.updateOne({ _id: 'a' }, { $inc: { n: 2 } });
    expect(await coll.findOne({ _id: 'a' })).toEqual({ _id: 'a', n: 3 });
  });

  it('is a real Redis', async () => {
    await redis.connect();
    const key = `probe:${Date.now()}`;
    expect(await redis.incr(key)).toBe(1);
    expect(await redis.incr(key)).toBe(2);
    await redis.del(key);
  });
});
