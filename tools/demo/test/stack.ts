// profiles and ingest as built child processes on free ports, for running the demo against
// them as an outsider would (webhooks over HTTP, gRPC with an agent token).
import { createRequire } from 'node:module';
import { freePort, startProcess, startProfilesService, type RunningProcess } from '@ue/testing';

const require = createRequire(import.meta.url);

export const AGENT_TOKEN = 'tok-agent-0123456789';
export const APP_SECRET = 'demo-test-app-secret';
const INGEST_TOKEN = 'tok-ingest-0123456789';
const VERIFY_TOKEN = 'verify-me';

export interface Stack {
  profilesAddr: string;
  ingestUrl: string;
  stop(): Promise<void>;
}

const startProfiles = (o: { mongoUrl: string; redisUrl: string; prefix: string }) =>
  startProfilesService({
    ...o,
    entry: require.resolve('@ue/profiles'),
    tokens: `ingest:${INGEST_TOKEN},carol:${AGENT_TOKEN}`,
  });

async function startIngest(o: { redisUrl: string; prefix: string; profilesAddr: string }) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = await startProcess(
    require.resolve('@ue/ingest'),
    {
      REDIS_URL: o.redisUrl,
      PROFILES_ADDR: o.profilesAddr,
      PROFILES_TOKEN: INGEST_TOKEN,
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
      WHATSAPP_ACCESS_TOKEN: 'unused-in-this-test',
      WHATSAPP_API_BASE_URL: 'http://127.0.0.1:9',
      BULLMQ_PREFIX: o.prefix,
      WEBHOOK_BATCH_WINDOW_MS: '30',
      RETRY_BASE_MS: '200',
      RETRY_MAX_MS: '1000',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
    },
    { check: async () => (await fetch(`${url}/healthz`)).status === 200, timeoutMs: 40_000 },
  );
  return { url, proc };
}

export async function startStack(o: {
  mongoUrl: string;
  redisUrl: string;
  prefix: string;
}): Promise<Stack> {
  const procs: RunningProcess[] = [];
  const stop = async (): Promise<void> => {
    for (const p of procs.reverse()) await p.stop();
  };
  try {
    const profiles = await startProfiles(o);
    procs.push(profiles.proc);
    const ingest = await startIngest({ ...o, profilesAddr: profiles.addr });
    procs.push(ingest.proc);
    return { profilesAddr: profiles.addr, ingestUrl: ingest.url, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** One counter of ingest's Prometheus text, summed over its labels. */
export async function ingestMetric(ingestUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${ingestUrl}/metrics`)).text();
  if (!text.includes(`# TYPE ${name} `)) throw new Error(`ingest exports no metric ${name}`);
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}
