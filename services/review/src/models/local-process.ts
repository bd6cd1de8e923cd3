// The local model behind the ReviewModel interface, run in a child process (local-runner.ts)
// that can be paused and resumed as a whole: pause() sends SIGSTOP, resume() SIGCONT. The CPU
// gate pauses a review while other processes need the CPU; it continues where it stopped.
// A child that dies (out of memory, killed) fails the review in flight and is started again
// for the next one.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Prompt } from '../domain/prompt.js';
import type { ModelAnswer } from '../domain/schema.js';
import type { LocalOptions } from './local.js';
import type { Pausable, ReviewModel } from './model.js';
import type { RunnerReply, RunnerRequest } from './runner-protocol.js';

const RUNNER = fileURLToPath(new URL('./local-runner.js', import.meta.url));

export interface LocalProcessOptions {
  model: Omit<LocalOptions, 'log'>;
  /** Niceness of the model's process and its threads. */
  nice: number;
  logLevel: string;
}

export interface LocalProcessModel extends ReviewModel, Pausable {
  /** The model process's pid while it runs (its CPU is this service's own, for the gate). */
  pid(): number | undefined;
}

interface Waiting {
  resolve: (a: ModelAnswer) => void;
  reject: (e: Error) => void;
}

export function createLocalProcessModel(o: LocalProcessOptions): LocalProcessModel {
  let child: ChildProcess | undefined;
  let starting: Promise<void> | undefined;
  let paused = false;
  let nextId = 1;
  const waiting = new Map<number, Waiting>();
  const name = o.model.modelPath
    .split('/')
    .pop()!
    .replace(/\.gguf$/, '');

  const signal = (sig: NodeJS.Signals): void => {
    if (child?.pid && child.exitCode === null) child.kill(sig);
  };

  const spawnRunner = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const c = fork(RUNNER, [], { serialization: 'advanced', stdio: 'inherit' });
      child = c;
      paused = false;
      c.on('message', (r: RunnerReply) => {
        if (r.type === 'ready') return resolve();
        const w = r.id === undefined ? undefined : waiting.get(r.id);
        if (r.type === 'error' && !w) return reject(new Error(r.message));
        if (!w || r.id === undefined) return;
        waiting.delete(r.id);
        if (r.type === 'answer') w.resolve(r.answer);
        else w.reject(new Error(r.message));
      });
      c.on('exit', (code, sig) => {
        if (child === c) child = undefined;
        const err = new Error(`the local model's process ended (${sig ?? `exit ${code}`})`);
        for (const w of waiting.values()) w.reject(err);
        waiting.clear();
        reject(err);
      });
      const start: RunnerRequest = {
        type: 'start',
        options: o.model,
        nice: o.nice,
        logLevel: o.logLevel,
      };
      c.send(start);
    });

  const ensure = async (): Promise<ChildProcess> => {
    if (!child) {
      starting ??= spawnRunner().finally(() => (starting = undefined));
      await starting;
    }
    if (!child) throw new Error("the local model's process is not running");
    return child;
  };

  return {
    provider: 'local',
    name,
    async start() {
      await ensure();
    },
    async review(prompt: Prompt, abort?: AbortSignal): Promise<ModelAnswer> {
      const c = await ensure();
      const id = nextId++;
      return new Promise<ModelAnswer>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        abort?.addEventListener('abort', () => {
          if (waiting.delete(id)) reject(new Error('cancelled'));
        });
        const req: RunnerRequest = { type: 'review', id, prompt };
        c.send(req);
      });
    },
    pause() {
      if (paused || !child) return;
      paused = true;
      signal('SIGSTOP');
    },
    resume() {
      if (!paused) return;
      paused = false;
      signal('SIGCONT');
    },
    pid: () => child?.pid,
    async close() {
      const c = child;
      if (!c) return;
      this.resume();
      const exited = new Promise<void>((r) => c.once('exit', () => r()));
      const close: RunnerRequest = { type: 'close' };
      c.send(close);
      const timer = setTimeout(() => c.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
