// ListMessages (keyset both ways), RecordOutboundMessage and SendMessage.
import { AppError } from '@ue/kit';
import {
  ActorKind,
  DeliveryStatus,
  Direction,
  EventKind,
  MessageType,
  type Actor,
  type Channel,
  type MessageContent,
  type ListMessagesRequest,
  type RecordOutboundMessageRequest,
  type SendMessageRequest,
} from '@ue/proto';
import { cursorTime, decodeCursor, encodeCursor } from '../domain/cursor.js';
import { messageIdFor, newId } from '../domain/ids.js';
import { LIMITS, optionalString, optionalTime, pageSize, requireString } from '../domain/limits.js';
import { textTerms } from '../domain/search.js';
import { metaSendRule } from '../domain/send-window.js';
import { statusRank } from '../domain/status.js';
import { attachOrphans } from './apply-message-updates.js';
import { channelOf, isMetaChannel } from './channels.js';
import { attachmentOf, SENDABLE_MEDIA, withAttachment } from './media.js';
import { ENUMS, requireEnum } from './enums.js';
import type { Ports } from './ports.js';
import { previewOf } from './preview.js';
import { publishMessage, publishUser } from './publish.js';
import type { MessageRecord, UserView } from './records.js';
import { catchUpWatermarks } from './watermarks.js';

type MessagePorts = Pick<Ports, 'users' | 'messages' | 'orphans' | 'events' | 'now'>;

export interface MessagePage {
  docs: MessageRecord[];
  next: string;
  prev: string;
  replyIds: Map<string, string>;
}

const cursorOf = (d: MessageRecord, dir: 'older' | 'newer') =>
  encodeCursor({ k: (d.sentAt ?? new Date(0)).toISOString(), id: d._id, d: dir });

/** Exactly one of user_id (one identity's conversation) and person_id (a person's timeline). */
function conversationOf(req: ListMessagesRequest): { userId: string } | { personId: string } {
  if (req.userId && req.personId)
    throw AppError.invalid('person_id', 'give user_id or person_id, not both');
  if (req.personId) return { personId: requireString('person_id', req.personId) };
  return { userId: requireString('user_id', req.userId) };
}

/** The identities whose messages the listing reads; NOT_FOUND when the user or person is unknown. */
async function identitiesRead(
  deps: Pick<Ports, 'users' | 'people'>,
  c: { userId: string } | { personId: string },
): Promise<string[]> {
  if ('personId' in c) {
    const ids = (await deps.people.identities([c.personId])).map((u) => u._id);
    if (ids.length === 0) throw AppError.notFound('person');
    return ids;
  }
  if (!(await deps.users.findById(c.userId))) throw AppError.notFound('user');
  return [c.userId];
}

export async function listMessages(
  deps: Pick<Ports, 'users' | 'messages' | 'people'>,
  req: ListMessagesRequest,
): Promise<MessagePage> {
  const conversation = conversationOf(req);
  const limit = pageSize('page_size', req.pageSize);
  const c = req.pageToken ? decodeCursor(req.pageToken) : undefined;
  if (c && (typeof c.k !== 'string' || !c.d || c.f !== undefined))
    throw AppError.invalid('page_token', 'not a message page token');
  const after = c && c.d ? { at: cursorTime(c), id: c.id, direction: c.d } : undefined;
  const userIds = await identitiesRead(deps, conversation);
  const raw = await deps.messages.page({ userIds, limit, after });
  const more = raw.length > limit;
  const window = raw.slice(0, limit);
  const newer = after?.direction === 'newer';
  const docs = newer ? window.reverse() : window;
  const first = docs[0];
  const last = docs[docs.length - 1];
  const next = last && (newer || more) ? cursorOf(last, 'older') : '';
  // The newest message of this page: ask again later with it to get what arrived since.
  const prev = first
    ? cursorOf(first, 'newer')
    : req.pageToken && newer
      ? req.pageToken
      : encodeCursor({ k: new Date(0).toISOString(), id: '', d: 'newer' });
  return { docs, next, prev, replyIds: await resolveReplies(deps, docs) };
}

async function resolveReplies(
  deps: Pick<Ports, 'messages'>,
  docs: MessageRecord[],
): Promise<Map<string, string>> {
  // By account: a person's timeline spans several, and a wamid is unique within one only.
  const byAccount = new Map<string, Set<string>>();
  for (const d of docs) {
    const w = d.context?.replyToWamid;
    if (w) byAccount.set(d.accountId, (byAccount.get(d.accountId) ?? new Set()).add(w));
  }
  const found = new Map<string, string>();
  for (const [accountId, wamids] of byAccount)
    for (const [w, id] of await deps.messages.idsByWamid(accountId, [...wamids])) found.set(w, id);
  return found;
}

