// Scenario 4, pages and search at realistic sizes. A second profiles (and a bff in front of it)
// runs on its own database, which profiles indexes at start; the seeder fills it in bulk with
// clones of real documents (seed/), topping up from one BENCH_PAGE_SIZES entry to the next.
// Each query (pages-queries.ts) is timed with sequential calls: through gRPC, as bff HTML
// (logged in as an admin) and as the raw driver's equivalent; plus the raw equivalent's plan.
import { createProfilesClient, type ProfilesClient } from '@ue/profiles-client';
import { ListUsersRequest } from '@ue/proto';
import type { Db } from 'mongodb';
import type { PageSize } from '../config.js';
import type { PlanSummary } from '../baseline/explain.js';
import { loginToBff, type BffClient } from '../load/bff-client.js';
import { log } from '../progress.js';
import { seededRng } from '../random.js';
import { verdict, type Section, type Table } from '../report/markdown.js';
import { vocabulary } from '../seed/plan.js';
import { Reservoir, seedDatabase } from '../seed/seeder.js';
import { fmtDuration, fmtInt, fmtMs, median, summarize } from '../stats.js';
import { repeat, type BenchContext } from './context.js';
import { PAGE_SIZE, pageQueries, type PageQuery } from './pages-queries.js';

const PAGES_DB = 'bench_pages';
/** No query's measurement takes longer than this (slow ones get fewer calls). */
const BUDGET_MS = 20_000;
const WARM_CALLS = 3;
const DEEP_PAGES = 20;
/** Vocabulary rank of the message word searched for (a word of middling frequency). */
const WORD_RANK = 120;

interface Timing {
  p50: number;
  p95: number;
  calls: number;
  errors: number;
}

async function sequential(o: { calls: number; fn: (i: number) => Promise<void> }): Promise<Timing> {
  for (let i = 0; i < WARM_CALLS; i++) await o.fn(i).catch(() => undefined);
  const samples: number[] = [];
  let errors = 0;
  const until = performance.now() + BUDGET_MS;
  for (let i = 0; i < o.calls && performance.now() < until; i++) {
    const t = performance.now();
    try {
      await o.fn(WARM_CALLS + i);
      samples.push(performance.now() - t);
    } catch {
      errors += 1;
    }
  }
  const s = summarize(samples);
  return { p50: s.p50, p95: s.p95, calls: s.count, errors };
}

interface QueryResult {
  name: string;
  grpc: Timing;
  html?: Timing;
  raw: Timing;
}

interface SizeResult {
  size: PageSize;
  seeded: { users: number; messages: number; ms: number };
  queries: { name: string; grpc: Timing; html?: Timing; raw: Timing }[];
  plans: Map<string, PlanSummary | string>;
}

/** A token for page DEEP_PAGES + 1 of the default list, and that page's number (less when shorter). */
async function deepToken(profiles: ProfilesClient): Promise<{ token: string; page: number }> {
  let token = '';
  let page = 1;
  for (; page <= DEEP_PAGES; page++) {
    const res = await profiles.call(
      'listUsers',
      ListUsersRequest.fromPartial({ pageSize: PAGE_SIZE, pageToken: token }),
    );
    if (!res.nextPageToken) break;
    token = res.nextPageToken;
  }
  return { token, page };
}

async function measureQuery(o: {
  ctx: BenchContext;
  q: PageQuery;
  bff: BffClient;
}): Promise<QueryResult> {
  const calls = o.ctx.config.pageCalls;
  const grpc = await sequential({ calls, fn: async (i) => void (await o.q.grpc(i)) });
  const html = o.q.html
    ? await sequential({
        calls,
        fn: async (i) => {
          const r = await o.bff.get(o.q.html!(i));
          if (r.status !== 200) throw new Error(`bff answered ${r.status}`);
        },
      })
    : undefined;
  const raw = await sequential({ calls, fn: async (i) => void (await o.q.raw(i)) });
  return { name: o.q.name, grpc, ...(html ? { html } : {}), raw };
}

