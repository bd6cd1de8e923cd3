// The stored record of a message a user sent, as the webhook event describes it.
import {
  ActorKind,
  Direction,
  MessageContent,
  MessageType,
  type InboundMessageEvent,
  type WebhookEvent,
} from '@ue/proto';
import { messageIdFor } from '../domain/ids.js';
import { textTerms } from '../domain/search.js';
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
  return {
    _id,
    accountId: e.accountId,
    userId,
    wamid: m.wamid,
    wamidKey: m.wamid,
    clientKey: `id:${_id}`,
    direction: Direction.INBOUND,
    content: m.content ?? MessageContent.fromPartial({ type: MessageType.UNSUPPORTED }),
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
