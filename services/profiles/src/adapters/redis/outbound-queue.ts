// Producer side of the "outbound" BullMQ queue (ingest's sender consumes it). The job id is the
// message id, so retried SendMessage calls never enqueue a message twice.
import { OUTBOUND_QUEUE, OutboundJob } from '@ue/proto';
import { Queue } from 'bullmq';
import { AppError } from '@ue/kit';

export interface OutboundQueue {
  enqueue(job: OutboundJob): Promise<void>;
  close(): Promise<void>;
}

export function createOutboundQueue(redisUrl: string, prefix: string): OutboundQueue {
  const url = new URL(redisUrl);
  const queue = new Queue(OUTBOUND_QUEUE, {
    prefix,
    connection: {
      host: url.hostname,
      port: Number(url.port || 6379),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.pathname.length > 1 ? { db: Number(url.pathname.slice(1)) } : {}),
      ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
      maxRetriesPerRequest: null,
    },
    defaultJobOptions: {
      attempts: 8,
      backoff: { type: 'exponential', delay: 2000 },
      removeOnComplete: 1000,
      removeOnFail: false,
    },
  });
  return {
    async enqueue(job) {
      // BullMQ waits for Redis indefinitely; a caller deserves a retryable answer instead.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new AppError('UNAVAILABLE', 'outbound queue unavailable, retry later')),
          5000,
        );
      });
      try {
        await Promise.race([
          queue.add('send', OutboundJob.toJSON(job), { jobId: job.messageId }),
          timeout,
        ]);
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => queue.close(),
  };
}
