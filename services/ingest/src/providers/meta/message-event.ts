// One messaging item's message, postback, reaction or edit → events. A message becomes one
// inbound message per attachment (the first keeps the mid, the next are `<mid>#2`, `<mid>#3`…,
// the text goes with the first); a deleted message a revoke; the page's own message (an echo)
// an inbound event flagged echo, which profiles stores as outbound. What profiles would refuse
// as sent (src/providers/event-limits.ts) is stored as unsupported with its raw JSON.
import { createHash } from 'node:crypto';
import {
  MessageContent,
  MessageType,
  type InboundMessageEvent,
  type MessageContext,
  type Referral,
} from '@ue/proto';
import { EVENT_LIMITS, isId } from '../event-limits.js';
import { note, noteType } from '../whatsapp/delivery-scope.js';
import { arr, bool, obj, str, type JsonObject } from '../whatsapp/json.js';
import {
  REACTION_EMOJI,
  attachmentContent,
  contextOf,
  metaReferral,
  storyOf,
  textContent,
} from './message-content.js';
import { derivedId, push, type ItemScope } from './scope.js';

/** Meta allows far fewer per message; the bound keeps a hostile body from fanning out. */
const MAX_ATTACHMENTS = 100;
/** profiles keeps at most 64 KiB of raw JSON per message. */
const MAX_RAW_JSON = 60_000;
/** The Send API's limit on metadata; anything longer is not ours. */
const MAX_METADATA = 1000;

interface Part {
  wamid: string;
  content: MessageContent;
  keepRaw: boolean;
  /** The message's first part: the one context and referral go with. */
  first: boolean;
}

/** What every part of one message shares. */
interface Shared {
  raw: JsonObject;
  context?: MessageContext;
  referral?: Referral;
  echo: boolean;
  echoMetadata: string;
}

function rawJsonOf(m: JsonObject): string {
  const raw = JSON.stringify(m);
  return raw.length <= MAX_RAW_JSON ? raw : '';
}

function unsupported(type: string): MessageContent {
  return MessageContent.fromPartial({ type: MessageType.UNSUPPORTED, unsupportedType: type });
}

function pushInbound(scope: ItemScope, p: Part, s: Shared): void {
  const event: InboundMessageEvent = {
    wamid: p.wamid,
    from: scope.user,
    content: p.content,
    // Context and referral belong to the message, not to each of its attachments.
    context: p.first ? s.context : undefined,
    referral: p.first ? s.referral : undefined,
    errors: [],
    rawJson: p.keepRaw ? rawJsonOf(s.raw) : '',
    echo: s.echo,
    echoMetadata: s.echoMetadata,
  };
  push(scope, { $case: 'inboundMessage', inboundMessage: event });
}

/** A message's parts: one per attachment, else its text (or quick reply), else unsupported. */
function partsOf(scope: ItemScope, m: JsonObject, mid: string): Part[] {
  const text = str(m.text);
  if (text.length > EVENT_LIMITS.text) {
    note(scope.out.unsupported, `${scope.path}: text longer than ${EVENT_LIMITS.text} characters`);
    return [{ wamid: mid, content: unsupported('text'), keepRaw: true, first: true }];
  }
  if (bool(m.is_unsupported))
    return [{ wamid: mid, content: unsupported('is_unsupported'), keepRaw: true, first: true }];
  const attachments = arr(m.attachments);
  if (attachments.length > MAX_ATTACHMENTS)
    note(scope.out.unsupported, `${scope.path}: attachments beyond ${MAX_ATTACHMENTS} not kept`);
  const parts = attachments.slice(0, MAX_ATTACHMENTS).map((a, i): Part => {
    const content = attachmentContent(scope.out, {
      attachment: obj(a) ?? {},
      text: i === 0 ? text : '',
    });
    const keepRaw =
      content.type === MessageType.UNSUPPORTED || content.type === MessageType.STICKER;
    return { wamid: i === 0 ? mid : `${mid}#${i + 1}`, content, keepRaw, first: i === 0 };
  });
  if (parts.length > 0) return parts;
  if (text === '' && !obj(m.quick_reply)) {
    noteType(scope.out, 'message without text or attachments');
    return [{ wamid: mid, content: unsupported('unknown'), keepRaw: true, first: true }];
  }
  // A story reply names the story only in the raw JSON.
  return [{ wamid: mid, content: textContent(m), keepRaw: storyOf(m) !== undefined, first: true }];
}

/** The echo's metadata: what we passed to the Send API (`ue:<message id>`), if anything. */
function echoMetadataOf(scope: ItemScope, m: JsonObject): string {
  const metadata = str(m.metadata);
  if (metadata.length <= MAX_METADATA) return metadata;
  note(scope.out.unsupported, `${scope.path}: echo metadata longer than ${MAX_METADATA}`);
  return '';
}

