// Composition root: read config, open Redis / gRPC / queues, start workers and HTTP, and close
// everything in reverse order on SIGTERM/SIGINT: HTTP stops accepting first, then the workers
// finish their in-flight jobs (unfinished ones return to the queue), then connections close.
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import {
  createLogger,
  exitOnStartupError,
  handleShutdown,
  type Closer,
  type Logger,
} from '@ue/kit';
import { createProfilesClient, type ProfilesClient } from '@ue/profiles-client';
import { OUTBOUND_QUEUE } from '@ue/proto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createApp } from './app.js';
import { loadConfig, mediaCaps, type Config } from './config.js';
import { createApplyWebhook } from './jobs/apply-webhook.js';
import { EventBatcher } from './jobs/event-batcher.js';
import { createFetchMedia } from './jobs/fetch-media.js';
import { createFetchProfile } from './jobs/fetch-profile.js';
import { createUploadAttachment } from './jobs/outbound-attachment.js';
import { createSendOutbound } from './jobs/send-outbound.js';
import { createMetrics, type Metrics } from './ops/metrics.js';
import { throttledWarn } from './ops/throttle.js';
import { openAttachmentUrl } from './providers/meta/attachment-url.js';
import {
  isMetaChannel,
  metaParts,
  sendMetaMessage,
  uploadMetaAttachment,
} from './providers/meta/send-api.js';
import {
  fetchMediaMetadata,
  openMediaDownload,
  uploadMedia,
} from './providers/whatsapp/media-api.js';
import { fetchMetaProfile } from './providers/meta/user-profile-api.js';
import { sendMessage } from './providers/whatsapp/send-api.js';
import { MEDIA_FETCH, MEDIA_QUEUE, mediaJobId, mediaJobOptions } from './queue/media-queue.js';
import { startMediaWorker } from './queue/media-worker.js';
import { startOutboundWorker } from './queue/outbound-worker.js';
import {
  PROFILE_FETCH,
  PROFILE_QUEUE,
  profileJobId,
  profileJobOptions,
} from './queue/profile-queue.js';
import { startProfileWorker } from './queue/profile-worker.js';
import { createRateLimiter } from './queue/rate-limiter.js';
import { createFailFastRedis, withTimeout } from './queue/redis.js';
import {
  WEBHOOK_QUEUE,
  webhookJobId,
  webhookJobOptions,
  type RetryPolicy,
} from './queue/webhook-queue.js';
import { startWebhookWorker } from './queue/webhook-worker.js';

interface Shared {
  config: Config;
  log: Logger;
  closers: Closer[];
  metrics: Metrics;
  profiles: ProfilesClient;
  retry: RetryPolicy;
}

function startWebhookPipeline({ config, log, closers, metrics, profiles, retry }: Shared): void {
  const batcher = new EventBatcher({
    windowMs: config.WEBHOOK_BATCH_WINDOW_MS,
    lanes: config.WEBHOOK_BATCH_LANES,
    maxEvents: config.WEBHOOK_BATCH_MAX_EVENTS,
    maxBytes: 3 * 1024 * 1024,
    apply: (req) => profiles.call('applyWebhookEvents', req),
    onBatch: (items) => metrics.applyBatchSize.observe(items),
  });
  // The worker's own connection for queueing media fetches: it may wait for Redis (the
  // delivery is retried if it fails), unlike the request path's fail-fast one.
  const mediaQueue = new Queue(MEDIA_QUEUE, {
    connection: { url: config.REDIS_URL, maxRetriesPerRequest: 3 },
    prefix: config.BULLMQ_PREFIX,
  });
  mediaQueue.on('error', throttledWarn(log, 'media queue error'));
  const profileQueue = new Queue(PROFILE_QUEUE, {
    connection: { url: config.REDIS_URL, maxRetriesPerRequest: 3 },
    prefix: config.BULLMQ_PREFIX,
  });
  profileQueue.on('error', throttledWarn(log, 'profile queue error'));
  const process = createApplyWebhook({
    batcher,
    maxEvents: config.WEBHOOK_BATCH_MAX_EVENTS,
    enqueueMedia: async (jobs) => {
      await mediaQueue.addBulk(
        jobs.map((data) => ({
          name: MEDIA_FETCH,
          data,
          opts: mediaJobOptions(mediaJobId(data.accountId, data.wamid), config.MEDIA_ATTEMPTS),
        })),
      );
    },
    enqueueProfiles: async (jobs) => {
      await profileQueue.addBulk(
        jobs.map((data) => ({
          name: PROFILE_FETCH,
          data,
          opts: profileJobOptions(
            profileJobId(data.accountId, data.scopedId),
            config.PROFILE_FETCH_ATTEMPTS,
          ),
        })),
      );
    },
    metrics,
    log,
  });
  const w = startWebhookWorker({
    redisUrl: config.REDIS_URL,
    prefix: config.BULLMQ_PREFIX,
    concurrency: config.WEBHOOK_CONCURRENCY,
    retry,
    process,
    batcher,
    metrics,
    log,
  });
  closers.push({ name: 'webhook worker', close: w.close });
  // Closed after the worker (closers run in reverse): in-flight deliveries still queue theirs.
  closers.splice(
    closers.length - 1,
    0,
    { name: 'media queue (webhook worker)', close: () => mediaQueue.close() },
    { name: 'profile queue (webhook worker)', close: () => profileQueue.close() },
  );
}

