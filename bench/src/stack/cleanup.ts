// Everything a run starts registers how to stop it here; stopAll() undoes it in reverse order
// (services before the servers behind them, temp folders last), once, also after an error or
// Ctrl-C (run.ts wires the signals).
import { log } from '../progress.js';

interface Task {
  name: string;
  run: () => Promise<void>;
}

export class Cleanup {
  private tasks: Task[] = [];
  private stoppingPromise: Promise<void> | undefined;

  /** Register a stop step; the returned function runs it now and unregisters it. */
  add(name: string, run: () => Promise<void>): () => Promise<void> {
    const task = { name, run };
    this.tasks.push(task);
    return async () => {
      const i = this.tasks.indexOf(task);
      if (i < 0) return;
      this.tasks.splice(i, 1);
      await task.run();
    };
  }

  /** True once stopAll() has begun: late errors of interrupted work are expected then. */
  get stopping(): boolean {
    return this.stoppingPromise !== undefined;
  }

  get pending(): number {
    return this.tasks.length;
  }

  /** Run every registered step, newest first; a failing step is reported and skipped. */
  stopAll(): Promise<void> {
    this.stoppingPromise ??= (async () => {
      while (this.tasks.length > 0) {
        const t = this.tasks.pop()!;
        try {
          await t.run();
        } catch (err) {
          log(`cleanup: ${t.name} failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    })();
    return this.stoppingPromise;
  }
}
