// The top of the generated block: when, where, what code, which settings.
import type { BenchConfig } from '../config.js';
import type { MachineFacts } from '../stack/machine.js';
import { fmtInt } from '../stats.js';

export function renderHeader(o: {
  config: Readonly<BenchConfig>;
  machine: MachineFacts;
  commits: { measured: string; harness: string; sameCheckout: boolean };
  startedAt: Date;
  minutes: number;
  warnings: string[];
}): string {
  const c = o.config;
  const m = o.machine;
  const sizes = c.pageSizes
    .map((s) => `${fmtInt(s.users)} users / ${fmtInt(s.messages)} messages`)
    .join(', ');
  const lines = [
    `_Written by \`./dev bench\` on ${o.startedAt.toISOString().replace(/\.\d+Z$/, 'Z')} (${o.minutes.toFixed(0)} min); the next run replaces everything between the markers._`,
    '',
    `- **Machine**: ${m.cpu}, ${m.cores} cores, ${m.ramGiB} GiB RAM, Linux ${m.kernel}; the stack, the database server and the load generator share it.`,
    `- **Software**: Node ${m.node}, ${m.secantus} (\`--cache-size 512M\`), Redis ${m.redis} (AOF, \`appendfsync always\`, no RDB).`,
    `- **Code measured**: ${o.commits.measured}${o.commits.sameCheckout ? '' : ` at \`${c.root}\` (harness: ${o.commits.harness})`}.`,
    `- **Settings**: BENCH_RUNS=${c.runs} (every figure is the median of the runs; "spread" is min–max), BENCH_ONLY=${c.only.join(',')}, ` +
      `BENCH_CONNECTIONS=${c.connections}, BENCH_ACCEPT_SECONDS=${c.acceptSeconds}, BENCH_E2E_SECONDS=${c.e2eSeconds}, BENCH_LATENCY_SECONDS=${c.latencySeconds}, ` +
      `BENCH_SECONDS=${c.seconds}, BENCH_PAGE_SIZES=${c.pageSizes.map((s) => `${s.users}:${s.messages}`).join(',')}, BENCH_PAGE_CALLS=${c.pageCalls}, BENCH_STEADY_SECONDS=${c.steadySeconds}, BENCH_STEADY_RATE=${c.steadyRate}.`,
    `- **Data**: pages and search at ${sizes}; everything else on the data the run itself creates.`,
    '- **Stack**: a throwaway one per run (temp folder, free loopback ports, generated secrets), services started from their built `dist/main.js`.',
    ...o.warnings.map((w) => `- **Warning**: ${w}`),
    '',
  ];
  return lines.join('\n');
}
