// Scenario 5, resources: each process's peak RSS (VmHWM from /proc) after the pipeline
// scenarios, and memory before and after BENCH_STEADY_SECONDS of steady load: BENCH_STEADY_RATE
// webhooks/s through the whole pipeline with reads mixed in (GetUser 10/s and ListUsers 2/s over
// gRPC, the bff users page every 2 s). "Before" is taken after a warm-up of a tenth of the period
// (at most 30 s), so start-up growth (JIT, pools, caches filling) is not counted as a leak. The
// Node services are judged on their live memory after forced full collections (stack/heap.ts),
// with RSS beside it.
import { setTimeout as sleep } from 'node:timers/promises';
import { GetUserRequest, ListUsersRequest } from '@ue/proto';
import { loginToBff } from '../load/bff-client.js';
import { createPoster } from '../load/http-post.js';
import { openLoop } from '../load/loops.js';
import { log } from '../progress.js';
import { verdict, type Section } from '../report/markdown.js';
import type { Doc } from '../seed/records.js';
import { fmtDuration, fmtInt, fmtMb } from '../stats.js';
import { heapAfterGc, type HeapReading } from '../stack/heap.js';
import { memoryOf, type Memory } from '../stack/procfs.js';
import type { BenchContext } from './context.js';
import { pipelineTraffic } from './e2e.js';

const MB = 1048576;

export interface Watched {
  name: string;
  pid: number;
  /** Node services are judged; the servers' memory follows their data. */
  judged: boolean;
}

export function watchedProcesses(ctx: BenchContext): Watched[] {
  const { stack } = ctx;
  return [
    { name: 'ingest', pid: stack.ingest.pid, judged: true },
    { name: 'profiles', pid: stack.profiles.pid, judged: true },
    { name: 'bff', pid: stack.bff.pid, judged: true },
    { name: 'redis-server', pid: stack.redis.pid, judged: false },
    { name: 'secantusd-rs', pid: stack.mongo.pid, judged: false },
  ];
}

/** Peak memory of every watched process now (run.ts takes it right after the e2e scenario). */
export function peaks(ctx: BenchContext): Map<string, Memory> {
  return new Map(watchedProcesses(ctx).map((w) => [w.name, memoryOf(w.pid)]));
}

/** Growth within noise: at most 10 MB or 10 %. */
export function withinNoise(before: number, after: number): boolean {
  return after - before <= Math.max(10 * MB, 0.1 * before);
}

interface Steady {
  /** Failed calls of the load, counted by what failed and how. */
  failures: Map<string, number>;
  /** Inbound messages posted, and how many of them were stored when the load ended. */
  posted: number;
  stored: number;
}

/** `call`, with its failure counted under `label: message` (the loops only count errors). */
function counted<T>(
  failures: Map<string, number>,
  label: string,
  call: () => Promise<T>,
): Promise<T> {
  return call().catch((err: unknown) => {
    const why = (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 120);
    const key = `${label}: ${why}`;
    failures.set(key, (failures.get(key) ?? 0) + 1);
    throw err;
  });
}

async function steadyLoad(ctx: BenchContext, seconds: number): Promise<Steady> {
  const messages = ctx.mongo.db('engagement').collection('messages');
  const before = await messages.estimatedDocumentCount();
  const traffic = pipelineTraffic(ctx);
  const poster = createPoster({
    url: `${ctx.stack.ingest.addr}/webhooks/whatsapp`,
    connections: 20,
  });
  const bff = await loginToBff({ url: ctx.stack.bff.addr, ...ctx.stack.secrets.admin });
  const ids = (
    await ctx.mongo
      .db('engagement')
      .collection<Doc>('users')
      .find({}, { projection: { _id: 1 } })
      .limit(500)
      .toArray()
  ).map((d) => d._id);
  const failures = new Map<string, number>();
  const results = await Promise.all([
    openLoop({
      rate: ctx.config.steadyRate,
      seconds,
      call: () =>
        counted(failures, 'webhook', async () => {
          const d = traffic.next();
          const code = await poster.post(d.body, d.signature);
          if (code !== 200) throw new Error(`answered ${code}`);
        }),
    }),
    openLoop({
      rate: 10,
      seconds,
      call: (i) =>
        ctx.agent.call(
          'getUser',
          GetUserRequest.fromPartial({
            lookup: { $case: 'id', id: ids[i % Math.max(1, ids.length)] ?? 'none' },
          }),
        ),
    }),
    openLoop({
      rate: 2,
      seconds,
      call: () =>
        counted(failures, 'ListUsers', () =>
          ctx.agent.call('listUsers', ListUsersRequest.fromPartial({ pageSize: 50 })),
        ),
    }),
    openLoop({
      rate: 0.5,
      seconds,
      call: () => counted(failures, 'bff /users', () => bff.get('/users')),
    }),
  ]);
  poster.close();
  const stored = (await messages.estimatedDocumentCount()) - before;
  // GetUser for an id sampled before it had messages may be NOT_FOUND on an empty database,
  // so its errors are not counted. Calls still unanswered at the end have no error to name.
  for (const [label, r] of [
    ['webhook', results[0]],
    ['ListUsers', results[2]],
    ['bff /users', results[3]],
  ] as const)
    if (r.unanswered) failures.set(`${label}: unanswered at the end`, r.unanswered);
  return { failures, posted: traffic.messages(), stored };
}

