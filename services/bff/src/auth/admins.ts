// Admin accounts live in Redis (the bff may not use MongoDB; profiles owns it). Passwords are
// hashed with argon2id (memory-hard); the hash string carries its own parameters and salt.
import { randomUUID } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Redis } from 'ioredis';

export interface Admin {
  id: string;
  email: string;
  name: string;
}

export interface AdminStore {
  create(email: string, password: string, name?: string): Promise<Admin>;
  /** The admin when email and password match; undefined otherwise (same work either way). */
  verify(email: string, password: string): Promise<Admin | undefined>;
  get(id: string): Promise<Admin | undefined>;
  count(): Promise<number>;
}

const ARGON = {
  algorithm: 2 /* Argon2id (a const enum upstream) */,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
} as const;
// Verified against when the email is unknown, so timing does not reveal which emails exist.
let dummyHash: Promise<string> | undefined;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function createAdminStore(redis: Redis, prefix = 'ue:bff:'): AdminStore {
  const byEmail = (email: string): string => `${prefix}admin:email:${normaliseEmail(email)}`;
  const byId = (id: string): string => `${prefix}admin:id:${id}`;
  const index = `${prefix}admins`;

  return {
    async create(email, password, name) {
      if (password.length < 12) throw new Error('password must be at least 12 characters');
      const admin: Admin = {
        id: randomUUID(),
        email: normaliseEmail(email),
        name: name?.trim() || normaliseEmail(email),
      };
      const passwordHash = await hash(password, ARGON);
      const created = await redis.hsetnx(byEmail(email), 'id', admin.id);
      if (!created) throw new Error(`an admin with email ${admin.email} already exists`);
      await redis
        .multi()
        .hset(byEmail(email), {
          id: admin.id,
          email: admin.email,
          name: admin.name,
          hash: passwordHash,
        })
        .hset(byId(admin.id), { id: admin.id, email: admin.email, name: admin.name })
        .sadd(index, admin.id)
        .exec();
      return admin;
    },
    async verify(email, password) {
      const row = await redis.hgetall(byEmail(email));
      if (!row.hash || !row.id) {
        dummyHash ??= hash('not-a-real-password-000', ARGON);
        await verify(await dummyHash, password).catch(() => false);
        return undefined;
      }
      const ok = await verify(row.hash, password).catch(() => false);
      return ok ? { id: row.id, email: row.email ?? '', name: row.name ?? '' } : undefined;
    },
    async get(id) {
      const row = await redis.hgetall(byId(id));
      return row.id ? { id: row.id, email: row.email ?? '', name: row.name ?? '' } : undefined;
    },
    count: () => redis.scard(index),
  };
}
