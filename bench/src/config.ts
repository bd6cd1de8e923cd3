// The harness's settings: the environment is read here and nowhere else (validated with zod;
// a bad value stops the run with a message naming it). ./dev bench passes them through.
//
//   BENCH_ROOT             checkout whose built services/*/dist/main.js are measured (default: this
//                          repository); build it first (npm ci && npm run build in that checkout)
//   BENCH_RUNS             runs per figure; every figure is the median of the runs (default 3)
//   BENCH_ONLY             comma-separated subset of accept,e2e,lookups,pages,resources,review,media
//                          (default all)
//   BENCH_MEDIA_IMAGES     1 MiB images fetched and stored in one run of scenario 7 (default 200)
//   BENCH_WRITE_DOC        1: replace the generated block in docs/BENCHMARKS.md; 0: stdout only (default 1)
//   BENCH_CONNECTIONS      HTTP connections of the webhook posters (default 20)
//   BENCH_ACCEPT_SECONDS   duration of one webhook-accept run (default 10)
//   BENCH_E2E_SECONDS      posting time of one end-to-end throughput run (default 60)
//   BENCH_LATENCY_SECONDS  duration of one receipt-to-stored latency run at 200 messages/s (default 30)
//   BENCH_SECONDS          duration of one lookup run, closed and open loop each (default 10)
//   BENCH_PAGE_SIZES       data sizes for pages and search, users:messages,... (default
//                          10000:100000,100000:1000000), ascending; each size tops up the last
//   BENCH_PAGE_CALLS       sequential calls per page query and size (default 200)
//   BENCH_STEADY_SECONDS   steady load of the memory check (default 300)
//   BENCH_STEADY_RATE      webhooks/s of that load, within what the pipeline stores (default 100)
//   BENCH_LOG_DIR          keep the services' output there after the run (default: not kept)
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const SCENARIOS = [
  'accept',
  'e2e',
  'lookups',
  'pages',
  'resources',
  'review',
  'media',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface PageSize {
  users: number;
  messages: number;
}

/** This repository (bench/src/config.ts is two levels below it). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

const count = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const pageSizes = z
  .string()
  .default('10000:100000,100000:1000000')
  .transform((v, ctx): PageSize[] => {
    const sizes = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((s) => {
        const m = /^(\d+):(\d+)$/.exec(s);
        return m ? { users: Number(m[1]), messages: Number(m[2]) } : undefined;
      });
    const ok = sizes.every((s): s is PageSize => s !== undefined && s.users >= 100);
    const ascending = sizes.every((s, i) => i === 0 || s!.users >= sizes[i - 1]!.users);
    if (!ok || sizes.length === 0 || !ascending) {
      ctx.addIssue({
        code: 'custom',
        message: 'users:messages,... ascending, at least 100 users each (e.g. 10000:100000)',
      });
      return z.NEVER;
    }
    return sizes;
  });

const only = z
  .string()
  .default(SCENARIOS.join(','))
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(SCENARIOS)).min(1));

const schema = z.object({
  BENCH_ROOT: z.string().min(1).default(REPO_ROOT),
  BENCH_RUNS: count(3),
  BENCH_ONLY: only,
  BENCH_WRITE_DOC: z.enum(['0', '1']).default('1'),
  BENCH_CONNECTIONS: count(20),
  BENCH_ACCEPT_SECONDS: count(10),
  BENCH_E2E_SECONDS: count(60),
  BENCH_LATENCY_SECONDS: count(30),
  BENCH_SECONDS: count(10),
  BENCH_PAGE_SIZES: pageSizes,
  BENCH_PAGE_CALLS: count(200),
  BENCH_STEADY_SECONDS: count(300),
  BENCH_STEADY_RATE: count(100),
  BENCH_LOG_DIR: z.string().min(1).optional(),
  NODE_OPTIONS: z.string().optional(),
  // The local review model (scripts/lib.sh exports it; scenario 6).
  UE_MODEL_PATH: z.string().min(1).optional(),
  BENCH_REVIEW_SECONDS: count(180),
  BENCH_MEDIA_IMAGES: count(200),
});

export interface BenchConfig {
  root: string;
  runs: number;
  only: ScenarioName[];
  writeDoc: boolean;
  connections: number;
  acceptSeconds: number;
  e2eSeconds: number;
  latencySeconds: number;
  seconds: number;
  pageSizes: PageSize[];
  pageCalls: number;
  steadySeconds: number;
  steadyRate: number;
  logDir?: string;
  /** The harness's own NODE_OPTIONS (e.g. --cpu-prof), passed on to the services it starts. */
  nodeOptions?: string;
  modelPath?: string;
  /** How long scenario 6 lets the local model review before counting reviews per minute. */
  reviewSeconds: number;
  /** Images of 1 MiB per fetch-and-store run of scenario 7. */
  mediaImages: number;
}

export function loadBenchConfig(source: NodeJS.ProcessEnv = process.env): Readonly<BenchConfig> {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`bad benchmark settings:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return Object.freeze({
    root: resolve(e.BENCH_ROOT),
    runs: e.BENCH_RUNS,
    only: e.BENCH_ONLY,
    writeDoc: e.BENCH_WRITE_DOC === '1',
    connections: e.BENCH_CONNECTIONS,
    acceptSeconds: e.BENCH_ACCEPT_SECONDS,
    e2eSeconds: e.BENCH_E2E_SECONDS,
    latencySeconds: e.BENCH_LATENCY_SECONDS,
    seconds: e.BENCH_SECONDS,
    pageSizes: e.BENCH_PAGE_SIZES,
    pageCalls: e.BENCH_PAGE_CALLS,
    steadySeconds: e.BENCH_STEADY_SECONDS,
    steadyRate: e.BENCH_STEADY_RATE,
    ...(e.BENCH_LOG_DIR ? { logDir: resolve(e.BENCH_LOG_DIR) } : {}),
    ...(e.NODE_OPTIONS ? { nodeOptions: e.NODE_OPTIONS } : {}),
    ...(e.UE_MODEL_PATH ? { modelPath: e.UE_MODEL_PATH } : {}),
    reviewSeconds: e.BENCH_REVIEW_SECONDS,
    mediaImages: e.BENCH_MEDIA_IMAGES,
  });
}

/** What the baseline receiver process (baseline/receiver.ts) is started with. */
export interface ReceiverConfig {
  port: number;
  redisUrl: string;
  secret: string;
  listKey: string;
}

const receiverSchema = z.object({
  RECEIVER_PORT: z.coerce.number().int().min(1).max(65535),
  RECEIVER_REDIS_URL: z.string().startsWith('redis://'),
  RECEIVER_APP_SECRET: z.string().min(8),
  RECEIVER_LIST_KEY: z.string().min(1),
});

export function loadReceiverConfig(source: NodeJS.ProcessEnv = process.env): ReceiverConfig {
  const e = receiverSchema.parse(source);
  return {
    port: e.RECEIVER_PORT,
    redisUrl: e.RECEIVER_REDIS_URL,
    secret: e.RECEIVER_APP_SECRET,
    listKey: e.RECEIVER_LIST_KEY,
  };
}

/** The receiver's environment, from the same names loadReceiverConfig reads. */
export function receiverEnv(c: ReceiverConfig): Record<string, string> {
  return {
    RECEIVER_PORT: String(c.port),
    RECEIVER_REDIS_URL: c.redisUrl,
    RECEIVER_APP_SECRET: c.secret,
    RECEIVER_LIST_KEY: c.listKey,
  };
}
