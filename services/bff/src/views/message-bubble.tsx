// One message as a chat bubble: every content type, reactions, quotes, edits, revokes and
// outbound delivery ticks. Nothing a user wrote becomes a link or markup.
import {
  DeliveryStatus,
  Direction,
  MediaState,
  MessageType,
  type Message,
  type MessageContent,
  type StoredMedia,
} from '@ue/proto';
import { humanSize, isInlineType, isThumbnailSource } from '../media/policy.js';
import { THUMBNAIL_MAX_PX } from '../media/thumbnail.js';
import { daysLabel, type AccountRef } from './accounts-format.js';
import { AccountSource } from './channel-icon.js';
import { href, type ViewCtx } from './context.js';
import { clockDuration, deliveryLabel, documentTypeLabel, typeLabel } from './format.js';
import { Time } from './time.js';

export function bubbleId(id: string): string {
  return `msg-${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/** Anchor of a message named by its provider id (facts may cite either id). */
export function wamidAnchor(wamid: string): string {
  return `wa-${wamid.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/** The in-page anchor for a message id or wamid. */
export function messageAnchor(idOrWamid: string): string {
  return idOrWamid.startsWith('wamid.') ? wamidAnchor(idOrWamid) : bubbleId(idOrWamid);
}

/** Old-style line: kind, file name and claimed type (messages from before media was kept). */
function MediaLabel(props: { c: MessageContent; kind: string }) {
  const m = props.c.media;
  return (
    <p class="media">
      <span class="media-icon" aria-hidden="true">
        📎
      </span>{' '}
      {props.kind}
      {m?.filename ? <span class="filename"> · {m.filename}</span> : null}
      {m?.mimeType ? <span class="muted"> · {m.mimeType}</span> : null}
    </p>
  );
}

const capitalised = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** Displayed size of a thumbnail of a `w`×`h` image (fits THUMBNAIL_MAX_PX, never enlarged). */
export function thumbnailSize(w: number, h: number): { width: number; height: number } | undefined {
  if (!(w > 0 && h > 0)) return undefined;
  const scale = Math.min(1, THUMBNAIL_MAX_PX / Math.max(w, h));
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)) };
}

function DocumentCard(props: { c: MessageContent; s: StoredMedia; url: string; kind: string }) {
  const { c, s } = props;
  const name = c.media?.filename || `${props.kind} file`;
  const mime = s.mimeType || c.media?.mimeType || '';
  return (
    <div class="doc-card">
      <span class="doc-icon" aria-hidden="true">
        📄
      </span>
      <div class="doc-info">
        <a class="doc-name" href={props.url} download={name} dir="auto">
          {name}
        </a>
        <span class="muted small">
          {[humanSize(s.sizeBytes), documentTypeLabel(mime)].filter(Boolean).join(' · ')}
        </span>
      </div>
      <a class="doc-download" href={props.url} download={name} aria-label={`Download ${name}`}>
        Download
      </a>
    </div>
  );
}

function StoredFile(props: {
  m: Message;
  c: MessageContent;
  s: StoredMedia;
  ctx: ViewCtx;
  kind: string;
}) {
  const { m, c, s, ctx, kind } = props;
  const url = href(ctx, `/media/${encodeURIComponent(m.id)}`);
  const thumb = `${url}/thumb`;
  const label = c.media?.filename || kind;
  const raster = isThumbnailSource(s.mimeType);
  switch (c.type) {
    case MessageType.IMAGE:
      if (!raster) break;
      return (
        <a class="media-image" href={url} target="_blank" rel="noopener" title="Open full size">
          <img
            src={thumb}
            alt={c.text ? `Image: ${c.text.slice(0, 120)}` : 'Image'}
            loading="lazy"
            decoding="async"
            {...thumbnailSize(s.width, s.height)}
          />
        </a>
      );
    case MessageType.STICKER:
      if (!raster) break;
      return (
        <img class="sticker" src={thumb} alt="Sticker" loading="lazy" width={128} height={128} />
      );
    case MessageType.AUDIO:
      if (!isInlineType(s.mimeType)) break;
      return (
        <p class="media-audio">
          <span class="muted small">
            {kind === 'voice note' ? '🎤 Voice note' : `🎵 ${label}`}
            {s.durationMs > 0 ? ` · ${clockDuration(s.durationMs)}` : ''}
          </span>
          <audio controls preload="none" src={url}>
            <a href={url}>Download the audio</a>
          </audio>
        </p>
      );
    case MessageType.VIDEO:
      if (!isInlineType(s.mimeType)) break;
      return (
        <video
          class="media-video"
          controls
          preload="none"
          src={url}
          {...thumbnailSize(s.width, s.height)}
        >
          <a href={url}>Download the video</a>
        </video>
      );
    default:
      break;
  }
  // Documents, and anything whose type the browser must not render inline, are downloads.
  return <DocumentCard c={c} s={s} url={url} kind={kind} />;
}

