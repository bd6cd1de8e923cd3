// The throwaway stack of one harness run, shaped like the quick start's: Debian's redis-server
// (AOF on, fsync on every write, no RDB snapshots) and secantusd-rs (--cache-size 512M) in a
// temp folder, the built services of BENCH_ROOT as child processes on free loopback ports, and
// tokens and secrets generated for this run. Nothing of the dev stack (.data, ports 7202–7211)
// is touched. Every process and the folder are registered with the run's Cleanup.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  freePort,
  spawnSecantus,
  startProcess,
  startProfilesService,
  waitForPort,
  type RunningProcess,
} from '@ue/testing';
import { receiverEnv, type BenchConfig } from '../config.js';
import { log } from '../progress.js';
import type { Cleanup } from './cleanup.js';
import { inspectorUrl, withInspector } from './heap.js';
import { findChildPid } from './procfs.js';
import { startReaper, type Reaper } from './reaper.js';

export interface Secrets {
  appSecret: string;
  verifyToken: string;
  tokens: { ingest: string; bff: string; agent: string };
  sessionSecret: string;
  admin: { email: string; password: string };
}

export interface Service {
  name: string;
  port: number;
  /** `http://127.0.0.1:<port>` for HTTP services, `127.0.0.1:<port>` for profiles' gRPC. */
  addr: string;
  pid: number;
  /** Its Prometheus endpoint (profiles and ingest). */
  metricsUrl?: string;
  /** Its V8 inspector's WebSocket address (the Node services; loopback only), for heap readings. */
  inspector?: string;
  output(): string;
  stop(): Promise<void>;
}

export interface Server {
  name: string;
  port: number;
  pid: number;
}

export interface Stack {
  dir: string;
  secrets: Secrets;
  redis: Server;
  mongo: Server;
  /** redis://127.0.0.1:<port>/<db> */
  redisUrl(db?: number): string;
  /** mongodb://127.0.0.1:<port>/<db> */
  mongoUrl(db: string): string;
  /** The main pipeline: profiles on database "engagement", ingest with every role, bff. */
  profiles: Service;
  ingest: Service;
  bff: Service;
  /** Prefix of the main pipeline's queues and event stream. */
  prefix: string;
  startProfiles(o: { name: string; db: string; prefix: string }): Promise<Service>;
  startIngest(o: IngestOptions): Promise<Service>;
  startBff(o: { name: string; profiles: Service }): Promise<Service>;
  startReceiver(o: { name: string; redisDb: number; listKey: string }): Promise<Service>;
  /** The review service with the local model, as an internal agent of `profiles`. */
  startReview(o: { name: string; profiles: Service; modelPath: string }): Promise<Service>;
  /** Every service process currently running. */
  services(): Service[];
}

export interface IngestOptions {
  name: string;
  /** INGEST_ROLES, e.g. "http" (workers paused) or "http,webhook-worker,outbound-worker". */
  roles: string;
  redisDb: number;
  prefix: string;
  profiles: Service;
  /** WHATSAPP_API_BASE_URL (default: a discard port; scenario 7 runs a stand-in provider). */
  apiBaseUrl?: string;
}

const secret = (bytes = 24): string => randomBytes(bytes).toString('base64url');

function newSecrets(): Secrets {
  return {
    appSecret: secret(),
    verifyToken: secret(12),
    tokens: { ingest: secret(), bff: secret(), agent: secret() },
    sessionSecret: secret(32),
    admin: { email: 'bench@example.com', password: secret(18) },
  };
}

/** A free ephemeral loopback port, never one of the dev stack's. */
async function benchPort(): Promise<number> {
  for (;;) {
    const p = await freePort();
    if (p < 7202 || p > 7211) return p;
  }
}

function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

interface Ctx {
  config: Readonly<BenchConfig>;
  cleanup: Cleanup;
  dir: string;
  reaper: Reaper;
}

async function startRedis(ctx: Ctx): Promise<Server> {
  const port = await benchPort();
  const dir = join(ctx.dir, 'redis');
  mkdirSync(dir, { recursive: true });
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''];
  args.push('--appendonly', 'yes', '--appendfsync', 'always', '--daemonize', 'no');
  args.push('--maxmemory-policy', 'noeviction', '--loglevel', 'warning');
  args.push('--logfile', join(ctx.dir, 'redis.log'));
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  ctx.reaper.track(child.pid);
  ctx.cleanup.add('redis-server', () => stopChild(child));
  await waitForPort(port, 15_000);
  return { name: 'redis', port, pid: child.pid ?? 0 };
}

