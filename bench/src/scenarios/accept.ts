// Scenario 1, webhook accept: what the provider sees. Unique signed bodies of the fixtures'
// shapes are posted by autocannon to ingest running with its HTTP role only (workers paused, so
// the queue only grows), and, in the same run, to the baseline receiver (node:http, HMAC check,
// one RPUSH, 200) on the same Redis server with the same fsync policy. Both use Redis database
// 1, flushed after every measurement so each starts from the same state.
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { log } from '../progress.js';
import { verdict, type Section } from '../report/markdown.js';
import { cpuCells, fmtInt, fmtMs, fmtRatio, median, ratio, spread } from '../stats.js';
import { cpuDuring, memoryOf } from '../stack/procfs.js';
import type { Service } from '../stack/stack.js';
import { describeMix } from '../webhooks/mix.js';
import { createTraffic } from '../webhooks/traffic.js';
import { repeat, type BenchContext } from './context.js';

interface Measured {
  perSecond: number;
  p50: number;
  p99: number;
  ok: number;
  failed: number;
  bytes: number;
  /** CPU ms per 2xx request: the receiving process, the Redis server, the load generator. */
  cpuService: number;
  cpuRedis: number;
  cpuLoad: number;
}

async function blast(ctx: BenchContext, target: Service): Promise<Measured> {
  const stream = ctx.nextStream();
  const traffic = createTraffic({
    mix: ctx.mix,
    secret: ctx.stack.secrets.appSecret,
    rng: ctx.rng,
    userBase: stream.userBase,
    tag: stream.tag,
    newUserShare: 0.3,
    statusShare: 0.1,
    duplicateShare: 0,
  });
  let bytes = 0;
  let bodies = 0;
  const { result, cpuMs } = await cpuDuring([target.pid, ctx.stack.redis.pid, process.pid], () =>
    autocannon({
      url: `${target.addr}/webhooks/whatsapp`,
      connections: ctx.config.connections,
      duration: ctx.config.acceptSeconds,
      requests: [
        {
          method: 'POST',
          setupRequest: (req) => {
            const d = traffic.next();
            bytes += d.body.length;
            bodies += 1;
            return {
              ...req,
              body: d.body,
              headers: { 'content-type': 'application/json', 'x-hub-signature-256': d.signature },
            };
          },
        },
      ],
    }),
  );
  const per = (ms: number | undefined): number => (ms ?? Number.NaN) / result['2xx'];
  return {
    cpuService: per(cpuMs[0]),
    cpuRedis: per(cpuMs[1]),
    cpuLoad: per(cpuMs[2]),
    perSecond: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result['2xx'],
    failed: result.non2xx + result.errors,
    bytes: bodies ? bytes / bodies : Number.NaN,
  };
}

export async function acceptScenario(ctx: BenchContext): Promise<Section[]> {
  const { stack } = ctx;
  const ingest = await stack.startIngest({
    name: 'ingest-http',
    roles: 'http',
    redisDb: 1,
    prefix: 'accept',
    profiles: stack.profiles,
  });
  const receiver = await stack.startReceiver({
    name: 'receiver',
    redisDb: 1,
    listKey: 'bench:accept',
  });
  const redis = new Redis(stack.redisUrl(1));
  const runs = await repeat(ctx, 'webhook accept', async (r) => {
    // Alternate the order, so neither side always runs on a warmer (or fuller) machine.
    const order: ['ours' | 'base', Service][] = [
      ['ours', ingest],
      ['base', receiver],
    ];
    if (r % 2) order.reverse();
    const got: Partial<Record<'ours' | 'base', Measured>> = {};
    for (const [side, target] of order) {
      got[side] = await blast(ctx, target);
      await redis.flushdb();
      log(
        `  ${side === 'ours' ? 'ingest' : 'baseline'}: ${fmtInt(got[side].perSecond)} accepted/s, p50 ${fmtMs(got[side].p50)} ms, p99 ${fmtMs(got[side].p99)} ms`,
      );
    }
    return { ours: got.ours!, base: got.base! };
  });
  for (const s of [ingest, receiver]) ctx.stoppedPeaks.set(s.name, memoryOf(s.pid));
  await ingest.stop();
  await receiver.stop();
  await redis.quit();

  const pick = (side: 'ours' | 'base', k: keyof Measured): number[] => runs.map((x) => x[side][k]);
  const m = (side: 'ours' | 'base', k: keyof Measured): number => median(pick(side, k));
  const rate = ratio(m('ours', 'perSecond'), m('base', 'perSecond'));
  const failed = runs.reduce((s, x) => s + x.ours.failed, 0);
  return [
    {
      title: '1. Webhook accept (workers paused)',
      method: [
        `autocannon, ${ctx.config.connections} connections for ${ctx.config.acceptSeconds} s per run; every body unique and signed (X-Hub-Signature-256), ` +
          `mean ${fmtInt(m('ours', 'bytes'))} bytes, ${describeMix(ctx.mix)}, 30 % new senders, 10 % statuses. ` +
          'Ours: ingest with `INGEST_ROLES=http` (HMAC over the raw bytes, bounded JSON check, one durable BullMQ add, 200). ' +
          'Baseline: `bench/src/baseline/receiver.ts` as its own process (node:http, raw body, timing-safe HMAC-SHA256, one `RPUSH` with ioredis, 200), ' +
          'same Redis server (AOF, `appendfsync always`). Order alternates per run; Redis database 1 is flushed after each measurement. Latency resolution 1 ms (autocannon).',
      ],
      tables: [
        {
          header: [
            'metric',
            'ours',
            'baseline',
            'ours / baseline',
            'target',
            'verdict',
            'spread (ours)',
          ],
          rows: [
            [
              'accepted / s',
              fmtInt(m('ours', 'perSecond')),
              fmtInt(m('base', 'perSecond')),
              fmtRatio(rate),
              '≥ 0.8× baseline',
              verdict(Number.isFinite(rate) ? rate >= 0.8 : undefined),
              spread(pick('ours', 'perSecond'), fmtInt),
            ],
            [
              'HTTP p50 ms',
              fmtMs(m('ours', 'p50')),
              fmtMs(m('base', 'p50')),
              fmtRatio(ratio(m('ours', 'p50'), m('base', 'p50'))),
              '–',
              '–',
              spread(pick('ours', 'p50'), fmtMs),
            ],
            ...(
              [
                ['cpuService', 'CPU ms per request: the receiving process'],
                ['cpuRedis', 'CPU ms per request: Redis server'],
                ['cpuLoad', 'CPU ms per request: load generator (the same for both)'],
              ] as const
            ).map(([k, label]) => [
              label,
              ...cpuCells(m('ours', k), m('base', k)),
              '–',
              '–',
              spread(pick('ours', k), fmtMs),
            ]),
            [
              'HTTP p99 ms',
              fmtMs(m('ours', 'p99')),
              fmtMs(m('base', 'p99')),
              fmtRatio(ratio(m('ours', 'p99'), m('base', 'p99'))),
              '≤ 25 ms',
              verdict(m('ours', 'p99') <= 25),
              spread(pick('ours', 'p99'), fmtMs),
            ],
          ],
        },
      ],
      notes: failed ? [`${fmtInt(failed)} requests to ingest were not answered 2xx.`] : [],
    },
  ];
}
