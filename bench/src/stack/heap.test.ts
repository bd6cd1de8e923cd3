import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { heapAfterGc, inspectorUrl, withInspector } from './heap.js';

describe('inspector address', () => {
  it('is read from the line Node prints', () => {
    const out =
      'Debugger listening on ws://127.0.0.1:40211/1b1c6c2e-2f7c-4c52-9d1e-0c0f6f1d2a33\n' +
      'For help, see: https://nodejs.org/en/docs/inspector\n';
    expect(inspectorUrl(out)).toBe('ws://127.0.0.1:40211/1b1c6c2e-2f7c-4c52-9d1e-0c0f6f1d2a33');
    expect(inspectorUrl('listening on :3000\n')).toBeUndefined();
  });

  it('keeps the caller’s NODE_OPTIONS', () => {
    expect(withInspector(undefined)).toBe('--inspect=127.0.0.1:0');
    expect(withInspector('--cpu-prof')).toBe('--cpu-prof --inspect=127.0.0.1:0');
  });
});

describe('heap after a full collection', () => {
  it('sees garbage go and kept objects stay in a real Node process', async () => {
    // The child keeps 1.3M small objects (well over 20 MB) in `kept` on "keep" and makes as many
    // garbage on "drop". Generous waits: the whole test suite may share the cores.
    const child = spawn(
      process.execPath,
      [
        '--inspect=127.0.0.1:0',
        '-e',
        `globalThis.kept = [];
         process.stdin.on('data', (d) => {
           const cmd = String(d).trim();
           const batch = Array.from({ length: 20 }, (_, i) => Array.from({ length: 1 << 16 }, (_, j) => ({ i, j })));
           if (cmd === 'keep') globalThis.kept.push(...batch);
           process.stdout.write(cmd + ' done\\n');
         });`,
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    try {
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const until = async (pred: () => boolean): Promise<void> => {
        for (let i = 0; i < 1200 && !pred(); i++) await new Promise((r) => setTimeout(r, 25));
        expect(pred()).toBe(true);
      };
      await until(() => inspectorUrl(err) !== undefined);
      const url = inspectorUrl(err)!;
      const base = await heapAfterGc(url);
      child.stdin.write('drop\n');
      await until(() => out.includes('drop done'));
      const afterGarbage = await heapAfterGc(url);
      child.stdin.write('keep\n');
      await until(() => out.includes('keep done'));
      const afterKept = await heapAfterGc(url);
      const MB = 1048576;
      expect(afterGarbage.heapUsed - base.heapUsed).toBeLessThan(5 * MB);
      expect(afterKept.heapUsed - base.heapUsed).toBeGreaterThan(20 * MB);
      expect(afterKept.rss).toBeGreaterThan(0);
    } finally {
      child.kill();
      await once(child, 'exit');
    }
  }, 60_000);
});
