// Records -> contract messages: bookkeeping fields dropped, derived views (current reactions,
// edit history: domain/message-views.ts) and reply resolution filled in.
import {
  Account,
  Fact,
  LogEntry,
  Message,
  PersonLink,
  Review,
  ReviewSummary,
  User,
  type ExportUserResponse,
} from '@ue/proto';
import { currentReactions, editHistory } from '../../domain/message-views.js';
import { personIdOf } from '../../domain/person.js';
import { channelOf } from '../../app/channels.js';
import type { AccountView } from '../../app/accounts.js';
import type { ChangeEvent, ChangePayload, ExportPart } from '../../app/ports.js';
import type {
  FactRecord,
  LogEntryRecord,
  MessageRecord,
  PersonLinkRecord,
  ReviewRecord,
  UserView,
} from '../../app/records.js';
import type { StreamEvent } from '../redis/event-stream.js';

export function userToProto(d: UserView): User {
  const {
    _id,
    searchTerms: _t,
    nameAt: _n,
    lastMessageKey: _k,
    deliveredWatermarks: _dw,
    readWatermarks: _rw,
    review,
    ...rest
  } = d;
  // Unset until the first review attempt ("review pending").
  return User.fromPartial({
    ...rest,
    id: _id,
    // Users stored before people existed are their own person.
    personId: personIdOf(d),
    // Users stored before channels were named are WhatsApp users.
    channel: channelOf(d.channel),
    review: review ? ReviewSummary.fromPartial(review) : undefined,
  });
}

/** An account with its users' counts (zero when it has none yet). */
export function accountToProto(v: AccountView): Account {
  const { _id, ...a } = v.account;
  const u = v.usage;
  return Account.fromPartial({
    ...a,
    id: _id,
    users: u?.users ?? 0,
    inboundMessages: u?.inboundMessages ?? 0,
    outboundMessages: u?.outboundMessages ?? 0,
    lastActivityAt: u?.lastActivityAt,
  });
}

export function reviewToProto(d: ReviewRecord): Review {
  const { _id, accountId: _a, clientId: _c, textsRemovedAt: _t, ...rest } = d;
  return Review.fromPartial({ ...rest, id: _id });
}

export function messageToProto(d: MessageRecord, replyIds?: Map<string, string>): Message {
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
  const { text, edits } = editHistory(d.originalText ?? '', d.editVersions ?? []);
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
    reactions: currentReactions(d.reactionsBy).map((r) => ({
      emoji: r.emoji,
      by: r.by,
      at: r.at,
      wamid: r.wamid,
    })),
    edits,
  });
}

export function factToProto(d: FactRecord): Fact {
  const { _id: _i, ...rest } = d;
  return Fact.fromPartial(rest);
}

export function logEntryToProto(d: LogEntryRecord): LogEntry {
  const { _id, accountId: _a, clientKey: _c, ...rest } = d;
  return LogEntry.fromPartial({ ...rest, id: _id });
}

/** A record of one user's data, as ExportUser and the live feed carry it. */
export function exportPartToProto(p: ExportPart): NonNullable<ExportUserResponse['part']> {
  if (p.$case === 'personLink')
    return { $case: 'personLink', personLink: personLinkToProto(p.personLink) };
  return payloadToProto(p);
}

/** A live event's payload: one of the records a change carries. */
function payloadToProto(p: ChangePayload): NonNullable<StreamEvent['payload']> {
  switch (p.$case) {
    case 'user':
      return { $case: 'user', user: userToProto(p.user) };
    case 'message':
      return { $case: 'message', message: messageToProto(p.message) };
    case 'fact':
      return { $case: 'fact', fact: factToProto(p.fact) };
    case 'logEntry':
      return { $case: 'logEntry', logEntry: logEntryToProto(p.logEntry) };
    case 'review':
      return { $case: 'review', review: reviewToProto(p.review) };
  }
}

export function personLinkToProto(d: PersonLinkRecord): PersonLink {
  const { _id, clientId: _c, ...rest } = d;
  return PersonLink.fromPartial({ ...rest, id: _id });
}

/** A stored change as the live feed carries it (its actor only for the kinds that have one). */
export function changeToStream(e: ChangeEvent): StreamEvent {
  return {
    kind: e.kind,
    userId: e.userId,
    accountId: e.accountId,
    actor: e.actor,
    payload: e.payload ? payloadToProto(e.payload) : undefined,
  };
}