function Media(props: { m: Message; c: MessageContent; ctx: ViewCtx }) {
  const { c } = props;
  const m = c.media;
  const kind = c.type === MessageType.AUDIO && m?.voice ? 'voice note' : typeLabel(c.type);
  const s = m?.stored;
  let body;
  switch (s?.state) {
    case MediaState.STORED:
      body = <StoredFile m={props.m} c={c} s={s} ctx={props.ctx} kind={kind} />;
      break;
    case MediaState.PENDING:
      body = (
        <p class="media media-pending" role="status">
          <span class="spinner" aria-hidden="true"></span> Fetching {kind} from WhatsApp…
          {m?.filename ? <span class="filename"> · {m.filename}</span> : null}
        </p>
      );
      break;
    case MediaState.UNAVAILABLE:
      body = (
        <p class="media media-gone">
          <span aria-hidden="true">⚠</span> {capitalised(kind)}
          {m?.filename ? <span class="filename"> · {m.filename}</span> : null}: No longer available
          from the provider{s.reason ? <span class="muted"> ({s.reason})</span> : null}
        </p>
      );
      break;
    case MediaState.EXPIRED: {
      const days = props.ctx.accounts?.get(props.m.accountId)?.retention?.mediaDays ?? 0;
      body = (
        <p class="media media-gone">
          <span aria-hidden="true">⌛</span> {capitalised(kind)}
          {m?.filename ? <span class="filename"> · {m.filename}</span> : null}: removed
          {days > 0 ? ` after ${daysLabel(days)}` : ''} by this account's retention policy
        </p>
      );
      break;
    }
    default:
      body = <MediaLabel c={c} kind={kind} />;
  }
  return (
    <>
      {body}
      <Text c={c} />
    </>
  );
}

function Text(props: { c: MessageContent }) {
  return props.c.text ? (
    <p class="text" dir="auto">
      {props.c.text}
    </p>
  ) : null;
}

function Place(props: { c: MessageContent }) {
  const l = props.c.location;
  // Coordinates as text only: no map embeds or links to third parties.
  return (
    <p class="location">
      📍 {l?.name ? <strong dir="auto">{l.name} </strong> : null}
      {l?.address ? <span dir="auto">{l.address} </span> : null}
      <span class="coords">
        ({l?.latitude.toFixed(5)}, {l?.longitude.toFixed(5)})
      </span>
    </p>
  );
}

function Cards(props: { c: MessageContent }) {
  return (
    <ul class="cards">
      {props.c.contacts.map((k) => (
        <li>
          👤 <strong dir="auto">{k.formattedName}</strong>
          {k.company ? <span> · {k.company}</span> : null}
          {k.phones.map((p) => (
            <span class="muted"> · {p.phone}</span>
          ))}
          {k.emails.map((e) => (
            <span class="muted"> · {e.email}</span>
          ))}
        </li>
      ))}
    </ul>
  );
}

function OrderSummary(props: { c: MessageContent }) {
  const o = props.c.order;
  return (
    <div>
      <p>🛒 Order ({o?.items.length ?? 0} items)</p>
      <ul class="cards">
        {(o?.items ?? []).map((i) => (
          <li>
            {i.quantity} × {i.productRetailerId} · {i.itemPrice} {i.currency}
          </li>
        ))}
      </ul>
      {o?.text ? <p dir="auto">{o.text}</p> : null}
    </div>
  );
}

function Labelled(props: { label: string; children: unknown }) {
  return (
    <p>
      <span class="chip">{props.label}</span> <span dir="auto">{props.children}</span>
    </p>
  );
}

