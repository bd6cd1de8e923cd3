// The BullMQ worker fetching customers' names (src/jobs/fetch-profile.ts), run by the
// media-worker role. Retries use the capped backoff, or the provider's Retry-After.
import type { Logger } from '@ue/kit';
import { Worker, type Job } from 'bullmq';
import type { EventBatcher } from '../jobs/event-batcher.js';
import { ProfileRetry, type FetchProfileResult } from '../jobs/fetch-profile.js';
import type { Metrics } from '../ops/metrics.js';
import { throttledWarn } from '../ops/throttle.js';
import { maskScopedId } from '../providers/meta/user-profile-api.js';
import { PROFILE_QUEUE, type ProfileJobData } from './profile-queue.js';
import { workerConnection } from './redis.js';
import { backoffDelay, type RetryPolicy } from './webhook-queue.js';
import { isFinalFailure } from './webhook-worker.js';

export interface ProfileWorkerOptions {
  redisUrl: string;
  prefix: string;
  concurrency: number;
  retry: Pick<RetryPolicy, 'baseMs' | 'maxMs'>;
  process: (job: Job<ProfileJobData>) => Promise<FetchProfileResult>;
  /** Flushed on close, so in-flight jobs' names go out at once. */
  batcher: Pick<EventBatcher, 'flush'>;
  metrics: Metrics;
  log: Logger;
}

/** Delay before retry n: the provider's Retry-After, else the capped exponential backoff. */
export function profileBackoff(
  attemptsMade: number,
  err: Error | undefined,
  retry: Pick<RetryPolicy, 'baseMs' | 'maxMs'>,
): number {
  if (err instanceof ProfileRetry && err.delayMs !== undefined) return err.delayMs;
  return backoffDelay(attemptsMade, retry);
}

export function startProfileWorker(o: ProfileWorkerOptions): {
  worker: Worker;
  close: () => Promise<void>;
} {
  const worker = new Worker<ProfileJobData, FetchProfileResult>(PROFILE_QUEUE, o.process, {
    connection: workerConnection(o.redisUrl),
    prefix: o.prefix,
    concurrency: o.concurrency,
    settings: {
      backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) =>
        profileBackoff(attemptsMade, err, o.retry),
    },
  });
  worker.on('completed', () => o.metrics.jobsProcessed.inc({ queue: PROFILE_QUEUE }));
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final = isFinalFailure(job, err);
    (final ? o.metrics.jobsDeadLettered : o.metrics.jobsRetried).inc({ queue: PROFILE_QUEUE });
    o.log[final ? 'error' : 'warn'](
      {
        job: job.id,
        account: job.data.accountId,
        user: maskScopedId(job.data.scopedId),
        attempts: job.attemptsMade,
        reason: err.message,
      },
      final ? 'profile fetch failed for good' : 'profile fetch will be retried',
    );
  });
  worker.on('error', throttledWarn(o.log, 'profile worker error'));
  return {
    worker,
    close: async () => {
      const closing = worker.close();
      o.batcher.flush();
      await closing;
    },
  };
}
