// Scenario 3, agent lookups: GetUser by id and by phone through @ue/profiles-client, as an
// agent calls it; 8 concurrent callers for BENCH_SECONDS (calls/s), then an open loop at
// 1,000 calls/s for BENCH_SECONDS (latency from each call's scheduled start). Baseline: the
// same lookup with the raw driver, mirroring profiles (services/profiles/src/app/users.ts,
// adapters/mongo/user-admin.ts): by id one findOne on users' _id; by phone the $or over
// profile.phoneE164 / waId / previousWaIds, newest activity first, limit 1.
import { GetUserRequest } from '@ue/proto';
import type { Collection } from 'mongodb';
import { explainFind } from '../baseline/explain.js';
import { closedLoop, openLoop } from '../load/loops.js';
import { writtenPhone } from '../people.js';
import { log } from '../progress.js';
import { seededRng } from '../random.js';
import { verdict, type Section } from '../report/markdown.js';
import type { Doc } from '../seed/records.js';
import { Reservoir, seedDatabase } from '../seed/seeder.js';
import { cpuDuring } from '../stack/procfs.js';
import { cpuCells, fmtInt, fmtMs, fmtRatio, median, ratio, spread, summarize } from '../stats.js';
import { repeat, type BenchContext } from './context.js';

export const LOOKUP_RATE = 1000;
const CALLERS = 8;
const MIN_USERS = 1000;

interface Target {
  id: string;
  waId: string;
}

interface Lookup {
  name: string;
  ours: (t: Target) => Promise<unknown>;
  raw: (t: Target) => Promise<unknown>;
}

/** profiles' phone lookup, as the raw driver would send it. */
export function phoneFilter(e164: string): Record<string, unknown> {
  const digits = e164.slice(1);
  return { $or: [{ 'profile.phoneE164': e164 }, { waId: digits }, { previousWaIds: digits }] };
}

function lookups(ctx: BenchContext, users: Collection<Doc>): Lookup[] {
  const get = (req: GetUserRequest) => ctx.agent.call('getUser', req);
  return [
    {
      name: 'GetUser by id',
      ours: (t) => get(GetUserRequest.fromPartial({ lookup: { $case: 'id', id: t.id } })),
      raw: (t) => users.findOne({ _id: t.id }),
    },
    {
      name: 'GetUser by phone',
      ours: (t) =>
        get(
          GetUserRequest.fromPartial({
            lookup: { $case: 'phone', phone: { phone: writtenPhone(t.waId) } },
          }),
        ),
      raw: (t) =>
        users
          .find(phoneFilter(`+${t.waId}`))
          .sort({ lastInteractionAt: -1, _id: -1 })
          .limit(1)
          .next(),
    },
  ];
}

async function population(ctx: BenchContext): Promise<Target[]> {
  const db = ctx.mongo.db('engagement');
  const users = db.collection<Doc>('users');
  const have = await users.estimatedDocumentCount();
  if (have < MIN_USERS) {
    log(`  seeding ${MIN_USERS} users into profiles' database for the lookups`);
    const existing = { users: 0, messages: 0 };
    await seedDatabase({
      db,
      templates: ctx.templates,
      from: existing,
      to: { users: MIN_USERS, messages: MIN_USERS * 5 },
      rng: seededRng(7),
      now: Date.now(),
      sample: new Reservoir(1, seededRng(8)),
      base: 700_000_000,
    });
  }
  const docs = await users
    .aggregate<{ _id: string; waId: string }>([
      { $match: { waId: { $ne: '' } } },
      { $sample: { size: 1000 } },
      { $project: { _id: 1, waId: 1 } },
    ])
    .toArray()
    .catch(() =>
      users
        .find({ waId: { $ne: '' } }, { projection: { _id: 1, waId: 1 } })
        .limit(1000)
        .toArray()
        .then((d) => d.map((x) => ({ _id: x._id, waId: String(x.waId) }))),
    );
  return docs.map((d) => ({ id: d._id, waId: d.waId }));
}

interface Measured {
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
  /** CPU ms per call in the closed loop: profiles, the database server, the caller. */
  cpuProfiles: number;
  cpuDb: number;
  cpuCaller: number;
}

async function measure(
  ctx: BenchContext,
  call: (t: Target) => Promise<unknown>,
  targets: Target[],
): Promise<Measured> {
  const at = (i: number): Target => targets[i % targets.length]!;
  const pids = [ctx.stack.profiles.pid, ctx.stack.mongo.pid, process.pid];
  const { result: closed, cpuMs } = await cpuDuring(pids, () =>
    closedLoop({ concurrency: CALLERS, seconds: ctx.config.seconds, call: (i) => call(at(i)) }),
  );
  const per = (ms: number | undefined): number => (ms ?? Number.NaN) / closed.count;
  const open = await openLoop({
    rate: LOOKUP_RATE,
    seconds: ctx.config.seconds,
    call: (i) => call(at(i)),
  });
  const s = summarize(open.latencies);
  return {
    perSecond: (closed.count / closed.elapsedMs) * 1000,
    p50: s.p50,
    p99: s.p99,
    errors: closed.errors + open.errors,
    cpuProfiles: per(cpuMs[0]),
    cpuDb: per(cpuMs[1]),
    cpuCaller: per(cpuMs[2]),
  };
}

