// Pure helpers to derive per-test-file names from the shared server URLs.
import { randomBytes } from 'node:crypto';

/** A short unique name, safe as a MongoDB database name or a BullMQ prefix. */
export function uniqueName(label: string): string {
  const clean = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 24);
  return `t_${clean || 'x'}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

/** The same server URL with another database name in its path (query kept). */
export function withDatabase(mongoUrl: string, database: string): string {
  const u = new URL(mongoUrl);
  u.pathname = `/${database}`;
  return u.toString();
}

/** The database named in a MongoDB URL's path, or undefined. */
export function databaseOf(mongoUrl: string): string | undefined {
  const name = decodeURIComponent(new URL(mongoUrl).pathname.replace(/^\//, ''));
  return name === '' ? undefined : name;
}
