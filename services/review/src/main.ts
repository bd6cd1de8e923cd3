// Composition root: config, a lower CPU priority, Redis, the profiles client, the model, the
// review queue and its worker, the event follower, /healthz and /metrics. SIGTERM closes them in
// reverse order (the worker finishes or returns its job; the follower stops at the next event).
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createLogger, exitOnStartupError, handleShutdown, type Closer } from '@ue/kit';
import { createProfilesClient } from '@ue/profiles-client';
import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { loadConfig, type Config } from './config.js';
import { createHttp } from './http.js';
import { createLocalProcessModel, type LocalProcessModel } from './models/local-process.js';
import type { ReviewModel } from './models/model.js';
import { createOpenAiModel } from './models/openai.js';
import { createCpuGate } from './ops/cpu-gate.js';
import { createMetrics } from './ops/metrics.js';
import { lowerPriority } from './ops/priority.js';
import { reviewConversation, type ReviewJob } from './reviewer.js';
import {
  createPendingJobs,
  createScheduler,
  followEvents,
  PENDING_MAX_AGE_MS,
  PENDING_MAX_USERS,
  REVIEW_QUEUE,
} from './schedule.js';

export const PROMPT_VERSION = 'review-v1';

function loadPrompt(): { version: string; instructions: string } {
  const url = new URL(`../prompts/${PROMPT_VERSION}.md`, import.meta.url);
  return { version: PROMPT_VERSION, instructions: readFileSync(url, 'utf8') };
}

function createModel(
  config: Config,
  log: ReturnType<typeof createLogger>,
): ReviewModel | LocalProcessModel {
  if (config.REVIEW_PROVIDER === 'openai')
    return createOpenAiModel({
      baseUrl: config.REVIEW_BASE_URL!,
      ...(config.REVIEW_API_KEY ? { apiKey: config.REVIEW_API_KEY } : {}),
      model: config.REVIEW_MODEL!,
      timeoutMs: config.REVIEW_TIMEOUT_MS,
      retries: config.REVIEW_HTTP_RETRIES,
      minTimeoutMs: config.REVIEW_HTTP_BACKOFF_MS,
      log,
    });
  return createLocalProcessModel({
    model: {
      modelPath: config.REVIEW_MODEL_PATH!,
      threads: config.REVIEW_THREADS,
      contextTokens: config.REVIEW_CONTEXT_TOKENS,
    },
    nice: config.REVIEW_NICE,
    logLevel: config.LOG_LEVEL,
  });
}

