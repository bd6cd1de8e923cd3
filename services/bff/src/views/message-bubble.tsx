// One message as a chat bubble: every content type, reactions, quotes, edits, revokes and
// outbound delivery ticks. Nothing a user wrote becomes a link or markup.
import {
  DeliveryStatus,
  Direction,
  MessageType,
  type Message,
  type MessageContent,
} from '@ue/proto';
import type { ViewCtx } from './context.js';
import { deliveryLabel, typeLabel } from './format.js';
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

function Media(props: { c: MessageContent }) {
  const { c } = props;
  const m = c.media;
  const kind = c.type === MessageType.AUDIO && m?.voice ? 'voice note' : typeLabel(c.type);
  return (
    <>
      <p class="media">
        <span class="media-icon" aria-hidden="true">
          📎
        </span>{' '}
        {kind}
        {m?.filename ? <span class="filename"> · {m.filename}</span> : null}
        {m?.mimeType ? <span class="muted"> · {m.mimeType}</span> : null}
      </p>
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

function Content(props: { m: Message }) {
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
      return <Media c={c} />;
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

export function MessageBubble(props: { m: Message; ctx: ViewCtx; oob?: boolean }) {
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
      <Content m={m} />
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
      <footer class="meta">
        {author ? <span class="author">{author}</span> : null}
        <Time at={m.sentAt ?? m.receivedAt} ctx={ctx} />
        <Ticks m={m} />
      </footer>
    </article>
  );
}
