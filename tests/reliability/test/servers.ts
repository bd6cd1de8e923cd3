// This suite's own Redis and MongoDB-wire server (it kills and restarts them, so it cannot share
// the test run's): fixed ports and folders for the suite's life, so a restart finds its data.
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort, spawnSecantus, waitForPort } from '@ue/testing';

export interface Server {
  readonly port: number;
  readonly url: string;
  /** Stop (SIGTERM: a clean shutdown; SIGKILL: a crash) and wait until it is gone. */
  stop(signal: NodeJS.Signals): Promise<void>;
  /** Start again on the same port and data. */
  start(): Promise<void>;
}

function managed(port: number, spawnIt: () => ChildProcess): Omit<Server, 'url'> {
  let child: ChildProcess | undefined;
  return {
    port,
    async start() {
      child = spawnIt();
      await waitForPort(port, 60_000);
    },
    async stop(signal) {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const gone = new Promise<void>((resolve) => c.once('exit', () => resolve()));
      c.kill(signal);
      const force = setTimeout(() => c.kill('SIGKILL'), 15_000);
      await gone;
      clearTimeout(force);
    },
  };
}

/** Redis with its append-only file fsynced on every write, as the queue's Redis runs. */
export async function startRedis(dir: string): Promise<Server> {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''];
  args.push('--appendonly', 'yes', '--appendfsync', 'always', '--maxmemory-policy', 'noeviction');
  const s = managed(port, () => spawn('redis-server', args, { stdio: 'ignore' }));
  await s.start();
  return { ...s, url: `redis://127.0.0.1:${port}` };
}

export async function startMongo(dir: string): Promise<Server> {
  const port = await freePort();
  const s = managed(port, () => spawnSecantus({ port, dir, cacheSize: '256M' }));
  await s.start();
  return { ...s, url: `mongodb://127.0.0.1:${port}` };
}
