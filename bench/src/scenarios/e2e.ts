// Scenario 2, end to end: webhooks in over HTTP, ingest's workers applying them through
// profiles into the database. Throughput: a max-rate poster (BENCH_CONNECTIONS connections,
// backlog kept to a few seconds' work so the queue does not grow without bound) for
// BENCH_E2E_SECONDS, then until the last message is stored; stored = raw count of the messages
// collection; rate = messages stored / time from the first POST until the last one is stored.
// Latency: an open-loop poster at 200 webhooks/s, each message timed from its POST's scheduled
// start until profiles' WatchEvents announces it. Baselines: the raw driver writing the same
// documents (raw-writes.ts) in bulk, and one message at a time at the same 200/s.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from 'mongodb';
import { prepareRawDb, rawBulk, rawMessage, rawSingle, RAW_DB } from '../baseline/raw-writes.js';
import { createPoster } from '../load/http-post.js';
import { openLoop } from '../load/loops.js';
import { meanBetween, scrape, type Scrape } from '../load/prom.js';
import { watchMessages } from '../load/watch.js';
import { log } from '../progress.js';
import { cpuDuring } from '../stack/procfs.js';
import { verdict, type Section } from '../report/markdown.js';
import {
  cpuCells,
  fmtDuration,
  fmtInt,
  fmtMs,
  fmtRatio,
  median,
  ratio,
  spread,
  summarize,
} from '../stats.js';
import { createTraffic, type Traffic } from '../webhooks/traffic.js';
import { repeat, type BenchContext } from './context.js';

export const LATENCY_RATE = 200;
const NEW_USERS = 0.3;
const STATUSES = 0.1;
const DUPLICATES = 0.02;

export function pipelineTraffic(ctx: BenchContext): Traffic {
  const s = ctx.nextStream();
  return createTraffic({
    mix: ctx.mix,
    secret: ctx.stack.secrets.appSecret,
    rng: ctx.rng,
    userBase: s.userBase,
    tag: s.tag,
    newUserShare: NEW_USERS,
    statusShare: STATUSES,
    duplicateShare: DUPLICATES,
  });
}

const storedCount = (ctx: BenchContext): Promise<number> =>
  ctx.mongo.db('engagement').collection('messages').estimatedDocumentCount();

interface Throughput {
  rate: number;
  stored: number;
  expected: number;
  failedPosts: number;
  drainMs: number;
  /** CPU ms per stored message of each process of CPU_PARTS, posting to the last store. */
  cpu: number[];
}

/** The processes whose CPU the throughput phase reports, in this order. */
const CPU_PARTS = ['ingest', 'profiles', 'database server', 'Redis', 'load generator'] as const;
const cpuPids = (ctx: BenchContext): number[] => [
  ctx.stack.ingest.pid,
  ctx.stack.profiles.pid,
  ctx.stack.mongo.pid,
  ctx.stack.redis.pid,
  process.pid,
];

async function oursThroughput(ctx: BenchContext): Promise<Throughput> {
  const { result, cpuMs } = await cpuDuring(cpuPids(ctx), () => pipelineRun(ctx));
  return { ...result, cpu: cpuMs.map((ms) => ms / result.stored) };
}

