// The built profiles service as a real process (dist/main.js) on free ports, for tests that need
// more than one of them on one database, or one to kill.
import { fileURLToPath } from 'node:url';
import { createProfilesClient } from '@ue/profiles-client';
import type { ProfilesServiceClient } from '@ue/proto';
import { freePort, requireEnv, startProcess, type RunningProcess } from '@ue/testing';
import { TOKEN } from './harness.js';

export const PROFILES_ENTRY = fileURLToPath(new URL('../dist/main.js', import.meta.url));

export interface ProfilesProcess {
  client: ProfilesServiceClient;
  proc: RunningProcess;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Start one profiles process on `mongoUrl`; processes given one label share stream and queue. */
export async function startProfilesProcess(
  mongoUrl: string,
  label: string,
): Promise<ProfilesProcess> {
  const port = await freePort();
  const metricsPort = await freePort();
  const proc = await startProcess(
    PROFILES_ENTRY,
    {
      MONGO_URL: mongoUrl,
      REDIS_URL: requireEnv('REDIS_URL'),
      PROFILES_TOKENS: `carol:${TOKEN}`,
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      LOG_LEVEL: 'warn',
      EVENTS_STREAM: `${label}_events`,
      BULLMQ_PREFIX: `${label}_bull`,
    },
    async () => (await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).ok,
  );
  const client = createProfilesClient({ addr: `127.0.0.1:${port}`, token: TOKEN }).raw;
  return {
    client,
    proc,
    async stop(signal) {
      client.close();
      return proc.stop(signal);
    },
  };
}