function startMediaFetcher({ config, log, closers, metrics, profiles, retry }: Shared): void {
  const api = {
    baseUrl: config.WHATSAPP_API_BASE_URL,
    accessToken: config.WHATSAPP_ACCESS_TOKEN,
    timeoutMs: config.MEDIA_TIMEOUT_MS,
  };
  const process = createFetchMedia({
    profiles,
    metadata: (mediaId) => fetchMediaMetadata(api, mediaId),
    download: (url, signal) => openMediaDownload({ ...api, signal }, url),
    downloadUrl: openAttachmentUrl,
    caps: mediaCaps(config),
    downloadTimeoutMs: config.MEDIA_DOWNLOAD_TIMEOUT_MS,
    checksumRetries: config.MEDIA_CHECKSUM_RETRIES,
    tokenRetryMs: config.MEDIA_TOKEN_RETRY_MS,
    metrics,
    log,
  });
  const w = startMediaWorker({
    redisUrl: config.REDIS_URL,
    prefix: config.BULLMQ_PREFIX,
    concurrency: config.MEDIA_CONCURRENCY,
    retry,
    process,
    metrics,
    log,
  });
  closers.push({ name: 'media worker', close: w.close });
}

/**
 * Customers' names (User Profile API), in the media-worker role: like media, a fetch from Meta
 * after a message is stored. Its own batcher applies the names the way webhook events are.
 */
function startProfileFetcher({ config, log, closers, metrics, profiles, retry }: Shared): void {
  const batcher = new EventBatcher({
    windowMs: config.WEBHOOK_BATCH_WINDOW_MS,
    lanes: config.WEBHOOK_BATCH_LANES,
    maxEvents: config.WEBHOOK_BATCH_MAX_EVENTS,
    maxBytes: 3 * 1024 * 1024,
    apply: (req) => profiles.call('applyWebhookEvents', req),
    onBatch: (items) => metrics.applyBatchSize.observe(items),
  });
  const meta = {
    baseUrl: config.META_API_BASE_URL,
    tokens: { messenger: config.MESSENGER_PAGE_TOKENS, instagram: config.INSTAGRAM_TOKENS },
    timeoutMs: config.MEDIA_TIMEOUT_MS,
  };
  const process = createFetchProfile({
    fetchProfile: (r) => fetchMetaProfile(meta, r),
    submit: (item) => batcher.submit(item),
    metrics,
    log,
  });
  const w = startProfileWorker({
    redisUrl: config.REDIS_URL,
    prefix: config.BULLMQ_PREFIX,
    concurrency: config.MEDIA_CONCURRENCY,
    retry,
    process,
    batcher,
    metrics,
    log,
  });
  closers.push({ name: 'profile worker', close: w.close });
}

function startSender({ config, log, closers, metrics, profiles, retry }: Shared): void {
  const limiterRedis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 3 });
  limiterRedis.on('error', throttledWarn(log, 'rate limiter redis error'));
  closers.push({
    name: 'rate limiter redis',
    close: () => limiterRedis.quit().catch(() => limiterRedis.disconnect()),
  });
  const api = {
    baseUrl: config.WHATSAPP_API_BASE_URL,
    accessToken: config.WHATSAPP_ACCESS_TOKEN,
    timeoutMs: config.OUTBOUND_TIMEOUT_MS,
  };
  const meta = {
    baseUrl: config.META_API_BASE_URL,
    tokens: { messenger: config.MESSENGER_PAGE_TOKENS, instagram: config.INSTAGRAM_TOKENS },
    timeoutMs: config.OUTBOUND_TIMEOUT_MS,
  };
  // An upload carries the whole file: the media download's bound, not one send's.
  const uploadTimeoutMs = config.MEDIA_DOWNLOAD_TIMEOUT_MS;
  const process = createSendOutbound({
    send: (job, part) =>
      isMetaChannel(job.channel) ? sendMetaMessage(meta, { job, part }) : sendMessage(api, job),
    partsOf: (job) => (isMetaChannel(job.channel) ? metaParts(job) : 1),
    uploadAttachment: createUploadAttachment({
      profiles,
      upload: (job, file) =>
        isMetaChannel(job.channel)
          ? uploadMetaAttachment({ ...meta, timeoutMs: uploadTimeoutMs }, { job, file })
          : uploadMedia({ ...api, timeoutMs: uploadTimeoutMs }, file),
      deadlineMs: config.MEDIA_DOWNLOAD_TIMEOUT_MS,
    }),
    report: (event) => profiles.call('applyWebhookEvents', { events: [event], deliveries: [] }),
    limiter: createRateLimiter(limiterRedis, {
      prefix: config.BULLMQ_PREFIX,
      perSecond: config.OUTBOUND_RATE_PER_SECOND,
    }),
    maxTries: config.OUTBOUND_ATTEMPTS,
    retry,
    metrics,
    log,
  });
  const w = startOutboundWorker({
    redisUrl: config.REDIS_URL,
    prefix: config.BULLMQ_PREFIX,
    concurrency: config.OUTBOUND_CONCURRENCY,
    process,
    metrics,
    log,
  });
  closers.push({ name: 'outbound worker', close: w.close });
}

