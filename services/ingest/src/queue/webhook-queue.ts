// The durable hand-off between the webhook endpoint and the worker: one BullMQ job per POST.
import { createHash } from 'node:crypto';
import type { JobsOptions } from 'bullmq';

/** Queue holding raw provider deliveries, one job per accepted POST. */
export const WEBHOOK_QUEUE = 'webhooks';

/** The webhook routes, one per provider; also the job's name. */
export const WEBHOOK_PROVIDERS = ['whatsapp', 'messenger', 'instagram'] as const;
export type WebhookProvider = (typeof WEBHOOK_PROVIDERS)[number];

export interface WebhookJobData {
  /**
   * Which route took it, so which parser reads the body: WhatsApp's, or the Messenger /
   * Instagram one (which follows the body's `object`, whichever of the two routes took it).
   */
  provider: WebhookProvider;
  /** The body exactly as received, base64 (bytes are kept bit for bit for audit and replay). */
  bodyBase64: string;
  /** Lowercase hex SHA-256 of the body. */
  sha256: string;
  /** ISO time the endpoint accepted it. */
  receivedAt: string;
}

export function sha256Hex(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

/**
 * BullMQ job ids must not contain ':'; a hex digest never does. The same bytes on the Messenger
 * and the Instagram route are one delivery (one parser reads both), on the WhatsApp route another.
 */
export function webhookJobId(provider: WebhookProvider, sha256: string): string {
  return `${provider === 'whatsapp' ? 'wa' : 'meta'}-${sha256}`;
}

export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  maxMs: number;
}

/** Options of every webhook job: retried with capped exponential backoff, failures kept. */
export function webhookJobOptions(jobId: string, retry: RetryPolicy): JobsOptions {
  return {
    jobId,
    attempts: retry.attempts,
    backoff: { type: 'capped-exponential' },
    // Keep completed ids a day so an identical retry from the provider is not queued again.
    removeOnComplete: { age: 24 * 3600, count: 50_000 },
    // Dead letters stay until someone replays or deletes them.
    removeOnFail: false,
  };
}

/** Delay before retry n (1-based): base·2^(n-1), capped, with ±20 % jitter. */
export function backoffDelay(
  attemptsMade: number,
  retry: Pick<RetryPolicy, 'baseMs' | 'maxMs'>,
  rand = Math.random,
): number {
  const exp = Math.min(
    retry.maxMs,
    retry.baseMs * 2 ** Math.max(0, Math.min(attemptsMade - 1, 30)),
  );
  return Math.round(exp * (0.8 + 0.4 * rand()));
}
