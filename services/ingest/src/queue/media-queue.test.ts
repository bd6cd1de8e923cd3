import { MessageType, WebhookEvent } from '@ue/proto';
import { describe, expect, it } from 'vitest';
import { MediaRetry } from '../jobs/fetch-media.js';
import { mediaJobId, mediaJobsOf } from './media-queue.js';
import { mediaBackoff } from './media-worker.js';

const inbound = (type: MessageType, mediaId: string, wamid = `wamid.${mediaId}`): WebhookEvent =>
  WebhookEvent.fromPartial({
    accountId: '117733559900011',
    event: {
      $case: 'inboundMessage',
      inboundMessage: {
        wamid,
        content: { type, media: { mediaId, mimeType: 'image/jpeg', sha256: 'c2hh' } },
      },
    },
  });

describe('media jobs', () => {
  it('queues one fetch per inbound media message with a provider media id', () => {
    const events = [
      inbound(MessageType.IMAGE, '1'),
      inbound(MessageType.AUDIO, '2'),
      inbound(MessageType.VIDEO, '3'),
      inbound(MessageType.DOCUMENT, '4'),
      inbound(MessageType.STICKER, '5'),
      inbound(MessageType.TEXT, '6'),
      inbound(MessageType.IMAGE, ''),
      WebhookEvent.fromPartial({
        accountId: '1',
        event: { $case: 'status', status: { wamid: 'wamid.x' } },
      }),
    ];
    expect(mediaJobsOf(events)).toEqual(
      ['image', 'audio', 'video', 'document', 'sticker'].map((kind, i) => ({
        accountId: '117733559900011',
        wamid: `wamid.${i + 1}`,
        kind,
        mediaId: String(i + 1),
        mimeType: 'image/jpeg',
        sha256: 'c2hh',
      })),
    );
  });

  it('names a job by account and wamid only, in characters BullMQ accepts', () => {
    const a = mediaJobId('117733559900011', 'wamid.HBgN/+abc==');
    expect(a).toBe(mediaJobId('117733559900011', 'wamid.HBgN/+abc=='));
    expect(a).not.toBe(mediaJobId('228844661100022', 'wamid.HBgN/+abc=='));
    expect(a).toMatch(/^media-[0-9a-f]{40}$/);
  });

  it('waits as long as a failure asks, else backs off exponentially', () => {
    const retry = { baseMs: 1000, maxMs: 60_000 };
    expect(mediaBackoff(1, new MediaRetry('token', 600_000), retry)).toBe(600_000);
    const d = mediaBackoff(3, new Error('HTTP 500'), retry);
    expect(d).toBeGreaterThanOrEqual(3200);
    expect(d).toBeLessThanOrEqual(4800);
  });
});
