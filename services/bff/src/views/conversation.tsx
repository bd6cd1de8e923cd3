// The conversation's partials: a page of older bubbles with its loader, and the reply box with
// its channel picker when the person has several identities.
import { Channel, type Message, type User } from '@ue/proto';
import {
  ACCEPT_ATTRIBUTE,
  DEFAULT_ATTACHMENT_LIMITS,
  sizeLimitLabel,
} from '../media/attachment.js';
import { channelLabel, shownChannel, sourceLabel, type AccountRef } from './accounts-format.js';
import { AccountSource } from './channel-icon.js';
import type { ViewCtx } from './context.js';
import { MessageBubble } from './message-bubble.js';
import { defaultTarget, replyTargets, type ReplyTarget } from './reply-targets.js';
import { Time } from './time.js';
import { userPath } from './user-path.js';

/** Where each message of a person's timeline came from, by the identity (user id) it belongs to. */
export type ChannelMarks = ReadonlyMap<string, AccountRef>;

/** The mark of a message in a timeline across channels (undefined: one conversation, no marks). */
export function markOf(m: Message, marks: ChannelMarks | undefined): AccountRef | undefined {
  if (!marks) return undefined;
  return marks.get(m.userId) ?? { accountId: m.accountId, channel: Channel.UNSPECIFIED };
}

/** Older messages (DOM order newest first: the list is laid out bottom-up) plus the next loader. */
export function OlderMessages(props: {
  messages: Message[];
  olderUrl?: string;
  ctx: ViewCtx;
  /** Set when the messages come from several identities: each bubble says its channel. */
  marks?: ChannelMarks;
}) {
  return (
    <>
      {props.messages.map((m) => (
        <MessageBubble m={m} ctx={props.ctx} source={markOf(m, props.marks)} />
      ))}
      {props.olderUrl ? (
        // `revealed` only watches window scrolling; the conversation scrolls inside its own box.
        <div class="older" hx-get={props.olderUrl} hx-trigger="intersect once" hx-swap="outerHTML">
          <a href={props.olderUrl}>Loading older messages…</a>
        </div>
      ) : (
        <p class="muted small start">Start of the conversation</p>
      )}
    </>
  );
}

/** The identities a reply can go to now, one radio each, with how it would be sent. */
function ReplyPicker(props: {
  targets: ReplyTarget[];
  chosen: ReplyTarget;
  closed: User[];
  ctx: ViewCtx;
}) {
  const { ctx } = props;
  return (
    <fieldset class="reply-to">
      <legend>Reply on</legend>
      {props.targets.map((t) => (
        <label class="check">
          <input type="radio" name="to" value={t.user.id} checked={t === props.chosen} />
          <AccountSource of={t.user} accounts={ctx.accounts} />
          <span class="muted small">
            {t.humanAgent ? (
              ' — sent with the HUMAN_AGENT tag'
            ) : (
              <>
                {' '}
                — window closes <Time at={t.until} ctx={ctx} />
              </>
            )}
          </span>
        </label>
      ))}
      {props.closed.length > 0 ? (
        <p class="muted small">
          Closed now: {props.closed.map((u) => sourceLabel(u, ctx.accounts)).join(', ')}.
        </p>
      ) : null}
    </fieldset>
  );
}

/** Why nothing can be sent, for one conversation or for a person with several. */
function ClosedNote(props: { user: User; several: boolean }) {
  const u = props.user;
  if (props.several)
    return (
      <p class="muted small" id="reply-why">
        Replies are disabled: no channel of this person can get a message now. WhatsApp allows one
        within 24 hours of the person's last message there (approved templates after that);
        Messenger and Instagram within 7 days, with the HUMAN_AGENT tag after the first 24 hours.
      </p>
    );
  if (shownChannel(u.channel) !== Channel.WHATSAPP)
    return (
      <p class="muted small" id="reply-why">
        Replies are disabled:{' '}
        {u.lastInboundAt ? 'more than 7 days since this user last wrote' : 'the user never wrote'}.{' '}
        {channelLabel(u.channel)} allows a person's reply within 7 days of the user's last message.
      </p>
    );
  return (
    <p class="muted small" id="reply-why">
      Replies are disabled: the 24-hour window closed{' '}
      {u.lastInboundAt ? 'after the last message from this user' : '(the user never wrote)'}.
      WhatsApp only allows approved templates now.
    </p>
  );
}

export function ReplyForm(props: {
  user: User;
  ctx: ViewCtx;
  /** The person's identities (the viewed one included); several get a channel picker. */
  identities?: User[];
  /** Preselected when it can get a message (else the one the person last wrote from). */
  preferred?: string;
  notice?: string;
  /** A refusal (wrong type, too large) shown as an error next to the form. */
  error?: string;
  oob?: boolean;
}) {
  const { user: u, ctx } = props;
  const several = (props.identities?.length ?? 0) > 1;
  const identities = several ? props.identities! : [u];
  const targets = replyTargets(identities, ctx.now);
  const chosen = defaultTarget(targets, props.preferred);
  const open = chosen !== undefined;
  const closed = identities.filter((i) => !targets.some((t) => t.user.id === i.id));
  const limits = ctx.attachmentLimits ?? DEFAULT_ATTACHMENT_LIMITS;
  return (
    <form
      id="reply"
      class="reply"
      hx-post={userPath(ctx, u, '/reply')}
      // Multipart so that an attachment streams as it is; the CSRF token rides in the header.
      hx-encoding="multipart/form-data"
      hx-swap="outerHTML"
      hx-swap-oob={props.oob ? 'true' : undefined}
    >
      {several && chosen ? (
        <ReplyPicker targets={targets} chosen={chosen} closed={closed} ctx={ctx} />
      ) : null}
      <label for="reply-text" class="sr-only">
        Reply
      </label>
      <textarea
        id="reply-text"
        name="text"
        rows={2}
        maxlength={4096}
        disabled={!open}
        placeholder={open ? 'Write a reply… (or a caption for the attachment)' : ''}
      ></textarea>
      <div class="reply-actions">
        <label class="attach" title="Attach one image or document">
          <span class="sr-only">Attach an image or document</span>
          <input
            type="file"
            name="file"
            accept={ACCEPT_ATTRIBUTE}
            disabled={!open}
            aria-describedby="reply-limits"
          />
        </label>
        <button type="submit" disabled={!open}>
          Send
        </button>
      </div>
      <p class="muted small reply-limits" id="reply-limits">
        Attach one image (JPEG, PNG, WebP; up to {sizeLimitLabel(limits.imageMaxBytes)}) or document
        (PDF, Word, Excel, PowerPoint; up to {sizeLimitLabel(limits.documentMaxBytes)}).
      </p>
      {open ? null : <ClosedNote user={u} several={several} />}
      {!several && chosen?.humanAgent ? (
        <p class="muted small">
          More than 24 hours since this user's last message: a reply is sent with the HUMAN_AGENT
          tag.
        </p>
      ) : null}
      {props.error ? (
        <p class="error small" role="alert">
          {props.error}
        </p>
      ) : null}
      {props.notice ? (
        <p class="notice small" role="status">
          {props.notice}
        </p>
      ) : null}
    </form>
  );
}