export async function pipelineRun(ctx: BenchContext): Promise<Omit<Throughput, 'cpu'>> {
  const traffic = pipelineTraffic(ctx);
  const poster = createPoster({
    url: `${ctx.stack.ingest.addr}/webhooks/whatsapp`,
    connections: ctx.config.connections,
  });
  const before = await storedCount(ctx);
  let expected = 0;
  let stored = 0;
  let failedPosts = 0;
  let posting = true;
  const t0 = performance.now();
  let lastStoredAt = t0;
  const poll = (async () => {
    let lastProgress = performance.now();
    while (posting || stored < expected) {
      await sleep(100);
      const now = await storedCount(ctx).then((c) => c - before);
      if (now > stored) {
        stored = now;
        lastStoredAt = performance.now();
        lastProgress = lastStoredAt;
      } else if (!posting && performance.now() - lastProgress > 60_000) break;
    }
  })();
  const until = t0 + ctx.config.e2eSeconds * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < until) {
      const elapsed = (performance.now() - t0) / 1000;
      // Enough queued for a few seconds at the rate seen so far, never an unbounded backlog.
      const cap = Math.max(500, 3 * (stored / Math.max(1, elapsed)));
      if (expected - stored > cap) {
        await sleep(10);
        continue;
      }
      const d = traffic.next();
      const code = await poster.post(d.body, d.signature);
      if (code === 200) expected += d.wamids.length;
      else failedPosts += 1;
    }
  };
  await Promise.all(Array.from({ length: ctx.config.connections }, worker));
  posting = false;
  const postedAt = performance.now();
  await poll;
  poster.close();
  const elapsed = lastStoredAt - t0;
  return {
    rate: (stored / elapsed) * 1000,
    stored,
    expected,
    failedPosts,
    drainMs: lastStoredAt - postedAt,
  };
}

async function rawThroughput(
  ctx: BenchContext,
  count: number,
): Promise<{ rate: number; cpu: number[] }> {
  const db = await prepareRawDb({ client: ctx.mongo, templates: ctx.templates });
  const traffic = pipelineTraffic(ctx);
  const items: ReturnType<typeof rawMessage>[] = [];
  while (items.length < count) {
    const d = traffic.next();
    if (d.kind !== 'inbound') continue;
    // The sender the delivery names: new and returning users in the same mix as ours.
    const n = d.people[0]!;
    for (const wamid of d.wamids)
      items.push(rawMessage(ctx.templates, { n, wamid, body: d.body, at: new Date() }));
  }
  const t0 = performance.now();
  const { cpuMs } = await cpuDuring(cpuPids(ctx), () =>
    rawBulk({ db, items, batch: 100, concurrency: 4 }),
  );
  const ms = performance.now() - t0;
  await db.dropDatabase();
  return { rate: (items.length / ms) * 1000, cpu: cpuMs.map((c) => c / items.length) };
}

interface Latency {
  p50: number;
  p99: number;
  seen: number;
  missing: number;
  /** Mean ms of the stages the services measure themselves (ours only). */
  stages?: Stages;
}

interface Stages {
  /** Every message: scheduled POST → announced on WatchEvents. */
  total: number;
  /** Ingest's histogram: webhook received → profiles acknowledged its events. */
  toAck: number;
  /** Profiles' histogram: one ApplyWebhookEvents call. */
  apply: number;
  /** Ingest's histogram: deliveries per ApplyWebhookEvents call. */
  perCall: number;
}

async function scrapeBoth(ctx: BenchContext): Promise<[Scrape, Scrape]> {
  return Promise.all([scrape(ctx.stack.ingest.metricsUrl), scrape(ctx.stack.profiles.metricsUrl)]);
}

function stagesBetween(before: [Scrape, Scrape], after: [Scrape, Scrape], total: number): Stages {
  const ms = (x: { mean: number }): number => x.mean * 1000;
  return {
    total,
    toAck: ms(meanBetween([before[0], after[0]], 'ingest_end_to_end_seconds')),
    apply: ms(
      meanBetween(
        [before[1], after[1]],
        'profiles_grpc_duration_seconds',
        'method="ApplyWebhookEvents"',
      ),
    ),
    perCall: meanBetween([before[0], after[0]], 'ingest_apply_batch_jobs').mean,
  };
}

async function oursLatency(ctx: BenchContext): Promise<Latency> {
  const traffic = pipelineTraffic(ctx);
  const poster = createPoster({
    url: `${ctx.stack.ingest.addr}/webhooks/whatsapp`,
    connections: 50,
  });
  const watch = await watchMessages(ctx.agent);
  const samples: number[] = [];
  let missing = 0;
  const before = await scrapeBoth(ctx);
  await openLoop({
    rate: LATENCY_RATE,
    seconds: ctx.config.latencySeconds,
    drainMs: 35_000,
    call: async (_i, scheduled) => {
      const d = traffic.next();
      const seen = d.wamids.map((w) => watch.waitFor(w, 30_000));
      const code = await poster.post(d.body, d.signature);
      if (code !== 200) throw new Error(`webhook answered ${code}`);
      for (const s of seen) {
        try {
          samples.push((await s) - scheduled);
        } catch {
          missing += 1;
        }
      }
    },
  });
  watch.close();
  poster.close();
  const s = summarize(samples);
  const stages = stagesBetween(before, await scrapeBoth(ctx), s.mean);
  return { p50: s.p50, p99: s.p99, seen: s.count, missing, stages };
}

