// The list-row preview of a conversation: the newest message's visible text, or a label for its
// kind. Stored with the user when a message is counted, and again after an edit or a revoke.
import { Direction, MessageType, type MessagePreview } from '@ue/proto';
import { editHistory, previewText, REVOKED_PREVIEW } from '../domain/message-views.js';
import type { MessageRecord } from './records.js';

const TYPE_LABEL = new Map<MessageType, string>([
  [MessageType.IMAGE, '[image]'],
  [MessageType.AUDIO, '[audio]'],
  [MessageType.VIDEO, '[video]'],
  [MessageType.DOCUMENT, '[document]'],
  [MessageType.STICKER, '[sticker]'],
  [MessageType.LOCATION, '[location]'],
  [MessageType.CONTACTS, '[contacts]'],
  [MessageType.INTERACTIVE, '[reply]'],
  [MessageType.BUTTON, '[button]'],
  [MessageType.ORDER, '[order]'],
  [MessageType.SYSTEM, '[system]'],
  [MessageType.TEMPLATE, '[template]'],
  [MessageType.UNSUPPORTED, '[unsupported]'],
]);

/** The preview of a message as stored (its current text after edits; "[deleted]" once revoked). */
export function previewOf(m: MessageRecord): MessagePreview {
  const c = m.content;
  const type = c?.type ?? MessageType.UNSPECIFIED;
  const edited = editHistory(m.originalText ?? '', m.editVersions ?? []).text;
  const text = m.revoked
    ? REVOKED_PREVIEW
    : previewText([
        edited ?? c?.text,
        c?.interactive?.title,
        c?.button?.text,
        c?.order?.text,
        c?.location?.name,
        c?.media?.filename,
        c?.template?.name ? `[template ${c.template.name}]` : undefined,
        TYPE_LABEL.get(type),
      ]);
  return {
    messageId: m._id,
    direction: m.direction ?? Direction.UNSPECIFIED,
    type,
    text,
    at: m.sentAt,
  };
}
