// Producer side of the "outbound" BullMQ queue (ingest's sender consumes it). The job id is the
// message id, so retried SendMessage calls never enqueue a message twice.
import { OUTBOUND_QUEUE, OutboundJob } from '@ue/proto';
import { Queue } from 'bullmq';
import { AppError } from '@ue/kit';

export interface OutboundQueue {
  enqueue(job: OutboundJob): Promise<void>;
  /** Remove the jobs of these messages (waiting, delayed, completed or failed; a running one stays). */
  remove(messageIds: string[]): Promise<void>;
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
    enqueue: (job) => bounded(queue.add('send', OutboundJob.toJSON(job), { jobId: job.messageId })),
    async remove(messageIds) {
      for (const id of messageIds) await bounded(queue.remove(id));
    },
    close: () => queue.close(),
  };
}

/** BullMQ waits for Redis indefinitely; a caller deserves a retryable answer instead. */
async function bounded(op: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new AppError('UNAVAILABLE', 'outbound queue unavailable, retry later')),
      5000,
    );
  });
  try {
    await Promise.race([op, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
