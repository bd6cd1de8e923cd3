import { uniqueName, withDatabase } from './urls.js';

/** A variable that global-setup must have provided; a clear failure if it did not. */
export function requireEnv(name: 'MONGO_URL' | 'REDIS_URL'): string {
  const v = process.env[name];
  if (!v)
    throw new Error(`${name} is not set: integration tests need the int project's global-setup`);
  return v;
}

/** MONGO_URL pointing at a fresh database for one test file. */
export function testMongoUrl(label: string): string {
  return withDatabase(requireEnv('MONGO_URL'), uniqueName(label));
}
