// The contract's messages as turns (domain/turn.ts): who wrote what and when, oldest first.
import { ActorKind, DeliveryStatus, Direction, MessageType, type Message } from '@ue/proto';
import type { Speaker, Turn } from './domain/turn.js';

const KIND_LABEL: Partial<Record<MessageType, string>> = {
  [MessageType.IMAGE]: 'image',
  [MessageType.AUDIO]: 'voice note',
  [MessageType.VIDEO]: 'video',
  [MessageType.DOCUMENT]: 'document',
  [MessageType.STICKER]: 'sticker',
  [MessageType.LOCATION]: 'location',
  [MessageType.CONTACTS]: 'contact card',
  [MessageType.ORDER]: 'order',
  [MessageType.TEMPLATE]: 'template',
};

function textOf(m: Message): string {
  const c = m.content;
  if (!c) return '';
  const parts: string[] = [];
  const label = KIND_LABEL[c.type];
  if (label) parts.push(`[${label}]`);
  if (c.type === MessageType.TEMPLATE && c.template?.name) parts.push(c.template.name);
  if (c.media?.filename) parts.push(c.media.filename);
  if (c.text) parts.push(c.text);
  if (c.interactive?.title) parts.push(c.interactive.title);
  if (c.button?.text) parts.push(c.button.text);
  if (c.location?.name) parts.push(c.location.name);
  if (c.unsupportedType) parts.push(`[unsupported: ${c.unsupportedType}]`);
  return parts.join(' ').trim();
}

function speakerOf(m: Message): Speaker {
  if (m.direction === Direction.INBOUND) return 'customer';
  return m.author?.kind === ActorKind.ADMIN ? 'human' : 'agent';
}

/** Messages (any order, e.g. newest first from ListMessages) as turns, oldest first. */
export function toTurns(messages: readonly Message[]): Turn[] {
  return messages
    .filter((m) => m.sentAt && !m.revoked && m.content?.type !== MessageType.SYSTEM)
    .map((m) => ({
      id: m.id,
      speaker: speakerOf(m),
      at: m.sentAt!,
      text: textOf(m),
      failed: m.status === DeliveryStatus.FAILED,
    }))
    .sort((a, b) => a.at.getTime() - b.at.getTime() || a.id.localeCompare(b.id));
}
