// The conversation's partials: a page of older bubbles with its loader, and the reply box.
import type { Message, User } from '@ue/proto';
import type { ViewCtx } from './context.js';
import { MessageBubble } from './message-bubble.js';
import { userPath } from './user-path.js';

/** Older messages (DOM order newest first: the list is laid out bottom-up) plus the next loader. */
export function OlderMessages(props: { messages: Message[]; olderUrl?: string; ctx: ViewCtx }) {
  return (
    <>
      {props.messages.map((m) => (
        <MessageBubble m={m} ctx={props.ctx} />
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

export function replyWindowOpen(u: Pick<User, 'serviceWindowExpiresAt'>, now: Date): boolean {
  return Boolean(u.serviceWindowExpiresAt && u.serviceWindowExpiresAt > now);
}

export function ReplyForm(props: { user: User; ctx: ViewCtx; notice?: string; oob?: boolean }) {
  const { user: u, ctx } = props;
  const open = replyWindowOpen(u, ctx.now);
  return (
    <form
      id="reply"
      class="reply"
      hx-post={userPath(ctx, u, '/reply')}
      hx-swap="outerHTML"
      hx-swap-oob={props.oob ? 'true' : undefined}
    >
      <label for="reply-text" class="sr-only">
        Reply
      </label>
      <textarea
        id="reply-text"
        name="text"
        rows={2}
        required
        maxlength={4096}
        disabled={!open}
        placeholder={open ? 'Write a reply…' : ''}
      ></textarea>
      <button type="submit" disabled={!open}>
        Send
      </button>
      {open ? null : (
        <p class="muted small" id="reply-why">
          Replies are disabled: the 24-hour window closed{' '}
          {u.lastInboundAt ? 'after the last message from this user' : '(the user never wrote)'}.
          WhatsApp only allows approved templates now.
        </p>
      )}
      {props.notice ? (
        <p class="notice small" role="status">
          {props.notice}
        </p>
      ) : null}
    </form>
  );
}
