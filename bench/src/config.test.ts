import { describe, expect, it } from 'vitest';
import { loadBenchConfig, REPO_ROOT } from './config.js';

describe('loadBenchConfig', () => {
  it('has the documented defaults', () => {
    const c = loadBenchConfig({});
    expect(c).toMatchObject({
      root: REPO_ROOT,
      runs: 3,
      writeDoc: true,
      connections: 20,
      acceptSeconds: 10,
      e2eSeconds: 60,
      latencySeconds: 30,
      seconds: 10,
      pageCalls: 200,
      steadySeconds: 300,
      steadyRate: 100,
      reviewSeconds: 180,
      mediaImages: 200,
    });
    expect(c.only).toEqual(['accept', 'e2e', 'lookups', 'pages', 'resources', 'review', 'media']);
    expect(c.pageSizes).toEqual([
      { users: 10_000, messages: 100_000 },
      { users: 100_000, messages: 1_000_000 },
    ]);
  });

  it('reads a subset of scenarios, small sizes and switches', () => {
    const c = loadBenchConfig({
      BENCH_ONLY: 'pages, accept',
      BENCH_PAGE_SIZES: '2000:20000',
      BENCH_WRITE_DOC: '0',
      BENCH_RUNS: '1',
    });
    expect(c.only).toEqual(['pages', 'accept']);
    expect(c.pageSizes).toEqual([{ users: 2000, messages: 20_000 }]);
    expect(c.writeDoc).toBe(false);
    expect(c.runs).toBe(1);
  });

  it('names every bad setting', () => {
    expect(() =>
      loadBenchConfig({ BENCH_ONLY: 'accept,nope', BENCH_RUNS: '0', BENCH_PAGE_SIZES: '10:x' }),
    ).toThrow(/BENCH_ONLY[\s\S]*BENCH_RUNS|BENCH_RUNS[\s\S]*BENCH_ONLY/);
    expect(() => loadBenchConfig({ BENCH_PAGE_SIZES: '20000:1,10000:1' })).toThrow(
      /BENCH_PAGE_SIZES/,
    );
  });
});
