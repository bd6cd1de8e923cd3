import { serviceTestConfig } from '@ue/testing/vitest';

// Browser tests share one stack per file and one Chromium: run files one at a time.
const config = serviceTestConfig({ intSerial: true, intTimeoutMs: 60_000 });
for (const p of (config.test?.projects ?? []) as {
  test?: { name?: string; include?: string[] };
}[]) {
  if (p.test?.name === 'int') p.test.include = ['e2e/**/*.int.test.ts'];
}
export default config;
