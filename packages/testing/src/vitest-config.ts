// The one vitest configuration every package uses: a "unit" project (pure, no I/O) and an
// "int" project (real servers from global-setup, a fresh database / queue prefix per file).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

export interface TestConfigOptions {
  /** Per-test timeout for integration tests. */
  intTimeoutMs?: number;
  /** Run integration files one at a time (e.g. browser tests sharing one stack). */
  intSerial?: boolean;
}

export function serviceTestConfig(opts: TestConfigOptions = {}): ViteUserConfig {
  // Built (dist/*.js) when used by other packages; source (*.ts) inside this package.
  const js = fileURLToPath(new URL('./global-setup.js', import.meta.url));
  const globalSetup = existsSync(js) ? js : js.replace(/\.js$/, '.ts');
  // ./dev test asks every run for a JSON report so it can print one total at the end.
  const reportDir = process.env.UE_TEST_REPORT_DIR;
  const pkg = (process.env.npm_package_name ?? 'pkg').replace(/[^a-z0-9]+/gi, '-');
  const reporters = reportDir ? ['default', 'json'] : ['default'];
  const outputFile = reportDir ? { json: `${reportDir}/${pkg}-${process.pid}.json` } : undefined;
  return defineConfig({
    test: {
      reporters,
      ...(outputFile ? { outputFile } : {}),
      projects: [
        {
          extends: true,
          test: {
            name: 'unit',
            include: ['src/**/*.test.{ts,tsx}'],
            exclude: ['**/*.int.test.*', '**/node_modules/**', '**/dist/**'],
            // Pure tests share no state through modules: one module graph for all files saves
            // most of a unit run (loading each file's imports again was 90 % of it).
            isolate: false,
          },
        },
        {
          extends: true,
          test: {
            name: 'int',
            include: ['{src,test}/**/*.int.test.{ts,tsx}'],
            exclude: ['**/node_modules/**', '**/dist/**'],
            globalSetup: [globalSetup],
            testTimeout: opts.intTimeoutMs ?? 30_000,
            hookTimeout: 60_000,
            fileParallelism: !opts.intSerial,
          },
        },
      ],
    },
  });
}
