// The gate on real /proc numbers: a busy child process closes it and pauses a running review,
// which is resumed once the machine has been quiet again for as long.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { expect, it } from 'vitest';
import { createCpuGate } from './cpu-gate.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('pauses a running review while another process takes the CPU, and resumes it after', async () => {
  const gate = createCpuGate({ limit: 0.3, periodMs: 200, quietSamples: 2 });
  const calls: string[] = [];
  let pauses = 0;
  const hold = gate.holdWhileBusy(
    { pause: () => calls.push('pause'), resume: () => calls.push('resume') },
    () => (pauses += 1),
  );
  // One core kept busy is half of this machine's two (at least a quarter of four).
  const busy = spawn(process.execPath, [
    '-e',
    'const end = Date.now() + 3000; while (Date.now() < end);',
  ]);
  try {
    for (let i = 0; i < 40 && !calls.includes('pause'); i++) await sleep(100);
    expect(calls).toEqual(['pause']);
    expect(pauses).toBe(1);
    expect(gate.othersBusy()).toBeGreaterThanOrEqual(0.3);
  } finally {
    busy.kill();
    await once(busy, 'exit');
  }
  // Resumed once quiet; the other test files may keep this machine busy longer, and then
  // done() resumes it. Either way it ends running, each pause matched by one resume.
  for (let i = 0; i < 100 && !calls.includes('resume'); i++) await sleep(100);
  hold.done();
  gate.close();
  expect(calls.filter((c) => c === 'pause')).toHaveLength(pauses);
  expect(calls.at(-1)).toBe('resume');
  expect(calls.filter((c) => c === 'resume')).toHaveLength(pauses);
});