async function measureSize(o: {
  ctx: BenchContext;
  db: Db;
  profiles: ProfilesClient;
  bff: BffClient;
  sample: Reservoir;
  size: PageSize;
  seeded: { users: number; messages: number; ms: number };
}): Promise<SizeResult> {
  const { ctx } = o;
  const queries = pageQueries({
    profiles: o.profiles,
    db: o.db,
    users: o.sample.items,
    word: vocabulary()[WORD_RANK]!,
    deep: await deepToken(o.profiles),
    now: Date.now(),
  });
  const plans = new Map<string, PlanSummary | string>();
  for (const q of queries) plans.set(q.name, await q.explain());
  const runs = await repeat(ctx, `pages at ${fmtInt(o.size.users)} users`, async () => {
    const out: QueryResult[] = [];
    for (const q of queries) {
      const r = await measureQuery({ ctx, q, bff: o.bff });
      log(
        `  ${q.name}: gRPC p95 ${fmtMs(r.grpc.p95)}, HTML p95 ${r.html ? fmtMs(r.html.p95) : '–'}, raw p95 ${fmtMs(r.raw.p95)} ms`,
      );
      out.push(r);
    }
    return out;
  });
  const med = (t: Timing[]): Timing => ({
    p50: median(t.map((x) => x.p50)),
    p95: median(t.map((x) => x.p95)),
    calls: median(t.map((x) => x.calls)),
    errors: t.reduce((s, x) => s + x.errors, 0),
  });
  const merged = queries.map((q, i) => {
    const html = runs.map((r) => r[i]!.html).filter((h): h is Timing => h !== undefined);
    return {
      name: q.name,
      grpc: med(runs.map((r) => r[i]!.grpc)),
      ...(html.length ? { html: med(html) } : {}),
      raw: med(runs.map((r) => r[i]!.raw)),
    };
  });
  return {
    size: o.size,
    seeded: o.seeded,
    queries: merged,
    plans,
  };
}

const within = (ours: Timing | undefined, raw: Timing): boolean | undefined =>
  ours && Number.isFinite(ours.p95) ? ours.p95 <= raw.p95 + 10 : undefined;

function sizeTable(r: SizeResult): Table {
  return {
    header: [
      'query',
      'gRPC p50',
      'gRPC p95',
      'HTML p50',
      'HTML p95',
      'raw p50',
      'raw p95',
      'target: p95 ≤ raw p95 + 10 ms',
    ],
    rows: r.queries.map((q) => {
      const ok = [within(q.grpc, q.raw), within(q.html, q.raw)].filter((v) => v !== undefined);
      const capped = q.grpc.calls < 50 ? ` (${fmtInt(q.grpc.calls)} calls)` : '';
      return [
        q.name + capped,
        fmtMs(q.grpc.p50),
        fmtMs(q.grpc.p95),
        q.html ? fmtMs(q.html.p50) : 'n/a',
        q.html ? fmtMs(q.html.p95) : 'n/a',
        fmtMs(q.raw.p50),
        fmtMs(q.raw.p95),
        verdict(ok.length ? ok.every(Boolean) : undefined),
      ];
    }),
  };
}

function planTable(r: SizeResult): Table {
  return {
    header: ['query (raw equivalent)', 'plan', 'keys examined', 'docs examined', 'returned'],
    rows: r.queries.map((q) => {
      const p = r.plans.get(q.name);
      if (!p || typeof p === 'string') return [q.name, p ?? '–', '–', '–', '–'];
      const flags = [p.collscan ? '**COLLSCAN**' : '', p.inMemorySort ? '**in-memory sort**' : '']
        .filter(Boolean)
        .join(', ');
      return [
        q.name,
        `${p.stages}${flags ? ` — ${flags}` : ''}`,
        fmtInt(p.keysExamined),
        fmtInt(p.docsExamined),
        fmtInt(p.returned),
      ];
    }),
  };
}

/** Growth from the first to the last size: ours no worse than raw (×1.25, or +2 ms, of noise). */
function growthTable(first: SizeResult, last: SizeResult): Table {
  const g = (a: number, b: number): string => `${fmtMs(a)} → ${fmtMs(b)} (${(b / a).toFixed(1)}×)`;
  return {
    header: ['query', 'gRPC p95', 'HTML p95', 'raw p95', 'target: growth no worse than raw'],
    rows: first.queries.flatMap((q) => {
      const l = last.queries.find((x) => x.name === q.name);
      if (!l) return [];
      const rawGrowth = l.raw.p95 / q.raw.p95;
      const rawAdded = l.raw.p95 - q.raw.p95;
      const ok = (a?: Timing, b?: Timing): boolean | undefined =>
        a && b ? b.p95 / a.p95 <= rawGrowth * 1.25 || b.p95 - a.p95 <= rawAdded + 2 : undefined;
      const verdicts = [ok(q.grpc, l.grpc), ok(q.html, l.html)].filter((v) => v !== undefined);
      return [
        [
          q.name,
          g(q.grpc.p95, l.grpc.p95),
          q.html && l.html ? g(q.html.p95, l.html.p95) : 'n/a',
          g(q.raw.p95, l.raw.p95),
          verdict(verdicts.length ? verdicts.every(Boolean) : undefined),
        ],
      ];
    }),
  };
}

