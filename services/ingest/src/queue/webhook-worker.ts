// The BullMQ worker consuming provider deliveries. worker.close() lets in-flight jobs finish
// (the batcher is flushed at once); a job whose process dies is returned to the queue by
// BullMQ's stalled-job check.
import type { Logger } from '@ue/kit';
import { Worker, type Job } from 'bullmq';
import type { ApplyWebhookResult } from '../jobs/apply-webhook.js';
import type { EventBatcher } from '../jobs/event-batcher.js';
import type { Metrics } from '../ops/metrics.js';
import { throttledWarn } from '../ops/throttle.js';
import { workerConnection } from './redis.js';
import {
  WEBHOOK_QUEUE,
  backoffDelay,
  type RetryPolicy,
  type WebhookJobData,
} from './webhook-queue.js';

export interface WebhookWorkerOptions {
  redisUrl: string;
  prefix: string;
  concurrency: number;
  retry: RetryPolicy;
  process: (job: Job<WebhookJobData>) => Promise<ApplyWebhookResult>;
  batcher: Pick<EventBatcher, 'flush'>;
  metrics: Metrics;
  log: Logger;
}

/** Whether this failure was the job's last attempt (it is now a dead letter). */
export function isFinalFailure(job: Job, err: Error): boolean {
  return err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
}

export function startWebhookWorker(o: WebhookWorkerOptions): {
  worker: Worker;
  close: () => Promise<void>;
} {
  const worker = new Worker<WebhookJobData, ApplyWebhookResult>(WEBHOOK_QUEUE, o.process, {
    connection: workerConnection(o.redisUrl),
    prefix: o.prefix,
    concurrency: o.concurrency,
    settings: { backoffStrategy: (attemptsMade: number) => backoffDelay(attemptsMade, o.retry) },
  });
  worker.on('completed', () => o.metrics.jobsProcessed.inc({ queue: WEBHOOK_QUEUE }));
  worker.on('failed', (job, err) => {
    if (!job) return;
    if (isFinalFailure(job, err)) {
      o.metrics.jobsDeadLettered.inc({ queue: WEBHOOK_QUEUE });
      o.log.error(
        { job: job.id, attempts: job.attemptsMade, reason: err.message },
        'webhook delivery dead-lettered',
      );
    } else {
      o.metrics.jobsRetried.inc({ queue: WEBHOOK_QUEUE });
      o.log.warn(
        { job: job.id, attempts: job.attemptsMade, reason: err.message },
        'webhook delivery will be retried',
      );
    }
  });
  worker.on('error', throttledWarn(o.log, 'webhook worker error'));
  return {
    worker,
    close: async () => {
      const closing = worker.close();
      o.batcher.flush();
      await closing;
    },
  };
}
