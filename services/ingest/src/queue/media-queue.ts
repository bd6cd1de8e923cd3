// The "media" queue: one job per inbound media message, fetched from the provider after the
// message itself is stored (docs/ingest.md, "Media").
import { createHash } from 'node:crypto';
import { Channel, MessageType, type WebhookEvent } from '@ue/proto';
import type { JobsOptions } from 'bullmq';
import type { MediaKind } from '../providers/whatsapp/media-rules.js';

export const MEDIA_QUEUE = 'media';

/** Job name: fetch one message's file from the provider and store it in profiles. */
export const MEDIA_FETCH = 'fetch';

export interface MediaJobData {
  accountId: string;
  wamid: string;
  kind: MediaKind;
  /** The provider's media id from the webhook (WhatsApp); empty when `url` names the file. */
  mediaId: string;
  /**
   * Messenger / Instagram: the attachment's own URL (signed by the provider and expiring),
   * fetched as it is, without a token. Never logged: its query string is the signature.
   */
  url?: string;
  /** As the webhook declared them (the metadata's values win when present). */
  mimeType: string;
  sha256: string;
  /** Downloads whose bytes did not match the checksum so far (a corrupt transfer is retried). */
  checksumFailures?: number;
}

/** Same account and wamid → same id, so a replayed webhook adds no second job while it is kept. */
export function mediaJobId(accountId: string, wamid: string): string {
  // wamids are base64 (may hold "/", "+", "="); BullMQ ids must not hold ":". A digest is safe.
  const digest = createHash('sha256').update(`${accountId}\n${wamid}`).digest('hex');
  return `media-${digest.slice(0, 40)}`;
}

export function mediaJobOptions(jobId: string, attempts: number): JobsOptions {
  return {
    jobId,
    attempts,
    // The delay comes from the worker's backoffStrategy (longer for token failures).
    backoff: { type: 'media' },
    // A replay within a day finds the id and adds nothing; later, the job itself sees the
    // media already stored (or given up) and does nothing.
    removeOnComplete: { age: 24 * 3600, count: 50_000 },
    // Failed for good is recorded in profiles (UNAVAILABLE); keep the job a week to inspect.
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

const KINDS = new Map<MessageType, MediaKind>([
  [MessageType.IMAGE, 'image'],
  [MessageType.AUDIO, 'audio'],
  [MessageType.VIDEO, 'video'],
  [MessageType.DOCUMENT, 'document'],
  [MessageType.STICKER, 'sticker'],
]);

const byUrl = (c: Channel): boolean => c === Channel.MESSENGER || c === Channel.INSTAGRAM;

/**
 * One fetch per media message that names a provider media id (WhatsApp) or, on Messenger and
 * Instagram, an attachment URL (echoes of the page's own files too: the job skips what profiles
 * already stores). Those channels' stickers are PNG or GIF images: fetched under the image
 * rules. (The WhatsApp parser does not model media in interactive headers: customers'
 * interactive messages are replies, without one.)
 */
export function mediaJobsOf(events: WebhookEvent[]): MediaJobData[] {
  const jobs: MediaJobData[] = [];
  for (const e of events) {
    if (e.event?.$case !== 'inboundMessage') continue;
    const m = e.event.inboundMessage;
    const kind = m.content ? KINDS.get(m.content.type) : undefined;
    const media = m.content?.media;
    const url = byUrl(e.channel) && !media?.mediaId ? (media?.url ?? '') : '';
    if (!kind || !media || !(media.mediaId || url) || !m.wamid || !e.accountId) continue;
    jobs.push({
      accountId: e.accountId,
      wamid: m.wamid,
      kind: url && kind === 'sticker' ? 'image' : kind,
      mediaId: media.mediaId,
      ...(url ? { url } : {}),
      mimeType: media.mimeType,
      sha256: media.sha256,
    });
  }
  return jobs;
}