export async function pagesScenario(ctx: BenchContext): Promise<Section[]> {
  const { stack } = ctx;
  const db = ctx.mongo.db(PAGES_DB);
  await db.dropDatabase();
  const profilesSvc = await stack.startProfiles({
    name: 'profiles-pages',
    db: PAGES_DB,
    prefix: 'pages',
  });
  const bffSvc = await stack.startBff({ name: 'bff-pages', profiles: profilesSvc });
  const profiles = createProfilesClient({
    addr: profilesSvc.addr,
    token: stack.secrets.tokens.agent,
    deadlineMs: 60_000,
  });
  const bff = await loginToBff({ url: bffSvc.addr, ...stack.secrets.admin });
  const rng = seededRng(4242);
  const sample = new Reservoir(200, rng);
  const results: SizeResult[] = [];
  let have: PageSize = { users: 0, messages: 0 };
  try {
    for (const size of ctx.config.pageSizes) {
      log(`pages: seeding up to ${fmtInt(size.users)} users, ${fmtInt(size.messages)} messages`);
      const seeded = await seedDatabase({
        db,
        templates: ctx.templates,
        from: have,
        to: size,
        rng,
        now: Date.now(),
        sample,
      });
      log(
        `  seeded ${fmtInt(seeded.users)} users and ${fmtInt(seeded.messages)} messages in ${fmtDuration(seeded.ms)}`,
      );
      have = size;
      results.push(
        await measureSize({
          ctx,
          db,
          profiles,
          bff,
          sample,
          size,
          seeded,
        }),
      );
    }
  } finally {
    profiles.close();
    await bffSvc.stop();
    await profilesSvc.stop();
    await db.dropDatabase().catch(() => undefined);
  }
  const sections: Section[] = results.map((r, i) => ({
    title: `4${String.fromCharCode(97 + i)}. Pages and search at ${fmtInt(r.size.users)} users, ${fmtInt(r.size.messages)} messages`,
    method: [
      i === 0
        ? `A second profiles and bff on database \`${PAGES_DB}\` (indexed by profiles at start), seeded in bulk with the raw driver from clones of real documents ` +
          '(user, identities, messages, follow-up; statuses, tags, pauses, follow-ups and a Zipf-like message vocabulary in realistic shares; search terms, previews and counters as profiles computes them). ' +
          `Each query: ${ctx.config.pageCalls} sequential calls (at most ${BUDGET_MS / 1000} s, after ${WARM_CALLS} warm-up calls), through gRPC (ListUsers page size ${PAGE_SIZE}; user page = GetUser + ListMessages 40), ` +
          "as bff HTML with an admin session, and as the raw driver's equivalent (same filter, sort and limit, a keyset page as the same two index ranges in parallel; whole documents, where profiles leaves out the search terms). Times in ms, client-side on the same machine."
        : 'Same method, topped up from the previous size.',
      `Seeding${i ? ' (top-up)' : ''}: ${fmtInt(r.seeded.users)} users and ${fmtInt(r.seeded.messages)} messages (with identities and follow-ups) in ${fmtDuration(r.seeded.ms)}, ${fmtInt(((r.seeded.users + r.seeded.messages) / r.seeded.ms) * 1000)} documents/s (users + messages).`,
    ],
    tables: [sizeTable(r), planTable(r)],
  }));
  if (results.length >= 2) {
    const first = results[0]!;
    const last = results[results.length - 1]!;
    sections.push({
      title: `4${String.fromCharCode(97 + results.length)}. Growth from ${fmtInt(first.size.users)} to ${fmtInt(last.size.users)} users`,
      method: [
        "p95 at the first and the last size. Met when our growth factor is at most 1.25× raw's, or our p95 grew by at most 2 ms more than raw's.",
      ],
      tables: [growthTable(first, last)],
    });
  }
  return sections;
}
