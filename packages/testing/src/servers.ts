// Real backing servers for integration tests, chosen in this order:
//   1. MONGO_URL / REDIS_URL from the environment (any existing server; ./dev test sets them);
//   2. a Docker engine, through testcontainers with the official mongo and redis images;
//   3. local binaries: Debian's redis-server and secantusd-rs (SecantusDB's MongoDB-wire server
//      over WiredTiger, a single-node replica set) built by ./dev.
// UE_TEST_SERVERS=docker|local forces a choice.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Servers {
  mongoUrl: string;
  redisUrl: string;
  how: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline)
      throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function dockerLikelyAvailable(): boolean {
  if (process.env.UE_TEST_SERVERS === 'docker') return true;
  if (process.env.UE_TEST_SERVERS === 'local') return false;
  return Boolean(process.env.DOCKER_HOST) || existsSync('/var/run/docker.sock');
}

async function dockerServers(needMongo: boolean, needRedis: boolean): Promise<Servers> {
  const { MongoDBContainer } = await import('@testcontainers/mongodb');
  const { RedisContainer } = await import('@testcontainers/redis');
  const mongo = needMongo ? await new MongoDBContainer('mongo:7').start() : undefined;
  const redis = needRedis ? await new RedisContainer('redis:7').start() : undefined;
  return {
    mongoUrl: mongo
      ? `${mongo.getConnectionString()}/engagement?directConnection=true`
      : process.env.MONGO_URL!,
    redisUrl: redis ? redis.getConnectionUrl() : process.env.REDIS_URL!,
    how: 'testcontainers (mongo:7, redis:7)',
    async stop() {
      await Promise.all([mongo?.stop(), redis?.stop()]);
    },
  };
}

/**
 * secantusd-rs on 127.0.0.1:`port`, its data in `dir`/mongo, started from inside `dir` so it
 * picks up no stray configuration file; the caller waits for the port and stops it.
 */
export function spawnSecantus(o: { port: number; dir: string; cacheSize?: string }): ChildProcess {
  const args = ['--host', '127.0.0.1', '--port', String(o.port)];
  args.push('--storage-path', join(o.dir, 'mongo'), '--cache-size', o.cacheSize ?? '512M');
  args.push('--log-level', 'ERROR');
  return spawn(secantusBinary(), args, { stdio: 'ignore', cwd: o.dir });
}

/** The secantusd-rs binary ./dev builds (UE_SECANTUS_BIN overrides). */
export function secantusBinary(): string {
  const bin =
    process.env.UE_SECANTUS_BIN ??
    join(
      process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'),
      'user-engagement',
      'secantus-0.5.3-beta.196',
      'bin',
      'secantusd-rs',
    );
  if (!existsSync(bin)) {
    throw new Error(
      `secantusd-rs not found at ${bin}: run ./dev setup, or set MONGO_URL to a MongoDB server`,
    );
  }
  return bin;
}

async function localServers(needMongo: boolean, needRedis: boolean): Promise<Servers> {
  const dir = mkdtempSync(join(tmpdir(), 'ue-test-'));
  const children: ChildProcess[] = [];
  let mongoUrl = process.env.MONGO_URL ?? '';
  let redisUrl = process.env.REDIS_URL ?? '';
  const stop = async (): Promise<void> => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGTERM');
            setTimeout(() => c.kill('SIGKILL'), 3000).unref();
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    if (needRedis) {
      const port = await freePort();
      children.push(
        spawn(
          'redis-server',
          [
            '--port',
            String(port),
            '--bind',
            '127.0.0.1',
            '--save',
            '',
            '--appendonly',
            'no',
            '--dir',
            dir,
          ],
          { stdio: 'ignore' },
        ),
      );
      await waitForPort(port, 10_000);
      redisUrl = `redis://127.0.0.1:${port}`;
    }
    if (needMongo) {
      const port = await freePort();
      children.push(spawnSecantus({ port, dir }));
      await waitForPort(port, 60_000);
      mongoUrl = `mongodb://127.0.0.1:${port}/engagement`;
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { mongoUrl, redisUrl, how: 'local redis-server + secantusd-rs (WiredTiger)', stop };
}

/** Servers for this test run: reuse what the environment names, start what is missing. */
export async function provideServers(): Promise<Servers> {
  const needMongo = !process.env.MONGO_URL;
  const needRedis = !process.env.REDIS_URL;
  if (!needMongo && !needRedis) {
    return {
      mongoUrl: process.env.MONGO_URL!,
      redisUrl: process.env.REDIS_URL!,
      how: 'MONGO_URL / REDIS_URL',
      stop: async () => {},
    };
  }
  return dockerLikelyAvailable()
    ? dockerServers(needMongo, needRedis)
    : localServers(needMongo, needRedis);
}
