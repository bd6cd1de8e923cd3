// vitest globalSetup for *.int.test.ts: make real servers available before any test file runs.
// Workers are started after this returns, so they inherit MONGO_URL and REDIS_URL.
import { provideServers } from './servers.js';

export default async function setup(): Promise<() => Promise<void>> {
  const servers = await provideServers();
  process.env.MONGO_URL = servers.mongoUrl;
  process.env.REDIS_URL = servers.redisUrl;
  return () => servers.stop();
}
