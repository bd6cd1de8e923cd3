// Channels: WhatsApp, Messenger, Instagram. A user is one channel identity; events, users stored
// before channels were named and UNSPECIFIED all mean WhatsApp.
import { Channel } from '@ue/proto';
import type { IdentityKind } from './ports.js';

export function channelOf(c: Channel | undefined): Channel {
  return c === undefined || c === Channel.UNSPECIFIED ? Channel.WHATSAPP : c;
}

/** Messenger and Instagram: users named by a scoped id, receipts by watermark, no templates. */
export function isMetaChannel(c: Channel | undefined): boolean {
  return c === Channel.MESSENGER || c === Channel.INSTAGRAM;
}

/** The identity kind of a scoped id on a Meta channel (PSID on Messenger, IGSID on Instagram). */
export function scopedKind(c: Channel | undefined): IdentityKind {
  return c === Channel.INSTAGRAM ? 'igsid' : 'psid';
}

/** User.source_platform of a channel. */
export function platformOf(c: Channel | undefined): 'whatsapp' | 'messenger' | 'instagram' {
  if (c === Channel.MESSENGER) return 'messenger';
  if (c === Channel.INSTAGRAM) return 'instagram';
  return 'whatsapp';
}