export function onMessage(
  scope: ItemScope,
  o: { m: JsonObject; echo: boolean; referral?: JsonObject },
): void {
  const mid = str(o.m.mid);
  if (!isId(mid, EVENT_LIMITS.wamid)) {
    note(scope.out.problems, `${scope.path}: without a usable mid`);
    return;
  }
  if (bool(o.m.is_deleted)) {
    const wamid = derivedId('delete', mid);
    return push(scope, { $case: 'revoke', revoke: { wamid, from: scope.user, targetWamid: mid } });
  }
  const shared: Shared = {
    raw: o.m,
    context: contextOf(o.m),
    referral: metaReferral(obj(o.m.referral) ?? o.referral),
    echo: o.echo,
    echoMetadata: o.echo ? echoMetadataOf(scope, o.m) : '',
  };
  for (const p of partsOf(scope, o.m, mid)) {
    if (isId(p.wamid, EVENT_LIMITS.wamid)) pushInbound(scope, p, shared);
    else note(scope.out.problems, `${scope.path}: attachment id too long`);
  }
}

const digest = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16);

/**
 * A tap on a postback button (Get Started, a menu, a template button): a button message whose
 * text is the button's title. Without a mid its id comes from who tapped, when, and the payload.
 */
export function onPostback(scope: ItemScope, o: { p: JsonObject; referral?: JsonObject }): void {
  const title = str(o.p.title);
  const payload = str(o.p.payload);
  const wamid =
    str(o.p.mid) || derivedId('postback', scope.user.scopedId, scope.stamp, digest(payload));
  if (!isId(wamid, EVENT_LIMITS.wamid)) {
    note(scope.out.problems, `${scope.path}: mid too long`);
    return;
  }
  const fits = title.length <= EVENT_LIMITS.text;
  if (!fits) note(scope.out.unsupported, `${scope.path}: postback title beyond profiles' limit`);
  const content = fits
    ? MessageContent.fromPartial({
        type: MessageType.BUTTON,
        text: title,
        button: { text: title, payload },
      })
    : unsupported('postback');
  const shared: Shared = {
    raw: o.p,
    referral: metaReferral(obj(o.p.referral) ?? o.referral),
    echo: false,
    echoMetadata: '',
  };
  pushInbound(scope, { wamid, content, keepRaw: !fits, first: true }, shared);
}

/** A reaction set or removed on one message; its own id: `reaction:<mid>:<user>:<time>`. */
export function onReaction(scope: ItemScope, r: JsonObject): void {
  const targetWamid = str(r.mid);
  const action = str(r.action);
  if (!isId(targetWamid, EVENT_LIMITS.wamid)) {
    note(scope.out.problems, `${scope.path}: without a usable mid`);
    return;
  }
  if (action !== 'react' && action !== 'unreact') {
    noteType(scope.out, `reaction:${action}`);
    return;
  }
  const wamid = derivedId('reaction', targetWamid, scope.user.scopedId, scope.stamp);
  const name = str(r.reaction);
  const emoji = action === 'unreact' ? '' : str(r.emoji) || REACTION_EMOJI.get(name) || name;
  if (action === 'react' && emoji === '') {
    note(scope.out.unsupported, `${scope.path}: reaction without emoji or name`);
    return;
  }
  if (emoji.length > EVENT_LIMITS.emoji) {
    note(scope.out.unsupported, `${scope.path}: reaction beyond profiles' limits`);
    const shared: Shared = { raw: r, echo: false, echoMetadata: '' };
    const content = unsupported('reaction');
    return pushInbound(scope, { wamid, content, keepRaw: true, first: true }, shared);
  }
  push(scope, { $case: 'reaction', reaction: { wamid, from: scope.user, targetWamid, emoji } });
}

/** A customer's edit of their message: the new text; its id `<mid>:edit:<num_edit>`. */
export function onEdit(scope: ItemScope, e: JsonObject): void {
  const targetWamid = str(e.mid);
  if (!isId(targetWamid, EVENT_LIMITS.wamid)) {
    note(scope.out.problems, `${scope.path}: without a usable mid`);
    return;
  }
  // Without num_edit the item's time tells edits apart.
  const n = str(e.num_edit) || `t${scope.stamp}`;
  const own = `${targetWamid}:edit:${n}`;
  const wamid = own.length <= EVENT_LIMITS.wamid ? own : derivedId('edit', targetWamid, n);
  const text = str(e.text);
  if (text.length > EVENT_LIMITS.text) {
    note(scope.out.unsupported, `${scope.path}: edited text beyond profiles' limits`);
    const shared: Shared = { raw: e, echo: false, echoMetadata: '' };
    const content = unsupported('message_edit');
    return pushInbound(scope, { wamid, content, keepRaw: true, first: true }, shared);
  }
  const content = MessageContent.fromPartial({ type: MessageType.TEXT, text });
  push(scope, { $case: 'edit', edit: { wamid, from: scope.user, targetWamid, content } });
}
