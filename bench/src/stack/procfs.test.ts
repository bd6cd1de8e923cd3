import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { cpuDuring, cpuMsOf, memoryOf, processTree, treePeakRss } from './procfs.js';

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

  it('counts a child process with its parent when asked (trees)', async () => {
    // A parent that starts a busy grandchild and waits: its own CPU stays near zero.
    const script = `
      const { spawn } = require('node:child_process');
      const c = spawn(process.execPath, ['-e', 'const t = Date.now() + 20000; while (Date.now() < t);']);
      process.on('SIGTERM', () => { c.kill(); process.exit(0); });
      setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['-e', script]);
    try {
      await new Promise((r) => setTimeout(r, 300)); // the grandchild has started
      expect(processTree(parent.pid!).length).toBe(2);
      expect(treePeakRss(parent.pid!)).toBeGreaterThan(memoryOf(parent.pid!).hwm);
      const wait = () => new Promise((r) => setTimeout(r, 800));
      const own = await cpuDuring([parent.pid!], wait);
      const tree = await cpuDuring([parent.pid!], wait, { trees: true });
      expect(own.cpuMs[0]).toBeLessThan(200);
      expect(tree.cpuMs[0]).toBeGreaterThan(own.cpuMs[0]! + 200);
    } finally {
      const exited = once(parent, 'exit');
      parent.kill();
      await exited;
    }
  }, 30_000);
});