function validateContent(
  field: string,
  c: MessageContent | undefined,
  sendable: boolean,
): MessageContent {
  if (!c) throw AppError.invalid(field, 'required');
  requireEnum(`${field}.type`, ENUMS.messageType, c.type);
  optionalString(`${field}.text`, c.text, LIMITS.textLength);
  if (c.type === MessageType.TEXT && !c.text.trim())
    throw AppError.invalid(`${field}.text`, 'required for text messages');
  if (c.type === MessageType.TEMPLATE) {
    requireString(`${field}.template.name`, c.template?.name, 512);
    optionalString(`${field}.template.components_json`, c.template?.componentsJson, 16_384);
  }
  if (
    sendable &&
    c.type !== MessageType.TEXT &&
    c.type !== MessageType.TEMPLATE &&
    !SENDABLE_MEDIA.has(c.type)
  ) {
    throw AppError.invalid(
      `${field}.type`,
      'only text, template, image, document, audio and video messages can be sent',
    );
  }
  if (sendable && SENDABLE_MEDIA.has(c.type))
    requireString(`${field}.media.stored.file_id`, c.media?.stored?.fileId, 64);
  return c;
}

function outboundDoc(
  user: UserView,
  id: string,
  o: {
    wamid: string;
    clientId: string;
    content: MessageContent;
    author: Actor;
    sentAt: Date;
    now: Date;
    bizOpaque?: string;
  },
): MessageRecord {
  const state = o.wamid ? 'sent' : 'pending';
  return {
    _id: id,
    accountId: user.accountId,
    userId: user._id,
    wamid: o.wamid,
    wamidKey: o.wamid || `id:${id}`,
    clientKey: o.clientId || `id:${id}`,
    direction: Direction.OUTBOUND,
    content: o.content,
    context: undefined,
    referral: undefined,
    reactions: [],
    edits: [],
    revoked: false,
    revokedAt: undefined,
    status: o.wamid ? DeliveryStatus.SENT : DeliveryStatus.PENDING,
    statusRank: statusRank(state),
    statusTimes: o.wamid
      ? ({ sentAt: o.sentAt } as MessageRecord['statusTimes'])
      : ({ pendingAt: o.sentAt } as MessageRecord['statusTimes']),
    errors: [],
    pricing: undefined,
    bizOpaqueCallbackData: o.bizOpaque ?? '',
    sentAt: o.sentAt,
    receivedAt: o.now,
    author: o.author,
    clientId: o.clientId,
    rawJson: '',
    originalText: o.content.text,
    editVersions: [],
    terms: textTerms(o.content.text),
  };
}

async function findExisting(
  deps: Pick<Ports, 'messages'>,
  user: UserView,
  key: { wamid: string; clientId: string },
) {
  const { wamid, clientId } = key;
  if (wamid) {
    const m = await deps.messages.findByWamid(user.accountId, wamid);
    // Another user's message with this wamid is not a replay: storeOutbound refuses it.
    if (m?.userId === user._id) return m;
  }
  return clientId ? deps.messages.findByClientId(user._id, clientId) : null;
}

async function storeOutbound(
  deps: MessagePorts,
  user: UserView,
  doc: MessageRecord,
): Promise<{ doc: MessageRecord; created: boolean }> {
  const stored = await deps.messages.insertCounted(doc, {
    preview: previewOf(doc),
    terms: doc.terms ?? [],
  });
  // Messenger / Instagram receipts that came before the message was recorded (on a replay too:
  // a crash after the commit still converges).
  const catchUp = (m: MessageRecord) =>
    m.wamid && isMetaChannel(user.channel)
      ? catchUpWatermarks(deps, { userId: m.userId, messageId: m._id })
      : Promise.resolve(false);
  if (!stored.created) {
    const existing = await findExisting(deps, user, doc);
    if (!existing)
      throw new AppError('ALREADY_EXISTS', 'a message with this wamid exists for another user');
    // A crash after the commit may have left statuses waiting for this wamid: attach them now.
    if (existing.wamid) await attachOrphans(deps, existing.accountId, existing.wamid);
    if (await catchUp(existing))
      return { doc: (await deps.messages.findById(existing._id)) ?? existing, created: false };
    return { doc: existing, created: false };
  }
  await catchUp(doc);
  await publishMessage(deps, EventKind.MESSAGE_CREATED, doc._id);
  if (doc.wamid) await attachOrphans(deps, doc.accountId, doc.wamid);
  await publishUser(deps, user._id);
  return { doc: (await deps.messages.findById(doc._id)) ?? doc, created: true };
}

