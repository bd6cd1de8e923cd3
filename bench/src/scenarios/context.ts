// What every scenario gets: the settings, the stack, clients to it, the webhook mix, the
// documents to clone, and a place to leave facts for later scenarios.
import type { MongoClient } from 'mongodb';
import type { ProfilesClient } from '@ue/profiles-client';
import type { BenchConfig } from '../config.js';
import { log } from '../progress.js';
import type { Rng } from '../random.js';
import type { DocTemplates } from '../seed/records.js';
import type { Memory } from '../stack/procfs.js';
import type { Stack } from '../stack/stack.js';
import type { TrafficMix } from '../webhooks/traffic.js';
import type { Section } from '../report/markdown.js';

export interface BenchContext {
  config: Readonly<BenchConfig>;
  stack: Stack;
  /** The main profiles, as the agent "carol". */
  agent: ProfilesClient;
  /** The raw driver, connected to the same server. */
  mongo: MongoClient;
  mix: TrafficMix;
  templates: DocTemplates;
  rng: Rng;
  /** Peak memory of processes that have stopped already (accept's ingest, the receiver). */
  stoppedPeaks: Map<string, Memory>;
  /** A fresh tag for wamids and user numbers: no two traffic streams collide. */
  nextStream(): { tag: string; userBase: number };
}

export type Scenario = (ctx: BenchContext) => Promise<Section[]>;

/** Run `fn` BENCH_RUNS times with progress lines; returns every run's result. */
export async function repeat<T>(
  ctx: BenchContext,
  what: string,
  fn: (run: number) => Promise<T>,
): Promise<T[]> {
  const out: T[] = [];
  for (let r = 0; r < ctx.config.runs; r++) {
    log(`${what}: run ${r + 1}/${ctx.config.runs}`);
    out.push(await fn(r));
  }
  return out;
}