async function startMongo(ctx: Ctx): Promise<Server> {
  const port = await benchPort();
  const child = spawnSecantus({ port, dir: ctx.dir, cacheSize: '512M' });
  ctx.reaper.track(child.pid);
  ctx.cleanup.add('secantusd-rs', () => stopChild(child, 30_000));
  await waitForPort(port, 60_000);
  return { name: 'secantusd-rs', port, pid: child.pid ?? 0 };
}

function entryOf(root: string, service: string): string {
  const entry = join(root, 'services', service, 'dist', 'main.js');
  if (!existsSync(entry))
    throw new Error(`${entry} does not exist: build that checkout first (npm run build)`);
  return entry;
}

/** Wrap a started process: its pid from /proc, a stop registered with the cleanup. */
function adopt(
  ctx: Ctx & { running: Set<Service> },
  p: {
    name: string;
    port: number;
    addr: string;
    entry: string;
    marker: string;
    metricsUrl?: string;
  },
  proc: RunningProcess,
): Service {
  const pid = findChildPid({ entry: p.entry, marker: p.marker }) ?? 0;
  const inspector = inspectorUrl(proc.output());
  ctx.reaper.track(pid);
  const save = (): void => {
    if (ctx.config.logDir) {
      mkdirSync(ctx.config.logDir, { recursive: true });
      writeFileSync(join(ctx.config.logDir, `${p.name}.log`), proc.output());
    }
  };
  const svc: Service = {
    name: p.name,
    port: p.port,
    addr: p.addr,
    pid,
    ...(p.metricsUrl ? { metricsUrl: p.metricsUrl } : {}),
    ...(inspector ? { inspector } : {}),
    output: () => proc.output(),
    stop: async () => {},
  };
  const stop = ctx.cleanup.add(p.name, async () => {
    ctx.running.delete(svc);
    await proc.stop('SIGTERM');
    save();
  });
  svc.stop = stop;
  ctx.running.add(svc);
  return svc;
}

const RECEIVER = fileURLToPath(new URL('../baseline/receiver.ts', import.meta.url));

