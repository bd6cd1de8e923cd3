// Server-side sessions in Redis: the cookie holds only a random id (signed), so logout and
// expiry are real. Each read slides the expiry forward.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface Session {
  id: string;
  adminId: string;
  email: string;
  name: string;
  /** Synchronizer CSRF token for this session. */
  csrf: string;
  createdAt: string;
}

export interface SessionStore {
  create(admin: { id: string; email: string; name: string }): Promise<Session>;
  /** The session, with its expiry extended; undefined when unknown or expired. */
  touch(id: string): Promise<Session | undefined>;
  destroy(id: string): Promise<void>;
}

export function createSessionStore(
  redis: Redis,
  ttlSeconds: number,
  prefix = 'ue:bff:',
): SessionStore {
  const key = (id: string): string => `${prefix}session:${id}`;
  return {
    async create(admin) {
      const session: Session = {
        id: randomBytes(32).toString('base64url'),
        adminId: admin.id,
        email: admin.email,
        name: admin.name,
        csrf: randomBytes(32).toString('base64url'),
        createdAt: new Date().toISOString(),
      };
      await redis.set(key(session.id), JSON.stringify(session), 'EX', ttlSeconds);
      return session;
    },
    async touch(id) {
      if (!/^[A-Za-z0-9_-]{20,100}$/.test(id)) return undefined;
      const raw = await redis.getex(key(id), 'EX', ttlSeconds);
      return raw ? (JSON.parse(raw) as Session) : undefined;
    },
    async destroy(id) {
      await redis.del(key(id));
    },
  };
}
