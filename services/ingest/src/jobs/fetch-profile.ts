// Worker step for one customer's name (src/queue/profile-queue.ts): ask Meta's User Profile
// API, then hand the name to profiles as a userSeen event through the batcher, like a webhook's
// events (no raw delivery). Rate limits, 5xx and network trouble are retried with backoff; a
// refusal (privacy settings, no permission, unknown id, no token) ends the job quietly, logged
// at info with the account and a masked scoped id. Neither the token nor the name is logged.
import type { Logger } from '@ue/kit';
import { Channel } from '@ue/proto';
import type { Job } from 'bullmq';
import type { Metrics } from '../ops/metrics.js';
import {
  maskScopedId,
  profileEvent,
  type ProfileOutcome,
  type ProfileRequest,
} from '../providers/meta/user-profile-api.js';
import type { ProfileJobData } from '../queue/profile-queue.js';
import type { BatchItem } from './event-batcher.js';
import { profilesFailure } from './profiles-failure.js';

/** A failure worth repeating; `delayMs` is the provider's Retry-After when it gave one. */
export class ProfileRetry extends Error {
  constructor(
    message: string,
    readonly delayMs?: number,
  ) {
    super(message);
    this.name = 'ProfileRetry';
  }
}

export interface FetchProfileDeps {
  fetchProfile: (r: ProfileRequest) => Promise<ProfileOutcome>;
  /** The batcher's submit (EventBatcher): applies the events in profiles. */
  submit: (item: BatchItem) => Promise<void>;
  metrics: Pick<Metrics, 'profileFetches'>;
  log: Logger;
  now?: () => Date;
}

export type FetchProfileResult = 'named' | 'unnamed' | 'refused';

export function createFetchProfile(
  deps: FetchProfileDeps,
): (job: Job<ProfileJobData>) => Promise<FetchProfileResult> {
  const now = deps.now ?? (() => new Date());
  return async (job) => {
    const d = job.data;
    const channel = d.channel === 'instagram' ? Channel.INSTAGRAM : Channel.MESSENGER;
    const req: ProfileRequest = { channel, accountId: d.accountId, scopedId: d.scopedId };
    const count = (outcome: string) =>
      deps.metrics.profileFetches.inc({ channel: d.channel, outcome });
    const out = await deps.fetchProfile(req);
    if (out.kind === 'retry') {
      count('retried');
      throw new ProfileRetry(`User Profile API: ${out.reason}`, out.retryAfterMs);
    }
    const who = { job: job.id, account: d.accountId, user: maskScopedId(d.scopedId) };
    if (out.kind === 'refused') {
      count('refused');
      deps.log.info({ ...who, reason: out.reason }, 'customer profile not available; not retried');
      return 'refused';
    }
    if (!out.name && !out.username) {
      count('unnamed');
      deps.log.info(who, 'customer profile holds no name');
      return 'unnamed';
    }
    try {
      await deps.submit({ events: [profileEvent(req, out, now())] });
    } catch (err) {
      throw profilesFailure(err, 'the profile').error;
    }
    count('named');
    return 'named';
  };
}
