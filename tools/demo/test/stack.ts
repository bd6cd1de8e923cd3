// profiles and ingest as built child processes on free ports, for running the demo against
// them as an outsider would (webhooks over HTTP, gRPC with an agent token).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { freePort, startProcess, startProfilesService, type RunningProcess } from '@ue/testing';

const require = createRequire(import.meta.url);

export const AGENT_TOKEN = 'tok-agent-0123456789';
export const APP_SECRET = 'demo-test-app-secret';
const INGEST_TOKEN = 'tok-ingest-0123456789';
const VERIFY_TOKEN = 'verify-me';
const ACCESS_TOKEN = 'demo-test-access-token';
// The demo's Page and Instagram account (src/channels.ts), as ./dev sets them.
const META_TOKENS = {
  MESSENGER_PAGE_TOKENS: '1029384756:demo-test-page-token',
  INSTAGRAM_TOKENS: '17841400000000001:demo-test-instagram-token',
};
const SANDBOX = fileURLToPath(new URL('../../../scripts/provider-sandbox.mjs', import.meta.url));

export interface Stack {
  profilesAddr: string;
  ingestUrl: string;
  /** The sandbox's origin (its Meta CDN stand-in serves Messenger / Instagram files). */
  sandboxUrl: string;
  stop(): Promise<void>;
}

const startProfiles = (o: { mongoUrl: string; redisUrl: string; prefix: string }) =>
  startProfilesService({
    ...o,
    entry: require.resolve('@ue/profiles'),
    tokens: `ingest:${INGEST_TOKEN},carol:${AGENT_TOKEN}`,
  });

/** The dev provider sandbox (./dev up runs it): serves the demo's media files. */
async function startSandbox(
  ingestUrl: string,
): Promise<{ apiUrl: string; origin: string; proc: RunningProcess }> {
  const port = await freePort();
  const proc = await startProcess(
    SANDBOX,
    {
      SANDBOX_PORT: String(port),
      INGEST_URL: ingestUrl,
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN,
      ...META_TOKENS,
    },
    async () =>
      (
        await fetch(`http://127.0.0.1:${port}/v24.0/9100000000000001`, {
          headers: { authorization: `Bearer ${ACCESS_TOKEN}` },
        })
      ).status === 200,
  );
  return { apiUrl: `http://127.0.0.1:${port}/v24.0`, origin: `http://127.0.0.1:${port}`, proc };
}

async function startIngest(o: {
  redisUrl: string;
  prefix: string;
  profilesAddr: string;
  port: number;
  apiUrl: string;
}) {
  const port = o.port;
  const url = `http://127.0.0.1:${port}`;
  const proc = await startProcess(
    require.resolve('@ue/ingest'),
    {
      REDIS_URL: o.redisUrl,
      PROFILES_ADDR: o.profilesAddr,
      PROFILES_TOKEN: INGEST_TOKEN,
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
      WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN,
      WHATSAPP_API_BASE_URL: o.apiUrl,
      ...META_TOKENS,
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
    const port = await freePort();
    const sandbox = await startSandbox(`http://127.0.0.1:${port}`);
    procs.push(sandbox.proc);
    const ingest = await startIngest({
      ...o,
      profilesAddr: profiles.addr,
      port,
      apiUrl: sandbox.apiUrl,
    });
    procs.push(ingest.proc);
    return {
      profilesAddr: profiles.addr,
      ingestUrl: ingest.url,
      sandboxUrl: sandbox.origin,
      stop,
    };
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
