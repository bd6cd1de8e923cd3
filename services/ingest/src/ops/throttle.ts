// While Redis is down every reconnect attempt raises an error event; log the first one and
// then at most one per interval, with how many were suppressed.
import type { Logger } from '@ue/kit';

export function throttledWarn(log: Logger, msg: string, intervalMs = 10_000): (err: Error) => void {
  let last = 0;
  let suppressed = 0;
  return (err) => {
    const now = Date.now();
    if (now - last < intervalMs) {
      suppressed++;
      return;
    }
    log.warn({ err: err.message, ...(suppressed ? { suppressed } : {}) }, msg);
    last = now;
    suppressed = 0;
  };
}