async function recipientOf(
  deps: MessagePorts & Pick<Ports, 'accounts'>,
  req: RecordOutboundMessageRequest,
  at: Date,
): Promise<UserView> {
  let userId = optionalString('user_id', req.userId, LIMITS.idLength);
  if (!userId) {
    const r = req.recipient;
    const accountId = requireString('recipient.account_id', r?.accountId, 64);
    const waId = optionalString('recipient.user.wa_id', r?.user?.waId, 32);
    const bsuid = optionalString('recipient.user.bsuid', r?.user?.bsuid, 128);
    const scopedId = optionalString('recipient.user.scoped_id', r?.user?.scopedId, 128);
    if (!waId && !bsuid && !scopedId)
      throw AppError.invalid(
        'user_id',
        'user_id or recipient (account_id + wa_id/bsuid, or scoped_id) required',
      );
    if (waId && !/^\d{6,15}$/.test(waId))
      throw AppError.invalid('recipient.user.wa_id', 'digits only, country code first');
    const channel = scopedId ? await scopedChannel(deps, { accountId, waId, bsuid }) : undefined;
    userId = await deps.users.resolve({ accountId, waId, bsuid, scopedId, channel }, at);
  }
  const user = await deps.users.findById(userId);
  if (!user || user.erasedAt) throw AppError.notFound('user');
  return user;
}

/** The channel of a recipient named by scoped id: its account's, which must be Messenger or Instagram. */
async function scopedChannel(
  deps: Pick<Ports, 'accounts'>,
  r: { accountId: string; waId: string; bsuid: string },
): Promise<Channel> {
  if (r.waId || r.bsuid)
    throw AppError.invalid('recipient.user.scoped_id', 'not together with wa_id or bsuid');
  const account = await deps.accounts.cached(r.accountId);
  if (!account || !isMetaChannel(account.channel))
    throw AppError.invalid(
      'recipient.user.scoped_id',
      'only for a known Messenger or Instagram account',
    );
  return account.channel;
}

export async function recordOutbound(
  deps: MessagePorts & Pick<Ports, 'accounts'>,
  req: RecordOutboundMessageRequest,
  author: Actor,
) {
  const wamid = optionalString('wamid', req.wamid, 256);
  const clientId = optionalString('client_id', req.clientId, 128);
  if (!wamid && !clientId)
    throw AppError.invalid('wamid', 'wamid or client_id required (idempotency key)');
  const content = validateContent('content', req.content, false);
  // Everything is checked before the recipient is resolved: resolving may create the user.
  const sentAt = optionalTime('sent_at', req.sentAt);
  const bizOpaque = optionalString(
    'biz_opaque_callback_data',
    req.bizOpaqueCallbackData,
    LIMITS.bizOpaqueLength,
  );
  const now = deps.now();
  const user = await recipientOf(deps, req, sentAt ?? now);
  const existing = await findExisting(deps, user, { wamid, clientId });
  if (existing) return { doc: existing, created: false };
  const id = wamid ? messageIdFor(user.accountId, wamid) : newId('m');
  return storeOutbound(
    deps,
    user,
    outboundDoc(user, id, {
      wamid,
      clientId,
      content,
      author,
      sentAt: sentAt ?? now,
      now,
      bizOpaque,
    }),
  );
}

/** A message SendMessage stored (or found by its client id) and the tag its send uses. */
export interface SentMessage {
  doc: MessageRecord;
  /** Messenger / Instagram message tag ('' is messaging_type RESPONSE; always '' on WhatsApp). */
  tag: string;
}

/**
 * The window rules of the user's channel: the message tag of a send, or FAILED_PRECONDITION.
 * WhatsApp: anything but a template needs the 24 h window open. Messenger / Instagram: no
 * templates; metaSendRule (domain/send-window.ts).
 */
