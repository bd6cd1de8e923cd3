// The benchmark harness (./dev bench): provision a throwaway stack, warm it up with real
// traffic, run the selected scenarios with their raw baselines, print the Markdown report and
// write it into docs/BENCHMARKS.md's generated block. Settings: src/config.ts. Progress goes to
// stderr; everything started is stopped and the temp folder removed, also on errors and Ctrl-C.
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { createProfilesClient } from '@ue/profiles-client';
import { loadBenchConfig, REPO_ROOT, type ScenarioName } from './config.js';
import { log } from './progress.js';
import { seededRng } from './random.js';
import { writeBlock } from './report/doc.js';
import { renderHeader } from './report/header.js';
import { renderSection, type Section } from './report/markdown.js';
import { acceptScenario } from './scenarios/accept.js';
import type { BenchContext } from './scenarios/context.js';
import { e2eScenario } from './scenarios/e2e.js';
import { lookupsScenario } from './scenarios/lookups.js';
import { pagesScenario } from './scenarios/pages.js';
import { peaks, resourcesScenario } from './scenarios/resources.js';
import { reviewScenario } from './scenarios/review.js';
import { mediaScenario } from './scenarios/media.js';
import { warmUp } from './seed/warmup.js';
import { Cleanup } from './stack/cleanup.js';
import { commitOf, machineFacts } from './stack/machine.js';
import type { Memory } from './stack/procfs.js';
import { provisionStack } from './stack/stack.js';
import { fmtDuration } from './stats.js';
import { loadMix } from './webhooks/mix.js';

const cleanup = new Cleanup();

function onSignal(signal: NodeJS.Signals): void {
  log(`${signal}: stopping everything this run started`);
  void cleanup.stopAll().finally(() => process.exit(130));
}

async function runScenarios(ctx: BenchContext): Promise<Section[]> {
  const sections: Section[] = [];
  let afterPipeline: Map<string, Memory> | undefined;
  const want = (s: ScenarioName): boolean => ctx.config.only.includes(s);
  if (want('accept')) sections.push(...(await acceptScenario(ctx)));
  if (want('e2e')) {
    sections.push(...(await e2eScenario(ctx)));
    afterPipeline = peaks(ctx);
  }
  if (want('lookups')) sections.push(...(await lookupsScenario(ctx)));
  if (want('pages')) sections.push(...(await pagesScenario(ctx)));
  if (want('resources')) sections.push(...(await resourcesScenario(ctx, afterPipeline)));
  if (want('review')) sections.push(...(await reviewScenario(ctx)));
  if (want('media')) sections.push(...(await mediaScenario(ctx)));
  return sections;
}

async function main(): Promise<void> {
  const config = loadBenchConfig();
  const startedAt = new Date();
  const machine = machineFacts();
  log(`benchmarks of ${config.root}: ${config.only.join(', ')}, ${config.runs} run(s) each`);
  const stack = await provisionStack({ config, cleanup });
  const mongo = new MongoClient(stack.mongoUrl('engagement'), { ignoreUndefined: true });
  await mongo.connect();
  const agent = createProfilesClient({
    addr: stack.profiles.addr,
    token: stack.secrets.tokens.agent,
    deadlineMs: 30_000,
  });
  cleanup.add('clients', async () => {
    agent.close();
    await mongo.close();
  });
  const mix = loadMix();
  log('warm-up: real webhooks and agent calls, documents to clone');
  const templates = await warmUp({ stack, agent, db: mongo.db('engagement'), mix });
  let stream = 0;
  const ctx: BenchContext = {
    config,
    stack,
    agent,
    mongo,
    mix,
    templates,
    rng: seededRng(20261201),
    stoppedPeaks: new Map(),
    nextStream: () => {
      stream += 1;
      return {
        tag: `s${stream}r${startedAt.getTime().toString(36)}`,
        userBase: stream * 10_000_000,
      };
    },
  };
  const sections = await runScenarios(ctx).catch((err: unknown) => {
    for (const s of stack.services()) {
      const tail = s.output().trim().split('\n').slice(-15).join('\n');
      if (tail) log(`last output of ${s.name}:\n${tail}`);
    }
    throw err;
  });
  const minutes = (Date.now() - startedAt.getTime()) / 60_000;
  const header = renderHeader({
    config,
    machine,
    commits: {
      measured: commitOf(config.root),
      harness: commitOf(REPO_ROOT),
      sameCheckout: config.root === REPO_ROOT,
    },
    startedAt,
    minutes,
    warnings: templates.warnings,
  });
  const block = [header, ...sections.map(renderSection)].join('\n');
  process.stdout.write(`## Last run\n\n${block}\n`);
  if (config.writeDoc) {
    const doc = join(REPO_ROOT, 'docs', 'BENCHMARKS.md');
    writeBlock(doc, block);
    log(`report written into ${doc}`);
  }
  log(`done in ${fmtDuration(Date.now() - startedAt.getTime())}`);
}

process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);
process.once('SIGHUP', onSignal);
// A closed stdout (| head) must not kill the run before it cleans up.
process.stdout.on('error', () => undefined);
process.on('unhandledRejection', (err) => {
  if (cleanup.stopping) return; // interrupted work failing against stopped servers
  log(`unhandled rejection: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
});

main()
  .catch((err: unknown) => {
    log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await cleanup.stopAll();
    // Keep-alive sockets and client channels must not hold the process open.
    process.exit();
  });
