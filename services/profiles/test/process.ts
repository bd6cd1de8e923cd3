// The built profiles service as a real process (dist/main.js) on free ports, for tests that need
// more than one of them on one database, or one to kill.
import { fileURLToPath } from 'node:url';
import { createProfilesClient } from '@ue/profiles-client';
import type { ProfilesServiceClient } from '@ue/proto';
import { requireEnv, startProfilesService, type RunningProcess } from '@ue/testing';
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
  const { addr, proc } = await startProfilesService({
    entry: PROFILES_ENTRY,
    mongoUrl,
    redisUrl: requireEnv('REDIS_URL'),
    prefix: label,
    tokens: `carol:${TOKEN}`,
  });
  const client = createProfilesClient({ addr, token: TOKEN }).raw;
  return {
    client,
    proc,
    async stop(signal) {
      client.close();
      return proc.stop(signal);
    },
  };
}