function sendTag(o: { user: UserView; content: MessageContent; author: Actor; now: Date }): string {
  const { user, content, now } = o;
  if (isMetaChannel(user.channel)) {
    if (content.type === MessageType.TEMPLATE || content.template)
      throw AppError.invalid('content', 'templates do not exist on Messenger and Instagram');
    const human = o.author.kind === ActorKind.ADMIN;
    const rule = metaSendRule({ lastInboundAt: user.lastInboundAt, now, human });
    if ('refused' in rule) throw new AppError('FAILED_PRECONDITION', rule.refused);
    return rule.tag;
  }
  if (
    content.type !== MessageType.TEMPLATE &&
    !(user.serviceWindowExpiresAt && user.serviceWindowExpiresAt > now)
  ) {
    const since = user.serviceWindowExpiresAt
      ? ` (closed at ${user.serviceWindowExpiresAt.toISOString()})`
      : '';
    throw new AppError(
      'FAILED_PRECONDITION',
      `the 24 h customer service window is closed${since}: only template messages can be sent`,
    );
  }
  return '';
}

export async function sendMessage(
  deps: MessagePorts & Pick<Ports, 'outbound' | 'media'>,
  req: SendMessageRequest,
  author: Actor,
): Promise<SentMessage> {
  const userId = requireString('user_id', req.userId);
  const content = validateContent('content', req.content, true);
  const clientId = optionalString('client_id', req.clientId, 128);
  const user = await deps.users.findById(userId);
  if (!user || user.erasedAt) throw AppError.notFound('user');
  if (user.paused && author.kind === ActorKind.AGENT) {
    throw new AppError(
      'FAILED_PRECONDITION',
      'the user is paused (human takeover): agents must not send; an admin can',
    );
  }
  const now = deps.now();
  const tag = sendTag({ user, content, author, now });
  const existing = clientId ? await deps.messages.findByClientId(user._id, clientId) : null;
  const doc =
    existing ??
    (await createWithAttachment(deps, user, {
      content,
      clientId,
      author,
      now,
      replyToMessageId: req.replyToMessageId,
    }));
  if (doc.status === DeliveryStatus.PENDING) {
    await deps.outbound.enqueue({
      messageId: doc._id,
      accountId: doc.accountId,
      toWaId: user.waId,
      toBsuid: user.waId ? '' : user.bsuid,
      channel: channelOf(user.channel),
      // Users stored before channels were named have none.
      toScopedId: user.scopedId ?? '',
      tag,
      content: doc.content,
      replyToWamid: doc.context?.replyToWamid ?? '',
      bizOpaqueCallbackData: '',
    });
  }
  return { doc, tag };
}

interface PendingMessage {
  content: MessageContent;
  clientId: string;
  author: Actor;
  now: Date;
  replyToMessageId: string;
}

/**
 * createPending, for a message with an uploaded file too: the file is checked, then claimed for
 * the new message before it is stored (so two sends cannot take the same file), and released
 * when the message is not stored after all.
 */
async function createWithAttachment(
  deps: MessagePorts & Pick<Ports, 'media'>,
  user: UserView,
  o: PendingMessage,
): Promise<MessageRecord> {
  if (!SENDABLE_MEDIA.has(o.content.type)) return createPending(deps, user, o);
  const file = await attachmentOf(deps, user, o.content);
  const id = newId('m');
  if (!(await deps.media.attach(file.fileId, { userId: user._id, messageId: id })))
    throw AppError.invalid('content.media.stored.file_id', 'this file was sent already');
  let doc: MessageRecord | undefined;
  try {
    doc = await createPending(deps, user, {
      ...o,
      content: withAttachment(o.content, file, o.now),
      id,
    });
    return doc;
  } finally {
    // A refused reply-to, a failed write, or a concurrent call with this client id that won.
    if (doc?._id !== id) await deps.media.detach(file.fileId);
  }
}

async function createPending(
  deps: MessagePorts,
  user: UserView,
  o: PendingMessage & { id?: string },
) {
  const { replyToMessageId, id, ...fields } = o;
  const doc = outboundDoc(user, id ?? newId('m'), { wamid: '', ...fields, sentAt: o.now });
  const replyId = optionalString('reply_to_message_id', replyToMessageId, LIMITS.idLength);
  if (replyId) {
    const quoted = await deps.messages.findById(replyId);
    if (!quoted || quoted.userId !== user._id || !quoted.wamid)
      throw AppError.invalid(
        'reply_to_message_id',
        'no such message with a wamid in this conversation',
      );
    doc.context = {
      replyToWamid: quoted.wamid,
      replyToMessageId: quoted._id,
      forwarded: false,
      frequentlyForwarded: false,
      referredProductCatalogId: '',
      referredProductRetailerId: '',
    };
  }
  return (await storeOutbound(deps, user, doc)).doc;
}
