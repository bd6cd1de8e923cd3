// Scenario 6, AI review: reviews per minute of the review service with the local model on this
// machine, and end-to-end ingest throughput with reviews running against the same without
// them (issue 12's target: within 10 %). The service runs as ./dev up runs it: local model,
// concurrency 1, nice 19, following profiles' events; with no cursor of its own it schedules
// every conversation not yet reviewed, so it has work for the whole measurement.
import { setTimeout as sleep } from 'node:timers/promises';
import { log } from '../progress.js';
import { verdict, type Section } from '../report/markdown.js';
import { fmtDuration, fmtInt, fmtMb, median } from '../stats.js';
import { cpuDuring, treePeakRss } from '../stack/procfs.js';
import type { Service } from '../stack/stack.js';
import { repeat, type BenchContext } from './context.js';
import { pipelineRun, pipelineTraffic } from './e2e.js';
import { createPoster } from '../load/http-post.js';
import { openLoop } from '../load/loops.js';

const DONE = 1; // ReviewState.DONE as profiles stores it
const FAILED = 2;

interface Counted {
  done: number;
  failed: number;
  messages: number;
}

async function reviewsSince(ctx: BenchContext, since: Date): Promise<Counted> {
  const rows = await ctx.mongo
    .db('engagement')
    .collection('reviews')
    .aggregate<{ _id: number; n: number; messages: number }>([
      { $match: { reviewedAt: { $gte: since } } },
      { $group: { _id: '$state', n: { $sum: 1 }, messages: { $sum: '$range.messageCount' } } },
    ])
    .toArray();
  const of = (s: number) => rows.find((r) => r._id === s);
  return { done: of(DONE)?.n ?? 0, failed: of(FAILED)?.n ?? 0, messages: of(DONE)?.messages ?? 0 };
}

async function startReviewing(ctx: BenchContext, name: string): Promise<Service> {
  const modelPath = ctx.config.modelPath;
  if (!modelPath)
    throw new Error('UE_MODEL_PATH is not set (./dev bench fetches the model and sets it)');
  const svc = await ctx.stack.startReview({ name, profiles: ctx.stack.profiles, modelPath });
  // Its first start schedules every conversation not yet reviewed (a one-off scan of users):
  // measured after that, as a running service would be.
  for (let i = 0; i < 600; i++) {
    const h = (await (await fetch(`${svc.addr}/healthz`)).json()) as { backfilling?: string };
    if (h.backfilling === 'no') break;
    await sleep(200);
  }
  // Busy from here on: the first review shows the model is loaded and the backlog scheduled.
  const t0 = new Date(Date.now() - 1000);
  for (let i = 0; i < 600 && (await reviewsSince(ctx, t0)).done === 0; i++) await sleep(200);
  return svc;
}

/** Conversations to review: the scenario-2 traffic at a modest rate (new and returning users). */
async function seedConversations(ctx: BenchContext, seconds: number): Promise<number> {
  const traffic = pipelineTraffic(ctx);
  const poster = createPoster({
    url: `${ctx.stack.ingest.addr}/webhooks/whatsapp`,
    connections: 8,
  });
  const r = await openLoop({
    rate: 100,
    seconds,
    call: async () => {
      const d = traffic.next();
      const code = await poster.post(d.body, d.signature);
      if (code !== 200) throw new Error(`webhook answered ${code}`);
    },
  });
  poster.close();
  await sleep(5000); // let the pipeline store the last of them
  return r.count;
}