export async function provisionStack(o: {
  config: Readonly<BenchConfig>;
  cleanup: Cleanup;
}): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'ue-bench-'));
  o.cleanup.add('temp folder', () =>
    Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  );
  const ctx = { ...o, dir, reaper: startReaper(dir), running: new Set<Service>() };
  const secrets = newSecrets();
  const [redis, mongo] = await Promise.all([startRedis(ctx), startMongo(ctx)]);
  log(`redis on :${redis.port}, secantusd-rs on :${mongo.port}, data in ${dir}`);
  const redisUrl = (db = 0): string => `redis://127.0.0.1:${redis.port}/${db}`;
  const mongoUrl = (db: string): string => `mongodb://127.0.0.1:${mongo.port}/${db}`;
  const root = o.config.root;
  const tokens = secrets.tokens;

  const startProfiles: Stack['startProfiles'] = async (p) => {
    const entry = entryOf(root, 'profiles');
    const port = await benchPort();
    const s = await startProfilesService({
      entry,
      mongoUrl: mongoUrl(p.db),
      redisUrl: redisUrl(),
      prefix: p.prefix,
      tokens: `ingest:${tokens.ingest},bff:${tokens.bff},carol:${tokens.agent}`,
      port,
      env: { LOG_LEVEL: 'warn', NODE_OPTIONS: withInspector(o.config.nodeOptions) },
    });
    const addr = `127.0.0.1:${port}`;
    const metricsUrl = `http://127.0.0.1:${s.metricsPort}/metrics`;
    const marker = `PORT=${port}`;
    return adopt(ctx, { name: p.name, port, addr, entry, marker, metricsUrl }, s.proc);
  };

  const httpReady = (url: string) => ({
    check: async () => (await fetch(`${url}/healthz`)).status === 200,
    timeoutMs: 60_000,
  });

  const startIngest: Stack['startIngest'] = async (p) => {
    const entry = entryOf(root, 'ingest');
    const port = await benchPort();
    const addr = `http://127.0.0.1:${port}`;
    const env = {
      REDIS_URL: redisUrl(p.redisDb),
      PROFILES_ADDR: p.profiles.addr,
      PROFILES_TOKEN: tokens.ingest,
      WHATSAPP_APP_SECRET: secrets.appSecret,
      WHATSAPP_VERIFY_TOKEN: secrets.verifyToken,
      WHATSAPP_ACCESS_TOKEN: secret(),
      // Outbound is not benchmarked: nothing listens on the discard port. Media is fetched only
      // where the roles include media-worker (scenario 7, with its stand-in provider).
      WHATSAPP_API_BASE_URL: p.apiBaseUrl ?? 'http://127.0.0.1:9/v24.0',
      BULLMQ_PREFIX: p.prefix,
      INGEST_ROLES: p.roles,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      NODE_OPTIONS: withInspector(o.config.nodeOptions),
    };
    const proc = await startProcess(entry, env, httpReady(addr));
    const metricsUrl = `${addr}/metrics`;
    return adopt(
      ctx,
      { name: p.name, port, addr, entry, marker: `PORT=${port}`, metricsUrl },
      proc,
    );
  };

  const startBff: Stack['startBff'] = async (p) => {
    const entry = entryOf(root, 'bff');
    const port = await benchPort();
    const addr = `http://127.0.0.1:${port}`;
    const env = {
      REDIS_URL: redisUrl(),
      PROFILES_ADDR: p.profiles.addr,
      PROFILES_TOKEN: tokens.bff,
      SESSION_SECRET: secrets.sessionSecret,
      ADMIN_EMAIL: secrets.admin.email,
      ADMIN_PASSWORD: secrets.admin.password,
      REDIS_KEY_PREFIX: `bench:${p.name}:`,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      NODE_OPTIONS: withInspector(o.config.nodeOptions),
    };
    const proc = await startProcess(entry, env, httpReady(addr));
    return adopt(ctx, { name: p.name, port, addr, entry, marker: `PORT=${port}` }, proc);
  };

  const startReceiver: Stack['startReceiver'] = async (p) => {
    const port = await benchPort();
    const addr = `http://127.0.0.1:${port}`;
    const env = {
      ...receiverEnv({
        port,
        redisUrl: redisUrl(p.redisDb),
        secret: secrets.appSecret,
        listKey: p.listKey,
      }),
      // The receiver is TypeScript like the harness: run it through tsx's loader.
      NODE_OPTIONS: `--import=${import.meta.resolve('tsx')}`,
    };
    const proc = await startProcess(RECEIVER, env, {
      check: async () => (await fetch(`${addr}/healthz`)).status === 200,
      timeoutMs: 30_000,
    });
    const marker = `RECEIVER_PORT=${port}`;
    return adopt(ctx, { name: p.name, port, addr, entry: RECEIVER, marker }, proc);
  };

  const startReview: Stack['startReview'] = async (p) => {
    const entry = entryOf(root, 'review');
    const port = await benchPort();
    const addr = `http://127.0.0.1:${port}`;
    const env = {
      REDIS_URL: redisUrl(),
      PROFILES_ADDR: p.profiles.addr,
      PROFILES_TOKEN: tokens.agent,
      REVIEW_PROVIDER: 'local',
      REVIEW_MODEL_PATH: p.modelPath,
      // Due at once: the model reviews without pause, the worst case for the pipeline beside it.
      REVIEW_QUIET_MS: '0',
      BULLMQ_PREFIX: `bench-${p.name}`,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      NODE_OPTIONS: withInspector(o.config.nodeOptions),
    };
    const proc = await startProcess(entry, env, {
      check: async () => {
        const res = await fetch(`${addr}/healthz`);
        return (
          res.status === 200 && ((await res.json()) as { following?: boolean }).following === true
        );
      },
      timeoutMs: 120_000,
    });
    const metricsUrl = `${addr}/metrics`;
    return adopt(
      ctx,
      { name: p.name, port, addr, entry, marker: `PORT=${port}`, metricsUrl },
      proc,
    );
  };

  const prefix = 'bench';
  const profiles = await startProfiles({ name: 'profiles', db: 'engagement', prefix });
  const ingest = await startIngest({
    name: 'ingest',
    roles: 'http,webhook-worker,outbound-worker',
    redisDb: 0,
    prefix,
    profiles,
  });
  const bff = await startBff({ name: 'bff', profiles });
  log(`profiles ${profiles.addr}, ingest ${ingest.addr}, bff ${bff.addr} (from ${root})`);
  return {
    dir,
    secrets,
    redis,
    mongo,
    redisUrl,
    mongoUrl,
    profiles,
    ingest,
    bff,
    prefix,
    startProfiles,
    startIngest,
    startBff,
    startReceiver,
    startReview,
    services: () => [...ctx.running],
  };
}