/** Heap after a full collection of every judged service that has an inspector. */
async function heaps(ctx: BenchContext): Promise<Map<string, HeapReading>> {
  const out = new Map<string, HeapReading>();
  for (const svc of [ctx.stack.ingest, ctx.stack.profiles, ctx.stack.bff]) {
    if (!svc.inspector) continue;
    try {
      out.set(svc.name, await heapAfterGc(svc.inspector));
    } catch (err) {
      log(`resources: no heap reading of ${svc.name}: ${String(err)}`);
    }
  }
  return out;
}

/** Live memory the target is judged on: V8 heap plus Buffers and other external memory. */
export function live(h: HeapReading): number {
  return h.heapUsed + h.external;
}

export async function resourcesScenario(
  ctx: BenchContext,
  afterPipeline: Map<string, Memory> | undefined,
): Promise<Section[]> {
  const watched = watchedProcesses(ctx);
  const seconds = ctx.config.steadySeconds;
  const warm = Math.min(30, Math.max(1, Math.round(seconds / 10)));
  log(`resources: steady load for ${fmtDuration(seconds * 1000)} (baseline after ${warm} s)`);
  const before = new Map<string, Memory>();
  const load = steadyLoad(ctx, seconds);
  await sleep(warm * 1000);
  // RSS first: the forced collections of the heap reading shrink it.
  for (const w of watched) before.set(w.name, memoryOf(w.pid));
  const heapBefore = await heaps(ctx);
  const { failures, posted, stored } = await load;
  const after = new Map(watched.map((w) => [w.name, memoryOf(w.pid)] as const));
  const heapAfter = await heaps(ctx);
  const peakNow = afterPipeline ?? peaks(ctx);
  const growth = (b: number, a: number): string =>
    Number.isFinite(a - b) ? `${a >= b ? '+' : ''}${((a - b) / MB).toFixed(1)} MB` : '–';
  const rows = watched.map((w) => {
    const b = before.get(w.name)!.rss;
    const a = after.get(w.name)!.rss;
    const hb = heapBefore.get(w.name);
    const ha = heapAfter.get(w.name);
    const judged = w.judged && hb !== undefined && ha !== undefined;
    return [
      w.name,
      fmtMb(peakNow.get(w.name)?.hwm ?? Number.NaN),
      fmtMb(b),
      fmtMb(a),
      growth(b, a),
      hb ? fmtMb(live(hb)) : '–',
      ha ? fmtMb(live(ha)) : '–',
      hb && ha ? growth(live(hb), live(ha)) : '–',
      judged ? 'live ≤ +10 MB or +10 %' : 'report only',
      judged ? verdict(withinNoise(live(hb), live(ha))) : '–',
    ];
  });
  for (const [name, m] of ctx.stoppedPeaks)
    rows.push([
      `${name} (stopped after scenario 1)`,
      fmtMb(m.hwm),
      ...Array<string>(6).fill('–'),
      'report only',
      '–',
    ]);
  const failed = [...failures.values()].reduce((a, b) => a + b, 0);
  return [
    {
      title: '5. Resources',
      method: [
        `Peak RSS = VmHWM from /proc/<pid>/status ${afterPipeline ? 'right after scenarios 1–2' : 'at the start of this scenario (scenario 2 did not run)'}. ` +
          `Steady load: ${ctx.config.steadyRate} webhooks/s through ingest → profiles (the same mix as scenario 2) with GetUser 10/s, ListUsers 2/s and the bff users page every 2 s, for ${fmtDuration(seconds * 1000)}, run once; ` +
          `before = after ${warm} s of it, after = at its end. RSS is VmRSS. Live = V8 heap used + external memory (Buffers) from process.memoryUsage() right after two full collections forced through the service's inspector (HeapProfiler.collectGarbage); the target is judged on live memory, since RSS also holds heap V8 has not yet collected or returned. ` +
          `Redis and secantusd-rs grow with their data (queue history, cache up to 512 MB) and are reported only.`,
      ],
      tables: [
        {
          header: [
            'process',
            afterPipeline ? 'peak RSS after 1–2' : 'peak RSS',
            'RSS before',
            'RSS after',
            'RSS growth',
            'live before',
            'live after',
            'live growth',
            'target',
            'verdict',
          ],
          rows,
        },
      ],
      notes: [
        posted - stored > ctx.config.steadyRate
          ? `The pipeline did not keep up with ${ctx.config.steadyRate}/s: ${fmtInt(posted - stored)} of ${fmtInt(posted)} posted messages were still queued at the end, so growth includes the backlog.`
          : `The pipeline kept up: ${fmtInt(stored)} of ${fmtInt(posted)} posted messages stored by the end.`,
        ...(failed
          ? [
              `${failed} calls of the steady load failed: ${[...failures]
                .map(([why, n]) => `${n} × ${why}`)
                .join('; ')}.`,
            ]
          : []),
      ],
    },
  ];
}