export async function reviewScenario(ctx: BenchContext): Promise<Section[]> {
  const posted = await seedConversations(ctx, 10);
  log(`review: ${fmtInt(posted)} webhooks posted to have conversations to review`);
  // Reviews per minute, nothing else running.
  const seconds = ctx.config.reviewSeconds;
  log(`review: the local model reviewing for ${fmtDuration(seconds * 1000)}`);
  const svc = await startReviewing(ctx, 'review-rate');
  const since = new Date();
  const { result: counted, cpuMs } = await cpuDuring(
    [svc.pid],
    async () => {
      await sleep(seconds * 1000);
      return reviewsSince(ctx, since);
    },
    { trees: true },
  );
  const peak = treePeakRss(svc.pid); // the service and its model process
  await svc.stop();
  const perMinute = (counted.done / seconds) * 60;
  log(
    `  ${fmtInt(counted.done)} reviews (${counted.failed} failed attempts), ${perMinute.toFixed(1)}/min`,
  );

  // End to end without and with reviews running, alternating.
  const pids = (review?: Service): number[] => [
    ctx.stack.ingest.pid,
    ctx.stack.profiles.pid,
    ctx.stack.mongo.pid,
    ctx.stack.redis.pid,
    review?.pid ?? 0,
  ];
  const perMessage = (cpu: number[], stored: number): number[] => cpu.map((ms) => ms / stored);
  // Every run makes the database bigger, and this server's per-query cost grows with it: the
  // order alternates (without first, then with first) so that neither side always runs on the
  // bigger database.
  const runs = await repeat(ctx, 'end to end without / with reviews', async (r) => {
    const measureWithout = async () => {
      const w = await cpuDuring(pids(), () => pipelineRun(ctx), { trees: true });
      log(`  without reviews: ${fmtInt(w.result.rate)} msg/s`);
      return w;
    };
    const measureWith = async () => {
      const s = await startReviewing(ctx, `review-e2e-${r}`);
      const t = new Date();
      const v = await cpuDuring(pids(s), () => pipelineRun(ctx), { trees: true });
      const during = await reviewsSince(ctx, t);
      await s.stop();
      log(`  with reviews: ${fmtInt(v.result.rate)} msg/s (${during.done} reviews meanwhile)`);
      return { v, during };
    };
    let w: Awaited<ReturnType<typeof measureWithout>>;
    let withRun: Awaited<ReturnType<typeof measureWith>>;
    if (r % 2 === 0) {
      w = await measureWithout();
      withRun = await measureWith();
    } else {
      withRun = await measureWith();
      w = await measureWithout();
    }
    const { v, during } = withRun;
    return {
      without: w.result.rate,
      with: v.result.rate,
      reviews: during.done,
      cpuWithout: perMessage(w.cpuMs, w.result.stored),
      cpuWith: perMessage(v.cpuMs, v.result.stored),
    };
  });
  const PARTS = ['ingest', 'profiles', 'database server', 'Redis', 'review service'];
  const cpuRows = PARTS.map((name, i) => [
    name,
    i === 4 ? '–' : median(runs.map((r) => r.cpuWithout[i]!)).toFixed(2),
    median(runs.map((r) => r.cpuWith[i]!)).toFixed(2),
  ]);
  const without = median(runs.map((r) => r.without));
  const withR = median(runs.map((r) => r.with));
  const share = withR / without;
  return [
    {
      title: '6. AI review with the local model',
      method: [
        `The review service as \`./dev up\` runs it (REVIEW_PROVIDER=local: Qwen2.5-Coder-1.5B-Instruct Q4_K_M through node-llama-cpp, 2 threads, concurrency 1, nice 19), following profiles' events; ` +
          'with no cursor of its own it schedules every conversation not yet reviewed (measured after that one-off scan), and REVIEW_QUIET_MS=0 makes every new message due at once, so the model reviews without pause: the worst case for the pipeline beside it. ' +
          "Conversations: 10 s of scenario 2's traffic at 100 webhooks/s first (short conversations, see the mean below). " +
          `Reviews per minute: reviews recorded during ${fmtDuration(seconds * 1000)} with nothing else running (after its first review). ` +
          `End to end: scenario 2's throughput run (${ctx.config.e2eSeconds} s of posting) without the review service and with it reviewing, ${ctx.config.runs} time(s), alternating which comes first (the database grows with every run), medians.`,
      ],
      tables: [
        {
          header: ['figure', 'value'],
          rows: [
            ['reviews per minute (nothing else running)', perMinute.toFixed(1)],
            ['seconds per review', counted.done ? (seconds / counted.done).toFixed(1) : '–'],
            [
              'messages per reviewed conversation (mean)',
              counted.done ? (counted.messages / counted.done).toFixed(1) : '–',
            ],
            [
              'CPU s per review (review service with its model process)',
              counted.done ? (cpuMs[0]! / 1000 / counted.done).toFixed(1) : '–',
            ],
            ['failed attempts', fmtInt(counted.failed)],
            ['peak RSS of the review service (with its model process)', fmtMb(peak)],
          ],
        },
        {
          header: [
            'end to end, msg/s',
            'without reviews',
            'with reviews running',
            'with / without',
            'target',
            'verdict',
          ],
          rows: [
            [
              'median',
              fmtInt(without),
              fmtInt(withR),
              `${share.toFixed(2)}×`,
              '≥ 0.90×',
              verdict(share >= 0.9),
            ],
            ...runs.map((r, i) => [
              `run ${i + 1} (${r.reviews} reviews during it)`,
              fmtInt(r.without),
              fmtInt(r.with),
              `${(r.with / r.without).toFixed(2)}×`,
              '',
              '',
            ]),
          ],
        },
        {
          header: ['CPU ms per stored message (median)', 'without reviews', 'with reviews'],
          rows: cpuRows,
        },
      ],
    },
  ];
}