async function rawLatency(ctx: BenchContext): Promise<Latency> {
  const db: Db = await prepareRawDb({ client: ctx.mongo, templates: ctx.templates });
  const traffic = pipelineTraffic(ctx);
  const samples: number[] = [];
  await openLoop({
    rate: LATENCY_RATE,
    seconds: ctx.config.latencySeconds,
    call: async (_i, scheduled) => {
      let d = traffic.next();
      while (d.kind !== 'inbound') d = traffic.next();
      const m = rawMessage(ctx.templates, {
        n: d.people[0]!,
        wamid: d.wamids[0]!,
        body: d.body,
        at: new Date(),
      });
      await rawSingle(db, m);
      samples.push(performance.now() - scheduled);
    },
  });
  await db.dropDatabase();
  const s = summarize(samples);
  return { p50: s.p50, p99: s.p99, seen: s.count, missing: 0 };
}

export async function e2eScenario(ctx: BenchContext): Promise<Section[]> {
  const runs = await repeat(ctx, 'end to end', async () => {
    const ours = await oursThroughput(ctx);
    log(
      `  pipeline: ${fmtInt(ours.rate)} msg/s (${fmtInt(ours.stored)}/${fmtInt(ours.expected)} stored, drained ${fmtDuration(ours.drainMs)} after the last POST)`,
    );
    const rawCount = Math.min(300_000, Math.max(5000, ours.stored));
    const raw = await rawThroughput(ctx, rawCount);
    log(`  raw bulk: ${fmtInt(raw.rate)} msg/s (${fmtInt(rawCount)} messages)`);
    const lat = await oursLatency(ctx);
    log(
      `  latency at ${LATENCY_RATE}/s: p50 ${fmtMs(lat.p50)} ms, p99 ${fmtMs(lat.p99)} ms (${lat.missing} not seen)`,
    );
    const rawLat = await rawLatency(ctx);
    log(
      `  raw latency at ${LATENCY_RATE}/s: p50 ${fmtMs(rawLat.p50)} ms, p99 ${fmtMs(rawLat.p99)} ms`,
    );
    return { ours, raw, lat, rawLat };
  });
  const med = (f: (r: (typeof runs)[number]) => number): number => median(runs.map(f));
  const rate = med((r) => r.ours.rate);
  const raw = med((r) => r.raw.rate);
  const rr = ratio(rate, raw);
  const p50 = med((r) => r.lat.p50);
  const p99 = med((r) => r.lat.p99);
  const missing = runs.reduce((s, r) => s + r.lat.missing + (r.ours.expected - r.ours.stored), 0);
  const failed = runs.reduce((s, r) => s + r.ours.failedPosts, 0);
  return [
    {
      title: '2. End to end: webhook → queue → worker → profiles → database',
      method: [
        `Throughput: ${ctx.config.connections} connections post as fast as ingest takes them for ${ctx.config.e2eSeconds} s (posting pauses while more than ~3 s of work is queued), ` +
          `the same fixture mix with ${NEW_USERS * 100} % new senders, ${STATUSES * 100} % statuses for messages we never sent (stored as orphans) and ${DUPLICATES * 100} % exact duplicate deliveries; ` +
          'ingest with every role, profiles, secantusd-rs. Stored = raw count of `messages`; rate = messages stored / time from the first POST until the last is stored. ' +
          'Raw bulk: the same number of messages (at least 5,000) written by the raw driver into database `' +
          RAW_DB +
          "` with profiles' indexes, per message an insert of the message, an upsert of its user ($inc counter, $min/$max times, $set preview) and an insert of the raw delivery, " +
          'documents cloned from what profiles stored in the warm-up, as unordered `bulkWrite` batches of 100, 4 batches in flight.',
        `Latency: an open loop at ${LATENCY_RATE} webhooks/s for ${ctx.config.latencySeconds} s; each inbound message is timed from its POST's scheduled start until ` +
          "profiles' `WatchEvents` stream announces it (`message_created`, published after the commit). Raw: the same three writes per message, one message at a time at the same rate, timed the same way.",
      ],
      tables: [
        {
          header: [
            'metric',
            'ours',
            'raw driver',
            'ours / raw',
            'target',
            'verdict',
            'spread (ours)',
          ],
          rows: [
            [
              'messages stored / s',
              fmtInt(rate),
              fmtInt(raw),
              fmtRatio(rr),
              '≥ 2,000 and ≥ 0.25× raw',
              verdict(rate >= 2000 && rr >= 0.25),
              spread(
                runs.map((r) => r.ours.rate),
                fmtInt,
              ),
            ],
            [
              `receipt → stored p50 ms at ${LATENCY_RATE}/s`,
              fmtMs(p50),
              fmtMs(med((r) => r.rawLat.p50)),
              fmtRatio(
                ratio(
                  p50,
                  med((r) => r.rawLat.p50),
                ),
              ),
              '≤ 30 ms',
              verdict(p50 <= 30),
              spread(
                runs.map((r) => r.lat.p50),
                fmtMs,
              ),
            ],
            [
              `receipt → stored p99 ms at ${LATENCY_RATE}/s`,
              fmtMs(p99),
              fmtMs(med((r) => r.rawLat.p99)),
              fmtRatio(
                ratio(
                  p99,
                  med((r) => r.rawLat.p99),
                ),
              ),
              '≤ 150 ms',
              verdict(p99 <= 150),
              spread(
                runs.map((r) => r.lat.p99),
                fmtMs,
              ),
            ],
          ],
        },
        {
          header: [
            'CPU ms per stored message (throughput phase)',
            'ours',
            'raw driver',
            'ours / raw',
          ],
          rows: CPU_PARTS.map((part, i) => {
            const o = med((r) => r.ours.cpu[i]!);
            const w = med((r) => r.raw.cpu[i]!);
            return [part, ...cpuCells(o, w)];
          }),
        },
      ],
      notes: [
        `Per run: ${runs.map((r) => `${fmtInt(r.ours.stored)} messages, drained ${fmtDuration(r.ours.drainMs)} after posting stopped`).join('; ')}.`,
        ...(missing ? [`${fmtInt(missing)} messages were never seen stored (timed out).`] : []),
        stagesNote(runs.map((r) => r.lat.stages)),
        ...(failed ? [`${fmtInt(failed)} webhook POSTs were not answered 200.`] : []),
      ],
    },
  ];
}

/** Where a message's time goes at the fixed rate, from the services' own histograms. */
function stagesNote(all: (Stages | undefined)[]): string {
  const got = all.filter((x): x is Stages => x !== undefined);
  const m = (f: keyof Stages): number => median(got.map((x) => x[f]));
  if (!got.length || !Number.isFinite(m('toAck')))
    return 'The services did not expose the histograms that split the latency into stages.';
  return (
    `Where the time goes at ${LATENCY_RATE}/s (means, median of the runs): ${fmtMs(m('total'))} ms from an inbound message's scheduled POST to its announcement on WatchEvents. ` +
    `Ingest's own histogram over every delivery (statuses too) gives ${fmtMs(m('toAck'))} ms from receipt to profiles' acknowledgement (queue wait, the batch window, waiting for the user's lane, the call; the acknowledgement comes after the commit, so it can trail the announcement). ` +
    `One ApplyWebhookEvents call takes ${fmtMs(m('apply'))} ms in profiles, for ${m('perCall').toFixed(1)} deliveries per call.`
  );
}