async function listen(
  config: Config,
  fetch: (req: Request) => Response | Promise<Response>,
  closers: Closer[],
): Promise<void> {
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch, port: config.PORT, hostname: config.HOST }, () =>
      resolve(s as Server),
    );
  });
  closers.push({
    name: 'http',
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  });
}

async function main(config: Config): Promise<void> {
  const log = createLogger('ingest', config.LOG_LEVEL);
  const closers: Closer[] = [];
  handleShutdown(log, closers, config.SHUTDOWN_GRACE_MS);
  const timeoutMs = config.WEBHOOK_ENQUEUE_TIMEOUT_MS;
  const retry = {
    attempts: config.WEBHOOK_ATTEMPTS,
    baseMs: config.RETRY_BASE_MS,
    maxMs: config.RETRY_MAX_MS,
  };

  // The request path's Redis: fails fast, so a provider request never waits on an outage.
  const redis = createFailFastRedis(config.REDIS_URL, timeoutMs);
  redis.on('error', throttledWarn(log, 'redis connection error'));
  closers.push({ name: 'redis', close: () => redis.quit().catch(() => redis.disconnect()) });
  const queues = [WEBHOOK_QUEUE, OUTBOUND_QUEUE, MEDIA_QUEUE, PROFILE_QUEUE].map((name) => {
    const q = new Queue(name, { connection: redis, prefix: config.BULLMQ_PREFIX });
    q.on('error', throttledWarn(log, `${name} queue error`));
    closers.push({ name: `${name} queue`, close: () => q.close() });
    return q;
  });
  const webhooks = queues[0]!;

  const profiles = createProfilesClient({
    addr: config.PROFILES_ADDR,
    token: config.PROFILES_TOKEN,
    deadlineMs: config.PROFILES_DEADLINE_MS,
    // While profiles restarts, calls wait (up to their deadline) for the connection instead of
    // failing at once, so a retried job finds profiles as soon as it is back.
    waitForReady: true,
    channelOptions: {
      'grpc.initial_reconnect_backoff_ms': 200,
      'grpc.max_reconnect_backoff_ms': 5_000,
      'grpc.max_send_message_length': 64 * 1024 * 1024,
    },
  });
  closers.push({ name: 'profiles client', close: () => Promise.resolve(profiles.close()) });

  const metrics = createMetrics(async () => {
    const counts = await Promise.all(
      queues.map((q) =>
        withTimeout(
          q.getJobCounts('waiting', 'active', 'delayed', 'failed'),
          timeoutMs,
          'job counts',
        ),
      ),
    );
    return counts.flatMap((c, i) =>
      Object.entries(c).map(([state, count]) => ({ queue: queues[i]!.name, state, count })),
    );
  });

  const shared: Shared = { config, log, closers, metrics, profiles, retry };
  if (config.INGEST_ROLES.includes('webhook-worker')) startWebhookPipeline(shared);
  if (config.INGEST_ROLES.includes('outbound-worker')) startSender(shared);
  if (config.INGEST_ROLES.includes('media-worker')) {
    startMediaFetcher(shared);
    startProfileFetcher(shared);
  }
  if (config.INGEST_ROLES.includes('http')) {
    const app = createApp({
      whatsapp: {
        verifyToken: config.WHATSAPP_VERIFY_TOKEN,
        appSecrets: config.WHATSAPP_APP_SECRET,
      },
      meta: {
        verifyToken: config.MESSENGER_VERIFY_TOKEN,
        appSecrets: config.MESSENGER_APP_SECRET,
      },
      maxBytes: config.WEBHOOK_MAX_BYTES,
      metrics,
      log,
      enqueue: async (data) => {
        await withTimeout(
          webhooks.add(
            data.provider,
            data,
            webhookJobOptions(webhookJobId(data.provider, data.sha256), retry),
          ),
          timeoutMs,
          'enqueue',
        );
      },
      health: async () => {
        const [redisUp, profilesUp] = await Promise.all([
          withTimeout(redis.ping(), 1000, 'redis ping').then(
            () => true,
            () => false,
          ),
          profiles.reachable(1000),
        ]);
        return { redis: redisUp, profiles: profilesUp };
      },
    });
    await listen(config, app.fetch, closers);
  }
  log.info(
    {
      host: config.HOST,
      port: config.PORT,
      roles: config.INGEST_ROLES,
      profiles: config.PROFILES_ADDR,
      prefix: config.BULLMQ_PREFIX,
    },
    'ingest started',
  );
}

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  exitOnStartupError('ingest', err);
}
main(config).catch((err: unknown) => exitOnStartupError('ingest', err));
