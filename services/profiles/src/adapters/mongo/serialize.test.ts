import { describe, expect, it } from 'vitest';
import { createKeyedLock } from './serialize.js';

describe('keyed lock', () => {
  it('runs work on one key strictly one after another, other keys in parallel', async () => {
    const lock = createKeyedLock();
    const log: string[] = [];
    const step = (key: string, name: string, ms: number) =>
      lock(key, async () => {
        log.push(`${name}:start`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`${name}:end`);
      });
    await Promise.all([step('a', 'a1', 20), step('a', 'a2', 1), step('b', 'b1', 5)]);
    expect(log.indexOf('a1:end')).toBeLessThan(log.indexOf('a2:start'));
    expect(log.indexOf('b1:end')).toBeLessThan(log.indexOf('a1:end'));
  });

  it('keeps going after a failure', async () => {
    const lock = createKeyedLock();
    await expect(lock('k', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(lock('k', () => Promise.resolve(42))).resolves.toBe(42);
  });
});
