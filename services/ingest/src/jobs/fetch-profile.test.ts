import { Channel } from '@ue/proto';
import { AppError } from '@ue/kit';
import type { Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../ops/metrics.js';
import type { ProfileOutcome } from '../providers/meta/user-profile-api.js';
import type { ProfileJobData } from '../queue/profile-queue.js';
import type { BatchItem } from './event-batcher.js';
import { createFetchProfile, ProfileRetry } from './fetch-profile.js';

interface Logged {
  level: string;
  obj: Record<string, unknown>;
  msg: string;
}

function setup(outcome: ProfileOutcome, submitError?: Error) {
  const submitted: BatchItem[] = [];
  const logged: Logged[] = [];
  const at = (level: string) => (obj: Record<string, unknown>, msg: string) =>
    void logged.push({ level, obj, msg });
  const log = { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') };
  const process = createFetchProfile({
    fetchProfile: () => Promise.resolve(outcome),
    submit: (item) => {
      submitted.push(item);
      return submitError ? Promise.reject(submitError) : Promise.resolve();
    },
    metrics: createMetrics(),
    log: log as never,
    now: () => new Date('2026-03-01T10:00:00Z'),
  });
  const job = (data: ProfileJobData) => ({ id: 'j1', data }) as Job<ProfileJobData>;
  return { process, job, submitted, logged };
}

const MESSENGER: ProfileJobData = {
  accountId: '1029384756',
  channel: 'messenger',
  scopedId: '6500000000000101',
};

describe('fetch-profile job', () => {
  it('applies the name as a userSeen event through the batcher, without a delivery', async () => {
    const s = setup({ kind: 'profile', name: 'Anna Schneider' });
    expect(await s.process(s.job(MESSENGER))).toBe('named');
    expect(s.submitted).toHaveLength(1);
    const item = s.submitted[0]!;
    expect(item.delivery).toBeUndefined();
    expect(item.events).toMatchObject([
      {
        accountId: '1029384756',
        channel: Channel.MESSENGER,
        occurredAt: new Date('2026-03-01T10:00:00Z'),
        event: {
          $case: 'userSeen',
          userSeen: { user: { scopedId: '6500000000000101' }, name: 'Anna Schneider' },
        },
      },
    ]);
    expect(JSON.stringify(s.logged)).not.toContain('Anna');
  });

  it('a refusal ends the job (no retry, no dead letter), logged at info with a masked id', async () => {
    const s = setup({ kind: 'refused', reason: 'HTTP 400 (#100/2018218 OAuthException)' });
    expect(await s.process(s.job(MESSENGER))).toBe('refused');
    expect(s.submitted).toEqual([]);
    expect(s.logged.map((l) => [l.level, l.obj])).toEqual([
      [
        'info',
        {
          job: 'j1',
          account: '1029384756',
          user: '…0101',
          reason: 'HTTP 400 (#100/2018218 OAuthException)',
        },
      ],
    ]);
    expect(JSON.stringify(s.logged)).not.toContain('6500000000000101');
  });

  it('a transient answer throws a ProfileRetry carrying Retry-After', async () => {
    const s = setup({ kind: 'retry', reason: 'HTTP 429', retryAfterMs: 3000 });
    const err = await s.process(s.job(MESSENGER)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProfileRetry);
    expect((err as ProfileRetry).delayMs).toBe(3000);
  });

  it('a profile without a name sends nothing', async () => {
    const s = setup({ kind: 'profile' });
    expect(await s.process(s.job({ ...MESSENGER, channel: 'instagram' }))).toBe('unnamed');
    expect(s.submitted).toEqual([]);
  });

  it('profiles down is retried; a refusal by profiles is final', async () => {
    const down = setup({ kind: 'profile', name: 'X' }, new AppError('UNAVAILABLE', 'down'));
    const e1 = (await down.process(down.job(MESSENGER)).catch((e: unknown) => e)) as Error;
    expect(e1.name).not.toBe('UnrecoverableError');
    const bad = setup({ kind: 'profile', name: 'X' }, new AppError('INVALID_ARGUMENT', 'no'));
    const e2 = (await bad.process(bad.job(MESSENGER)).catch((e: unknown) => e)) as Error;
    expect(e2.name).toBe('UnrecoverableError');
  });
});
