// The BullMQ worker fetching inbound media (src/jobs/fetch-media.ts). Retries use the usual
// capped backoff, or the delay a MediaRetry asks for (the provider's Retry-After, or the longer
// wait after a refused access token).
import type { Logger } from '@ue/kit';
import { Worker, type Job } from 'bullmq';
import { MediaRetry, type FetchMediaResult } from '../jobs/fetch-media.js';
import type { Metrics } from '../ops/metrics.js';
import { throttledWarn } from '../ops/throttle.js';
import { MEDIA_QUEUE, type MediaJobData } from './media-queue.js';
import { workerConnection } from './redis.js';
import { backoffDelay, type RetryPolicy } from './webhook-queue.js';
import { isFinalFailure } from './webhook-worker.js';

export interface MediaWorkerOptions {
  redisUrl: string;
  prefix: string;
  concurrency: number;
  retry: Pick<RetryPolicy, 'baseMs' | 'maxMs'>;
  process: (job: Job<MediaJobData>) => Promise<FetchMediaResult>;
  metrics: Metrics;
  log: Logger;
}

/** Delay before retry n: what the failure asked for, else the capped exponential backoff. */
export function mediaBackoff(
  attemptsMade: number,
  err: Error | undefined,
  retry: Pick<RetryPolicy, 'baseMs' | 'maxMs'>,
): number {
  if (err instanceof MediaRetry && err.delayMs !== undefined) return err.delayMs;
  return backoffDelay(attemptsMade, retry);
}

export function startMediaWorker(o: MediaWorkerOptions): {
  worker: Worker;
  close: () => Promise<void>;
} {
  const worker = new Worker<MediaJobData, FetchMediaResult>(MEDIA_QUEUE, o.process, {
    connection: workerConnection(o.redisUrl),
    prefix: o.prefix,
    concurrency: o.concurrency,
    settings: {
      backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) =>
        mediaBackoff(attemptsMade, err, o.retry),
    },
  });
  worker.on('completed', () => o.metrics.jobsProcessed.inc({ queue: MEDIA_QUEUE }));
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final = isFinalFailure(job, err);
    (final ? o.metrics.jobsDeadLettered : o.metrics.jobsRetried).inc({ queue: MEDIA_QUEUE });
    o.log[final ? 'error' : 'warn'](
      { job: job.id, account: job.data.accountId, attempts: job.attemptsMade, reason: err.message },
      final ? 'media job failed for good' : 'media fetch will be retried',
    );
  });
  worker.on('error', throttledWarn(o.log, 'media worker error'));
  return { worker, close: () => worker.close() };
}