async function main(config: Config): Promise<void> {
  const log = createLogger('review', config.LOG_LEVEL);
  const renice = (): void => {
    try {
      lowerPriority(config.REVIEW_NICE);
    } catch (err) {
      log.warn({ err: String(err) }, 'could not lower the CPU priority');
    }
  };
  renice();
  const closers: Closer[] = [];
  handleShutdown(log, closers, config.SHUTDOWN_GRACE_MS);
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 3 });
  // ioredis reconnects on its own (with backoff); each failed attempt is said once.
  redis.on('error', (err) => log.warn({ err: String(err) }, 'redis connection error'));
  closers.push({ name: 'redis', close: () => redis.quit().catch(() => redis.disconnect()) });
  const profiles = createProfilesClient({
    addr: config.PROFILES_ADDR,
    token: config.PROFILES_TOKEN,
    deadlineMs: 30_000,
    waitForReady: true,
  });
  closers.push({ name: 'profiles client', close: () => Promise.resolve(profiles.close()) });

  const off = config.REVIEW_PROVIDER === 'off';
  const queue = new Queue<ReviewJob>(REVIEW_QUEUE, {
    connection: redis,
    prefix: config.BULLMQ_PREFIX,
  });
  queue.on('error', (err) => log.warn({ err: String(err) }, 'review queue error'));
  closers.push({ name: 'review queue', close: () => queue.close() });
  const metrics = createMetrics(async () => {
    const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed');
    return Object.entries(c).map(([state, count]) => ({ state, count }));
  });
  let modelReady: boolean | string = off ? 'off' : false;
  let following = false;
  let backfilling = true;
  const app = createHttp({
    metrics,
    health: async () => ({
      redis: await redis.ping().then(
        () => true,
        () => false,
      ),
      profiles: await profiles.reachable(1000),
      model: modelReady,
      ...(off ? {} : { following, backfilling: backfilling ? 'yes' : 'no' }),
    }),
  });
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, () =>
      resolve(s as Server),
    );
  });
  closers.push({
    name: 'http',
    close: () => new Promise<void>((r) => server.close(() => r())),
  });
  if (off) {
    log.info('REVIEW_PROVIDER=off: reviews are disabled');
    return;
  }

  const model = createModel(config, log);
  await model.start();
  closers.push({ name: 'model', close: () => model.close() });
  modelReady = true;

  const deps = {
    profiles,
    model,
    prompt: loadPrompt(),
    displayLanguage: config.REVIEW_LANGUAGE,
    quietMs: config.REVIEW_QUIET_MS,
    maxMessages: config.REVIEW_MAX_MESSAGES,
    maxChars: config.REVIEW_MAX_CHARS_PER_MESSAGE,
    metrics,
    log,
  };
  // The local model runs on this machine's CPU: only when the rest of it is quiet enough.
  const local = 'pause' in model ? model : undefined;
  const gate = createCpuGate({
    limit: local ? config.REVIEW_YIELD_ABOVE : 1,
    ownPids: () => [local?.pid()],
  });
  closers.push({ name: 'cpu gate', close: () => Promise.resolve(gate.close()) });
  const pending = createPendingJobs({ maxAgeMs: PENDING_MAX_AGE_MS, maxSize: PENDING_MAX_USERS });
  const processJob = async (job: Job<ReviewJob>, token?: string): Promise<unknown> => {
    await gate.waitForQuiet();
    // From here on, a new message schedules again: this run may read the history before it.
    pending.started(job.data.userId);
    const hold = local ? gate.holdWhileBusy(local, () => metrics.pauses.inc()) : undefined;
    try {
      const outcome = await reviewConversation(deps, job.data);
      if (typeof outcome === 'string' || !token) return outcome;
      // Messages came after this job was written: wait until the conversation is quiet.
      metrics.reviews.inc({ provider: model.provider, outcome: 'deferred' });
      await job.moveToDelayed(outcome.quietAt, token);
      throw new DelayedError();
    } finally {
      hold?.done();
    }
  };
  const worker = new Worker<ReviewJob>(REVIEW_QUEUE, processJob, {
    connection: { url: config.REDIS_URL, maxRetriesPerRequest: null },
    prefix: config.BULLMQ_PREFIX,
    concurrency: config.REVIEW_CONCURRENCY,
    lockDuration: 120_000,
  });
  worker.on('error', (err) => log.warn({ err: String(err) }, 'review worker error'));
  closers.push({ name: 'review worker', close: () => worker.close() });

  const stop = new AbortController();
  const follower = followEvents({
    profiles,
    redis,
    cursorKey: `${config.BULLMQ_PREFIX}:review:cursor`,
    scheduler: createScheduler({
      queue,
      retry: { attempts: config.REVIEW_ATTEMPTS, baseMs: config.REVIEW_RETRY_BASE_MS },
      metrics,
      pending,
    }),
    quietMs: config.REVIEW_QUIET_MS,
    signal: stop.signal,
    log,
    onConnected: () => (following = true),
    onBackfilled: () => (backfilling = false),
  });
  closers.push({
    name: 'event follower',
    close: async () => {
      stop.abort();
      await follower;
    },
  });
  log.info(
    {
      provider: model.provider,
      model: model.name,
      quietMs: config.REVIEW_QUIET_MS,
      port: config.PORT,
    },
    'review service ready',
  );
}

try {
  await main(loadConfig());
} catch (err) {
  exitOnStartupError('review', err);
}
