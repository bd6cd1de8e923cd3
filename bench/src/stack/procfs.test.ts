import { describe, expect, it } from 'vitest';
import { cpuDuring, cpuMsOf, memoryOf } from './procfs.js';

describe('process facts from /proc', () => {
  it('reads CPU time that grows while the process works, and NaN for a gone process', async () => {
    const { cpuMs } = await cpuDuring([process.pid], () => {
      const until = performance.now() + 150;
      let x = 0;
      while (performance.now() < until) x += Math.sqrt(x + 1);
      return Promise.resolve(x);
    });
    // 150 ms of busy work, read in 10 ms ticks.
    expect(cpuMs[0]).toBeGreaterThanOrEqual(100);
    expect(cpuMsOf(2 ** 22 + 1)).toBeNaN();
    expect(memoryOf(process.pid).rss).toBeGreaterThan(0);
  });
});