export async function lookupsScenario(ctx: BenchContext): Promise<Section[]> {
  const users = ctx.mongo.db('engagement').collection<Doc>('users');
  const targets = await population(ctx);
  const count = await users.estimatedDocumentCount();
  const kinds = lookups(ctx, users);
  const runs = await repeat(ctx, 'agent lookups', async () => {
    const out: Record<string, { ours: Measured; raw: Measured }> = {};
    for (const k of kinds) {
      const ours = await measure(ctx, k.ours, targets);
      const raw = await measure(ctx, k.raw, targets);
      log(
        `  ${k.name}: ${fmtInt(ours.perSecond)} vs raw ${fmtInt(raw.perSecond)} calls/s; p99 at ${LOOKUP_RATE}/s ${fmtMs(ours.p99)} vs ${fmtMs(raw.p99)} ms`,
      );
      out[k.name] = { ours, raw };
    }
    return out;
  });
  const plan = await explainFind(
    users
      .find(phoneFilter(`+${targets[0]?.waId ?? ''}`))
      .sort({ lastInteractionAt: -1, _id: -1 })
      .limit(1),
  );
  const rows: string[][] = [];
  for (const k of kinds) {
    const v = (side: 'ours' | 'raw', f: keyof Measured): number[] =>
      runs.map((r) => r[k.name]![side][f]);
    const m = (side: 'ours' | 'raw', f: keyof Measured): number => median(v(side, f));
    const rr = ratio(m('ours', 'perSecond'), m('raw', 'perSecond'));
    rows.push(
      [
        `${k.name}: calls/s, ${CALLERS} callers`,
        fmtInt(m('ours', 'perSecond')),
        fmtInt(m('raw', 'perSecond')),
        fmtRatio(rr),
        '≥ 0.5× raw',
        verdict(rr >= 0.5),
        spread(v('ours', 'perSecond'), fmtInt),
      ],
      ...(
        [
          ['cpuProfiles', 'profiles'],
          ['cpuDb', 'database server'],
          ['cpuCaller', 'caller (client and load loop)'],
        ] as const
      ).map(([f, who]) => [
        `${k.name}: CPU ms per call, ${who}`,
        ...cpuCells(m('ours', f), m('raw', f)),
        '–',
        '–',
        spread(v('ours', f), fmtMs),
      ]),
      [
        `${k.name}: p50 ms at ${fmtInt(LOOKUP_RATE)}/s`,
        fmtMs(m('ours', 'p50')),
        fmtMs(m('raw', 'p50')),
        fmtRatio(ratio(m('ours', 'p50'), m('raw', 'p50'))),
        '–',
        '–',
        spread(v('ours', 'p50'), fmtMs),
      ],
      [
        `${k.name}: p99 ms at ${fmtInt(LOOKUP_RATE)}/s`,
        fmtMs(m('ours', 'p99')),
        fmtMs(m('raw', 'p99')),
        fmtRatio(ratio(m('ours', 'p99'), m('raw', 'p99'))),
        '≤ 5 ms',
        verdict(m('ours', 'p99') <= 5),
        spread(v('ours', 'p99'), fmtMs),
      ],
    );
  }
  const errors = runs.reduce(
    (s, r) => s + Object.values(r).reduce((a, x) => a + x.ours.errors, 0),
    0,
  );
  return [
    {
      title: '3. Agent lookups (GetUser)',
      method: [
        `${fmtInt(targets.length)} users sampled from profiles' database (${fmtInt(count)} users at the time), cycled through. ` +
          `Throughput: ${CALLERS} concurrent callers for ${ctx.config.seconds} s; latency: an open loop at ${fmtInt(LOOKUP_RATE)} calls/s for ${ctx.config.seconds} s, ` +
          'measured from each call\'s scheduled start. Ours: `@ue/profiles-client` (token auth, deadline) → profiles → database; by phone with the number written as "+49 17x xxxxxxxx". ' +
          "Raw: the driver's `findOne({_id})`, and for the phone profiles' own query (`$or` over `profile.phoneE164`, `waId`, `previousWaIds`, sorted by last activity, limit 1).",
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
          rows,
        },
      ],
      notes: [
        `Raw phone query plan: ${typeof plan === 'string' ? plan : `${plan.stages} (keys ${fmtInt(plan.keysExamined)}, docs ${fmtInt(plan.docsExamined)}, returned ${fmtInt(plan.returned)})`}.`,
        ...(errors ? [`${fmtInt(errors)} of our calls failed or timed out.`] : []),
      ],
    },
  ];
}
