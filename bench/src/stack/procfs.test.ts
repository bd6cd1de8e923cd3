import { describe, expect, it } from 'vitest';
import { cpuDuring, cpuMsOf, memoryOf } from './procfs.js';

const cpuMsNow = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

describe('process facts from /proc', () => {
  it('reads the CPU time the process used, and NaN for a gone process', async () => {
    const start = cpuMsNow();
    const { cpuMs } = await cpuDuring([process.pid], () => {
      // Busy until this process has used 200 ms of CPU (however long that takes on a busy machine).
      let x = 0;
      while (cpuMsNow() - start < 200) x += Math.sqrt(x + 1);
      return Promise.resolve(x);
    });
    const used = cpuMsNow() - start;
    // /proc counts in 10 ms ticks; other threads of the process (GC, I/O) add a little.
    expect(cpuMs[0]).toBeGreaterThanOrEqual(used - 30);
    expect(cpuMs[0]).toBeLessThanOrEqual(used + 100);
    expect(cpuMsOf(2 ** 22 + 1)).toBeNaN();
    expect(memoryOf(process.pid).rss).toBeGreaterThan(0);
  });
});
