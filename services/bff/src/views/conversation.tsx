// The conversation's partials: a page of older bubbles with its loader, and the reply box.
import type { Message, User } from '@ue/proto';
import {
  ACCEPT_ATTRIBUTE,
  DEFAULT_ATTACHMENT_LIMITS,
  sizeLimitLabel,
} from '../media/attachment.js';
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

export function ReplyForm(props: {
  user: User;
  ctx: ViewCtx;
  notice?: string;
  /** A refusal (wrong type, too large) shown as an error next to the form. */
  error?: string;
  oob?: boolean;
}) {
  const { user: u, ctx } = props;
  const open = replyWindowOpen(u, ctx.now);
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
      {open ? null : (
        <p class="muted small" id="reply-why">
          Replies are disabled: the 24-hour window closed{' '}
          {u.lastInboundAt ? 'after the last message from this user' : '(the user never wrote)'}.
          WhatsApp only allows approved templates now.
        </p>
      )}
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
