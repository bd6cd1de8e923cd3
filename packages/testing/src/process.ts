// Start a service's built entry point as a real child process (real sockets, real config
// parsing), wait until it answers, and stop it with SIGTERM like an orchestrator would.
import { spawn } from 'node:child_process';

export interface RunningProcess {
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

/** How to tell the process is ready: a check polled every 100 ms (for 20 s, or `timeoutMs`). */
export type Readiness =
  (() => Promise<boolean>) | { check: () => Promise<boolean>; timeoutMs: number };

export async function startProcess(
  entry: string,
  env: Record<string, string>,
  readiness: Readiness,
): Promise<RunningProcess> {
  const ready = typeof readiness === 'function' ? readiness : readiness.check;
  const timeoutMs = typeof readiness === 'function' ? 20_000 : readiness.timeoutMs;
  const child = spawn(process.execPath, [entry], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const proc: RunningProcess = {
    output: () => out,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}:\n${out}`);
    if (await ready().catch(() => false)) return proc;
    if (Date.now() > deadline) {
      await proc.stop('SIGKILL');
      throw new Error(`${entry} was not ready after ${timeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