function Content(props: { m: Message; ctx: ViewCtx }) {
  const c = props.m.content;
  if (!c) return <p class="muted">(empty)</p>;
  switch (c.type) {
    case MessageType.TEXT:
      return c.text ? <Text c={c} /> : <p class="muted">(empty)</p>;
    case MessageType.IMAGE:
    case MessageType.AUDIO:
    case MessageType.VIDEO:
    case MessageType.DOCUMENT:
    case MessageType.STICKER:
      return <Media m={props.m} c={c} ctx={props.ctx} />;
    case MessageType.LOCATION:
      return <Place c={c} />;
    case MessageType.CONTACTS:
      return <Cards c={c} />;
    case MessageType.ORDER:
      return <OrderSummary c={c} />;
    case MessageType.INTERACTIVE:
      return (
        <Labelled label={c.interactive?.kind.replace(/_/g, ' ') || 'interactive'}>
          {c.interactive?.title || c.interactive?.flowName}
          {c.interactive?.description ? ` · ${c.interactive.description}` : ''}
        </Labelled>
      );
    case MessageType.BUTTON:
      return <Labelled label="button">{c.button?.text}</Labelled>;
    case MessageType.TEMPLATE:
      return (
        <Labelled label="template">{`${c.template?.name ?? ''} (${c.template?.language ?? ''}) ${c.text}`}</Labelled>
      );
    case MessageType.SYSTEM:
      return (
        <p class="system-note" dir="auto">
          ⚙ {c.system?.body || c.system?.kind}
        </p>
      );
    default:
      return (
        <>
          <p class="unsupported">
            Unsupported message{c.unsupportedType ? `: ${c.unsupportedType}` : ''}
          </p>
          <Text c={c} />
        </>
      );
  }
}

function Ticks(props: { m: Message }) {
  const { m } = props;
  if (m.direction !== Direction.OUTBOUND) return null;
  const d = deliveryLabel(m.status);
  if (!d.label) return null;
  return (
    <span class={`ticks ticks-${d.cls}`} title={d.label}>
      {d.ticks}
      <span class="sr-only"> {d.label}</span>
    </span>
  );
}

export function MessageBubble(props: {
  m: Message;
  ctx: ViewCtx;
  oob?: boolean;
  /** In a timeline across channels: the identity's channel and account, shown on the bubble. */
  source?: AccountRef;
}) {
  const { m, ctx } = props;
  const out = m.direction === Direction.OUTBOUND;
  const author = out ? m.author?.displayName || m.author?.id || 'agent' : undefined;
  const failed = m.status === DeliveryStatus.FAILED;
  return (
    <article
      id={bubbleId(m.id)}
      hx-swap-oob={props.oob ? 'true' : undefined}
      class={`bubble ${out ? 'out' : 'in'}${m.revoked ? ' revoked' : ''}${failed ? ' failed' : ''}`}
    >
      {m.wamid ? <span id={wamidAnchor(m.wamid)} class="anchor"></span> : null}
      {m.context?.forwarded ? (
        <p class="muted small">↪ Forwarded{m.context.frequentlyForwarded ? ' many times' : ''}</p>
      ) : null}
      {m.context?.replyToMessageId || m.context?.replyToWamid ? (
        <p class="quote small">
          ↩ Reply to{' '}
          {m.context.replyToMessageId ? (
            <a href={`#${bubbleId(m.context.replyToMessageId)}`}>an earlier message</a>
          ) : (
            'a message we do not have'
          )}
        </p>
      ) : null}
      {m.revoked ? (
        <p class="deleted small">🚫 Deleted by the sender — original kept for admins:</p>
      ) : null}
      <Content m={m} ctx={ctx} />
      {m.edits.length > 0 ? (
        <details class="edits small">
          <summary>edited</summary>
          <ol>
            {m.edits.map((e) => (
              <li>
                <span dir="auto">{e.previousText}</span> <Time at={e.editedAt} ctx={ctx} />
              </li>
            ))}
          </ol>
        </details>
      ) : null}
      {failed
        ? m.errors.map((e) => (
            <p class="error small" role="note">
              Not delivered: {e.title || e.message} {e.code ? `(${e.code})` : ''}
              {e.details ? ` — ${e.details}` : ''}
            </p>
          ))
        : null}
      {m.reactions.length > 0 ? (
        <p class="reactions" aria-label="Reactions">
          {m.reactions.map((r) => (
            <span class="reaction" title={r.by?.displayName || r.by?.id || ''}>
              {r.emoji}
            </span>
          ))}
        </p>
      ) : null}
      {props.source ? (
        <p class="bubble-source">
          <AccountSource of={props.source} accounts={ctx.accounts} />
        </p>
      ) : null}
      <footer class="meta">
        {author ? <span class="author">{author}</span> : null}
        <Time at={m.sentAt ?? m.receivedAt} ctx={ctx} />
        <Ticks m={m} />
      </footer>
    </article>
  );
}
