// The whole ingest pipeline for one test file: profiles and ingest as built processes on their
// own database and queue prefix, the webhook queue to watch, and a profiles client to read back.
import { requireEnv, testMongoUrl, uniqueName } from '@ue/testing';
import { Queue } from 'bullmq';
import {
  AGENT_TOKEN,
  ingestEnv,
  startIngest,
  startProfiles,
  type Ingest,
  type Profiles,
} from './helpers.js';
import { testProfilesClient, type TestProfilesClient } from './profiles-client.js';

export interface Pipeline {
  profiles: Profiles;
  ingest: Ingest;
  queue: Queue;
  client: TestProfilesClient;
  prefix: string;
  stop(): Promise<void>;
}

/** `extra` overrides ingest's test environment (batch window, attempts, retry delays). */
export async function startPipeline(
  label: string,
  extra: Record<string, string> = {},
): Promise<Pipeline> {
  const redisUrl = requireEnv('REDIS_URL');
  const prefix = uniqueName(label);
  const profiles = await startProfiles({ mongoUrl: testMongoUrl(label), redisUrl, prefix });
  const ingest = await startIngest(
    ingestEnv({ redisUrl, prefix, profilesAddr: profiles.addr, extra }),
  );
  const queue = new Queue('webhooks', { connection: { url: redisUrl }, prefix });
  const client = testProfilesClient(profiles.addr, AGENT_TOKEN);
  return {
    profiles,
    ingest,
    queue,
    client,
    prefix,
    async stop() {
      client.close();
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      await ingest.proc.stop();
      await profiles.proc.stop();
    },
  };
}
