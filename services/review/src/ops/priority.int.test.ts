// Real threads, real niceness: after lowerPriority every thread of this process runs niced,
// the libuv workers included (os.setPriority alone changes only the calling thread).
import { readdirSync, readFileSync } from 'node:fs';
import { pbkdf2 } from 'node:crypto';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { lowerPriority } from './priority.js';

const niceOf = (tid: string): number =>
  Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);

it('renices every thread, libuv workers included', async () => {
  // Start libuv's thread pool (crypto work runs there).
  await Promise.all(
    Array.from({ length: 4 }, () => promisify(pbkdf2)('x', 'y', 1000, 32, 'sha256')),
  );
  const before = readdirSync('/proc/self/task');
  expect(before.length).toBeGreaterThan(4);
  lowerPriority(10);
  for (const tid of readdirSync('/proc/self/task')) expect(niceOf(tid)).toBeGreaterThanOrEqual(10);
});
