import { Channel, MessageType, WebhookEvent } from '@ue/proto';
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

  it('queues Messenger / Instagram attachments by their URL; their stickers as images', () => {
    const byUrl = (type: MessageType, wamid: string, channel = Channel.MESSENGER) =>
      WebhookEvent.fromPartial({
        accountId: '1029384756',
        channel,
        event: {
          $case: 'inboundMessage',
          inboundMessage: {
            wamid,
            echo: wamid === 'm_echo',
            content: { type, media: { url: `https://cdn.example/${wamid}.bin?oh=sig` } },
          },
        },
      });
    const jobs = mediaJobsOf([
      byUrl(MessageType.IMAGE, 'm_1'),
      byUrl(MessageType.DOCUMENT, 'm_2', Channel.INSTAGRAM),
      byUrl(MessageType.STICKER, 'm_3'),
      byUrl(MessageType.VIDEO, 'm_echo'),
      // A WhatsApp message is fetched by media id only, never by a URL it carries.
      byUrl(MessageType.IMAGE, 'wamid.1', Channel.WHATSAPP),
    ]);
    expect(jobs.map((j) => [j.wamid, j.kind, j.mediaId, j.url])).toEqual([
      ['m_1', 'image', '', 'https://cdn.example/m_1.bin?oh=sig'],
      ['m_2', 'document', '', 'https://cdn.example/m_2.bin?oh=sig'],
      ['m_3', 'image', '', 'https://cdn.example/m_3.bin?oh=sig'],
      ['m_echo', 'video', '', 'https://cdn.example/m_echo.bin?oh=sig'],
    ]);
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
