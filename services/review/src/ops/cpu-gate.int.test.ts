// The gate on real /proc numbers: a busy child process closes it and aborts a running review.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { expect, it } from 'vitest';
import { createCpuGate, YieldedError } from './cpu-gate.js';

it('sees another process take the CPU and tells a running review to yield', async () => {
  const gate = createCpuGate({ limit: 0.3, periodMs: 200, quietSamples: 2 });
  const running = gate.whileQuiet();
  // One core kept busy is half of this machine's two (at least a quarter of four).
  const busy = spawn(process.execPath, [
    '-e',
    'const end = Date.now() + 4000; while (Date.now() < end);',
  ]);
  try {
    for (let i = 0; i < 40 && !running.signal.aborted; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(running.signal.aborted).toBe(true);
    expect(running.signal.reason).toBeInstanceOf(YieldedError);
    expect(gate.othersBusy()).toBeGreaterThanOrEqual(0.3);
  } finally {
    busy.kill();
    await once(busy, 'exit');
    running.done();
    gate.close();
  }
});
