// Stored documents -> contract messages. Derived views (current reactions, edit history, reply
// resolution) are computed here from the order-independent stored form.
import {
  Direction,
  Fact,
  LogEntry,
  Message,
  MessageType,
  User,
  type MessageEdit,
  type MessagePreview,
  type Reaction,
} from '@ue/proto';
import type { FactDoc, LogEntryDoc, MessageDoc, UserDoc } from './docs.js';

export function userToProto(d: UserDoc): User {
  const { _id, searchTerms: _t, nameAt: _n, lastMessageKey: _k, ...rest } = d;
  return User.fromPartial({ ...rest, id: _id });
}

function currentReactions(d: MessageDoc): Reaction[] {
  return Object.values(d.reactionsBy ?? {})
    .filter((r) => r.emoji !== '')
    .sort((a, b) => (a.key < b.key ? -1 : 1))
    .map((r) => ({ emoji: r.emoji, by: r.by, at: r.at, wamid: r.wamid }));
}

function editHistory(d: MessageDoc): { text: string | undefined; edits: MessageEdit[] } {
  const versions = [...(d.editVersions ?? [])].sort(
    (a, b) => a.editedAt.getTime() - b.editedAt.getTime() || (a.editWamid < b.editWamid ? -1 : 1),
  );
  if (versions.length === 0) return { text: undefined, edits: [] };
  let previous = d.originalText ?? '';
  const edits = versions.map((v) => {
    const e = { previousText: previous, editedAt: v.editedAt, editWamid: v.editWamid };
    previous = v.text;
    return e;
  });
  return { text: previous, edits };
}

export function messageToProto(d: MessageDoc, replyIds?: Map<string, string>): Message {
  const {
    _id,
    wamidKey: _w,
    clientKey: _c,
    statusRank: _r,
    pricingRank: _pr,
    reactionsBy: _rb,
    originalText: _o,
    editVersions: _e,
    terms: _t,
    ...rest
  } = d;
  const { text, edits } = editHistory(d);
  const content = rest.content && text !== undefined ? { ...rest.content, text } : rest.content;
  const replyTo = rest.context?.replyToWamid;
  const context =
    rest.context && replyTo && replyIds?.has(replyTo)
      ? { ...rest.context, replyToMessageId: replyIds.get(replyTo) ?? '' }
      : rest.context;
  return Message.fromPartial({
    ...rest,
    id: _id,
    content,
    context,
    reactions: currentReactions(d),
    edits,
  });
}

const TYPE_LABEL: Partial<Record<MessageType, string>> = {
  [MessageType.IMAGE]: '[image]',
  [MessageType.AUDIO]: '[audio]',
  [MessageType.VIDEO]: '[video]',
  [MessageType.DOCUMENT]: '[document]',
  [MessageType.STICKER]: '[sticker]',
  [MessageType.LOCATION]: '[location]',
  [MessageType.CONTACTS]: '[contacts]',
  [MessageType.INTERACTIVE]: '[reply]',
  [MessageType.BUTTON]: '[button]',
  [MessageType.ORDER]: '[order]',
  [MessageType.SYSTEM]: '[system]',
  [MessageType.TEMPLATE]: '[template]',
  [MessageType.UNSUPPORTED]: '[unsupported]',
};

export function previewOf(d: MessageDoc): MessagePreview {
  const c = d.content;
  const type = c?.type ?? MessageType.UNSPECIFIED;
  const text =
    c?.text ||
    c?.interactive?.title ||
    c?.button?.text ||
    c?.order?.text ||
    c?.location?.name ||
    c?.media?.filename ||
    (c?.template?.name ? `[template ${c.template.name}]` : '') ||
    TYPE_LABEL[type] ||
    '';
  return {
    messageId: d._id,
    direction: d.direction ?? Direction.UNSPECIFIED,
    type,
    text: [...text].slice(0, 160).join(''),
    at: d.sentAt,
  };
}

export function factToProto(d: FactDoc): Fact {
  const { _id: _i, ...rest } = d;
  return Fact.fromPartial(rest);
}

export function logEntryToProto(d: LogEntryDoc): LogEntry {
  const { _id, accountId: _a, clientKey: _c, ...rest } = d;
  return LogEntry.fromPartial({ ...rest, id: _id });
}
