// profiles and ingest as built processes on this suite's servers, started and killed like an
// orchestrator would (SIGKILL for a crash).
import { createRequire } from 'node:module';
import { startProcess, startProfilesService, type RunningProcess } from '@ue/testing';

const require = createRequire(import.meta.url);

export const APP_SECRET = 'reliability-app-secret';
export const AGENT_TOKEN = 'tok-agent-0123456789';
const INGEST_TOKEN = 'tok-ingest-0123456789';

export interface Service {
  url: string;
  proc: RunningProcess;
}

/** What both services of one run share: the database, Redis and the queue/stream prefix. */
export interface Wiring {
  mongoUrl: string;
  redisUrl: string;
  prefix: string;
}

export async function startProfiles(w: Wiring, port: number): Promise<Service> {
  const p = await startProfilesService({
    entry: require.resolve('@ue/profiles'),
    mongoUrl: w.mongoUrl,
    redisUrl: w.redisUrl,
    prefix: w.prefix,
    tokens: `ingest:${INGEST_TOKEN},carol:${AGENT_TOKEN}`,
    port,
    env: { LOG_LEVEL: 'error' },
  });
  return { url: p.addr, proc: p.proc };
}

export async function startIngest(w: Wiring, o: { port: number; profiles: string }) {
  const url = `http://127.0.0.1:${o.port}`;
  const proc = await startProcess(
    require.resolve('@ue/ingest'),
    {
      REDIS_URL: w.redisUrl,
      PROFILES_ADDR: o.profiles,
      PROFILES_TOKEN: INGEST_TOKEN,
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_VERIFY_TOKEN: 'verify',
      WHATSAPP_ACCESS_TOKEN: 'unused-in-this-suite',
      WHATSAPP_API_BASE_URL: 'http://127.0.0.1:9',
      BULLMQ_PREFIX: w.prefix,
      WEBHOOK_BATCH_WINDOW_MS: '20',
      RETRY_BASE_MS: '200',
      RETRY_MAX_MS: '2000',
      PROFILES_DEADLINE_MS: '10000',
      HOST: '127.0.0.1',
      PORT: String(o.port),
      LOG_LEVEL: 'error',
    },
    { check: async () => (await fetch(`${url}/healthz`)).status === 200, timeoutMs: 60_000 },
  );
  return { url, proc };
}
