// The stored record of a message a user sent, as the webhook event describes it.
import {
  ActorKind,
  DeliveryStatus,
  Direction,
  MediaState,
  MessageContent,
  MessageType,
  StoredMedia,
  type Actor,
  type InboundMessageEvent,
  type WebhookEvent,
} from '@ue/proto';
import { messageIdFor } from '../domain/ids.js';
import { textTerms } from '../domain/search.js';
import { statusRank } from '../domain/status.js';
import type { MessageRecord } from './records.js';

/** The event being applied and its provider time. */
export interface Applying {
  e: WebhookEvent;
  at: Date;
}

export function inboundDoc(
  { e, at }: Applying,
  m: InboundMessageEvent,
  who: { userId: string; now: Date },
): MessageRecord {
  const { userId, now } = who;
  const _id = messageIdFor(e.accountId, m.wamid);
  const text = m.content?.text ?? '';
  const content = m.content ?? MessageContent.fromPartial({ type: MessageType.UNSUPPORTED });
  return {
    _id,
    accountId: e.accountId,
    userId,
    wamid: m.wamid,
    wamidKey: m.wamid,
    clientKey: `id:${_id}`,
    direction: Direction.INBOUND,
    content: withPendingMedia(content, at),
    context: m.context,
    referral: m.referral,
    reactions: [],
    edits: [],
    revoked: false,
    revokedAt: undefined,
    status: 0,
    statusRank: 0,
    statusTimes: undefined,
    errors: m.errors,
    pricing: undefined,
    bizOpaqueCallbackData: '',
    sentAt: at,
    receivedAt: now,
    author: { kind: ActorKind.USER, id: userId, displayName: '' },
    clientId: '',
    rawJson: m.rawJson,
    originalText: text,
    editVersions: [],
    terms: textTerms(text),
  };
}

/** The author of an echo we did not send: written in the page's inbox (or by another app). */
export const PAGE_ACTOR: Actor = { kind: ActorKind.SYSTEM, id: 'page', displayName: 'Page inbox' };

/** The message id of an echo of our own send (ingest passes `ue:<message id>` as metadata). */
export function ourMessageId(m: InboundMessageEvent): string | undefined {
  if (!m.echo) return undefined;
  return /^ue:(.+)$/s.exec(m.echoMetadata)?.[1];
}

/**
 * An echo (Messenger / Instagram `is_echo`): the page's own message to the user, stored as an
 * outbound message the provider has sent, from the page.
 */
export function echoDoc(
  a: Applying,
  m: InboundMessageEvent,
  who: { userId: string; now: Date },
): MessageRecord {
  const doc = inboundDoc(a, m, who);
  return {
    ...doc,
    direction: Direction.OUTBOUND,
    status: DeliveryStatus.SENT,
    statusRank: statusRank('sent'),
    statusTimes: { sentAt: a.at } as MessageRecord['statusTimes'],
    author: PAGE_ACTOR,
  };
}

const FETCHED: ReadonlySet<MessageType> = new Set([
  MessageType.IMAGE,
  MessageType.AUDIO,
  MessageType.VIDEO,
  MessageType.DOCUMENT,
  MessageType.STICKER,
]);

/**
 * A media message with a provider media id starts PENDING: ingest fetches the file and stores it
 * (UploadMedia) or gives up (SetMediaState), and the dashboard says "fetching" until then. What
 * the event itself says about the stored file is ignored: only this service knows that. Its time
 * is the message's provider time, so a replay in any order stores the same record.
 */
function withPendingMedia(c: MessageContent, at: Date): MessageContent {
  if (!FETCHED.has(c.type) || !c.media?.mediaId) return c;
  const stored = StoredMedia.fromPartial({ state: MediaState.PENDING, updatedAt: at });
  return { ...c, media: { ...c.media, stored } };
}
