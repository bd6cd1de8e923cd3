// The "user-profiles" queue: one job per Messenger / Instagram customer writing in, asking
// Meta's User Profile API for their name (docs/ingest.md, "Customer names"). Its deterministic
// job id and a week's retention of completed jobs keep one customer from being fetched more
// than about once a week, however many messages they send. Run by the media-worker role.
import { createHash } from 'node:crypto';
import { Channel, type WebhookEvent } from '@ue/proto';
import type { JobsOptions } from 'bullmq';

export const PROFILE_QUEUE = 'user-profiles';

/** Job name: fetch one customer's name from Meta and apply it in profiles. */
export const PROFILE_FETCH = 'fetch';

/** How long a fetched (or refused) customer is not asked for again. */
export const PROFILE_REFETCH_AFTER_S = 7 * 24 * 3600;

export interface ProfileJobData {
  accountId: string;
  channel: 'messenger' | 'instagram';
  /** PSID / IGSID. */
  scopedId: string;
}

const SAFE_ID = /^[\w.-]{1,100}$/;

/** `profile-<account>-<scopedId>`: one job per customer while it is kept. */
export function profileJobId(accountId: string, scopedId: string): string {
  if (SAFE_ID.test(accountId) && SAFE_ID.test(scopedId)) return `profile-${accountId}-${scopedId}`;
  // BullMQ ids must not hold ":"; anything unusual becomes a digest (still deterministic).
  const digest = createHash('sha256').update(`${accountId}\n${scopedId}`).digest('hex');
  return `profile-${digest.slice(0, 40)}`;
}

export function profileJobOptions(jobId: string, attempts: number): JobsOptions {
  return {
    jobId,
    attempts,
    // The delay comes from the worker's backoffStrategy (Retry-After, else the usual backoff).
    backoff: { type: 'profile' },
    // Kept a week: a message within it finds the id and queues nothing.
    removeOnComplete: { age: PROFILE_REFETCH_AFTER_S },
    removeOnFail: { age: PROFILE_REFETCH_AFTER_S },
  };
}

/** One fetch per customer who wrote (inbound, not the page's echoes) in these events. */
export function profileJobsOf(events: WebhookEvent[]): ProfileJobData[] {
  const jobs = new Map<string, ProfileJobData>();
  for (const e of events) {
    if (e.event?.$case !== 'inboundMessage' || e.event.inboundMessage.echo) continue;
    const channel =
      e.channel === Channel.MESSENGER
        ? 'messenger'
        : e.channel === Channel.INSTAGRAM
          ? 'instagram'
          : undefined;
    const scopedId = e.event.inboundMessage.from?.scopedId ?? '';
    if (!channel || !scopedId || !e.accountId) continue;
    jobs.set(profileJobId(e.accountId, scopedId), { accountId: e.accountId, channel, scopedId });
  }
  return [...jobs.values()];
}
