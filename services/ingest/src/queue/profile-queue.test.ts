import { Channel, WebhookEvent } from '@ue/proto';
import { describe, expect, it } from 'vitest';
import { ProfileRetry } from '../jobs/fetch-profile.js';
import { profileJobId, profileJobOptions, profileJobsOf } from './profile-queue.js';
import { profileBackoff } from './profile-worker.js';

const inbound = (o: {
  channel: Channel;
  scopedId?: string;
  waId?: string;
  echo?: boolean;
  account?: string;
}): WebhookEvent =>
  WebhookEvent.fromPartial({
    accountId: o.account ?? '1029384756',
    channel: o.channel,
    event: {
      $case: 'inboundMessage',
      inboundMessage: {
        wamid: 'm_1',
        echo: o.echo ?? false,
        from: { scopedId: o.scopedId ?? '', waId: o.waId ?? '' },
      },
    },
  });

describe('profile jobs', () => {
  it('one per Messenger / Instagram customer who wrote; not echoes, not WhatsApp', () => {
    const jobs = profileJobsOf([
      inbound({ channel: Channel.MESSENGER, scopedId: '6500000000000101' }),
      inbound({ channel: Channel.MESSENGER, scopedId: '6500000000000101' }),
      inbound({ channel: Channel.MESSENGER, scopedId: '6500000000000102', echo: true }),
      inbound({ channel: Channel.INSTAGRAM, scopedId: '17841400000000201', account: '178' }),
      inbound({ channel: Channel.WHATSAPP, waId: '491701234567' }),
      inbound({ channel: Channel.MESSENGER }),
      WebhookEvent.fromPartial({
        accountId: '1029384756',
        channel: Channel.MESSENGER,
        event: {
          $case: 'userSeen',
          userSeen: { user: { scopedId: '6500000000000109' } },
        },
      }),
    ]);
    expect(jobs).toEqual([
      { accountId: '1029384756', channel: 'messenger', scopedId: '6500000000000101' },
      { accountId: '178', channel: 'instagram', scopedId: '17841400000000201' },
    ]);
  });

  it('a deterministic id per account and customer, kept a week', () => {
    expect(profileJobId('1029384756', '6500000000000101')).toBe(
      'profile-1029384756-6500000000000101',
    );
    const odd = profileJobId('a:b', '1');
    expect(odd).toMatch(/^profile-[0-9a-f]{40}$/);
    expect(profileJobId('a:b', '1')).toBe(odd);
    expect(profileJobOptions('x', 5)).toMatchObject({
      jobId: 'x',
      attempts: 5,
      removeOnComplete: { age: 7 * 24 * 3600 },
    });
  });

  it('backoff: Retry-After when the provider gave one, else the capped exponential one', () => {
    const retry = { baseMs: 1000, maxMs: 4000 };
    expect(profileBackoff(3, new ProfileRetry('429', 2500), retry)).toBe(2500);
    const d = profileBackoff(10, new ProfileRetry('500'), retry);
    expect(d).toBeGreaterThanOrEqual(3200);
    expect(d).toBeLessThanOrEqual(4800);
  });
});
