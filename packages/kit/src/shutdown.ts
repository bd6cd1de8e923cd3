// Graceful shutdown: on SIGTERM/SIGINT run the close steps in reverse order of opening, then
// exit. A second signal, or a step taking longer than the grace period, forces the exit.
import type { Logger } from 'pino';

export interface Closer {
  name: string;
  close: () => Promise<unknown>;
}

export function handleShutdown(
  log: Logger,
  closers: Closer[],
  graceMs = 15_000,
): () => Promise<void> {
  let closing: Promise<void> | undefined;
  const run = async (): Promise<void> => {
    for (const c of [...closers].reverse()) {
      try {
        await c.close();
        log.info({ step: c.name }, 'closed');
      } catch (err) {
        log.error({ err, step: c.name }, 'close failed');
      }
    }
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (closing) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.error('shutdown grace period over: exiting');
      process.exit(1);
    }, graceMs);
    timer.unref();
    closing = run().then(() => {
      clearTimeout(timer);
      process.exit(0);
    });
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  return run;
}

/** Print a startup failure (e.g. ConfigError) readably and exit non-zero. */
export function exitOnStartupError(service: string, err: unknown): never {
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`${service}: cannot start: ${msg}\n`);
  process.exit(1);
}
