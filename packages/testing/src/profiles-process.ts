// The built profiles service as a child process on free ports, for tests that drive it (and
// what calls it) from outside: ready once its /healthz answers 200.
import { freePort } from './servers.js';
import { startProcess, type RunningProcess } from './process.js';

export interface ProfilesService {
  /** host:port of its gRPC server. */
  addr: string;
  port: number;
  /** Port of its /healthz and /metrics. */
  metricsPort: number;
  proc: RunningProcess;
}

export interface ProfilesServiceOptions {
  /** The caller resolves it (`createRequire(import.meta.url).resolve('@ue/profiles')`). */
  entry: string;
  mongoUrl: string;
  redisUrl: string;
  /** BullMQ prefix and event-stream name of this run. */
  prefix: string;
  /** PROFILES_TOKENS, e.g. `ingest:<token>,carol:<token>`. */
  tokens: string;
  /** A fixed gRPC port, for a restart on the same address. */
  port?: number;
  env?: Record<string, string>;
}

export async function startProfilesService(o: ProfilesServiceOptions): Promise<ProfilesService> {
  const port = o.port ?? (await freePort());
  const metricsPort = await freePort();
  const proc = await startProcess(
    o.entry,
    {
      MONGO_URL: o.mongoUrl,
      REDIS_URL: o.redisUrl,
      PROFILES_TOKENS: o.tokens,
      HOST: '127.0.0.1',
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      BULLMQ_PREFIX: o.prefix,
      EVENTS_STREAM: `${o.prefix}:events`,
      LOG_LEVEL: 'warn',
      ...o.env,
    },
    {
      check: async () => (await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).status === 200,
      timeoutMs: 60_000,
    },
  );
  return { addr: `127.0.0.1:${port}`, port, metricsPort, proc };
}
