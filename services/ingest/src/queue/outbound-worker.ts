// The BullMQ worker sending replies queued by profiles on the shared "outbound" queue.
import type { Logger } from '@ue/kit';
import { OUTBOUND_QUEUE } from '@ue/proto';
import { Worker, type Job } from 'bullmq';
import type { OutboundJobData, SenderState } from '../jobs/send-outbound.js';
import type { Metrics } from '../ops/metrics.js';
import { throttledWarn } from '../ops/throttle.js';
import { workerConnection } from './redis.js';
import { isFinalFailure } from './webhook-worker.js';

export interface OutboundWorkerOptions {
  redisUrl: string;
  prefix: string;
  concurrency: number;
  process: (job: Job<OutboundJobData>, token?: string) => Promise<SenderState['result']>;
  metrics: Metrics;
  log: Logger;
}

export function startOutboundWorker(o: OutboundWorkerOptions): {
  worker: Worker;
  close: () => Promise<void>;
} {
  const worker = new Worker<OutboundJobData, SenderState['result']>(OUTBOUND_QUEUE, o.process, {
    connection: workerConnection(o.redisUrl),
    prefix: o.prefix,
    concurrency: o.concurrency,
  });
  worker.on('completed', () => o.metrics.jobsProcessed.inc({ queue: OUTBOUND_QUEUE }));
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final = isFinalFailure(job, err);
    (final ? o.metrics.jobsDeadLettered : o.metrics.jobsRetried).inc({ queue: OUTBOUND_QUEUE });
    o.log[final ? 'error' : 'warn'](
      { job: job.id, attempts: job.attemptsMade, reason: err.message },
      final ? 'outbound job dead-lettered' : 'outbound job will be retried',
    );
  });
  worker.on('error', throttledWarn(o.log, 'outbound worker error'));
  return { worker, close: () => worker.close() };
}
