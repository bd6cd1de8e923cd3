import { LogEntryKind, LogEntryState, type Fact, type LogEntry, type Message, type User } from '@ue/proto';
import { href, type ViewCtx } from './context.js';
import { displayName, formatPhone, initials, logKindLabel, logStateLabel, STATUS_LABELS, statusLabel } from './format.js';
import { Layout } from './layout.js';
import { bubbleId, MessageBubble } from './message-bubble.js';
import { Time } from './time.js';
import { ActivityDot } from './users-page.js';

export interface UserPageModel {
  user: User;
  facts: Fact[];
  log: LogEntry[];
  messages: Message[];
  /** URL of the partial with older messages, when there are any. */
  olderUrl?: string;
  ctx: ViewCtx;
  notice?: string;
}

const userPath = (ctx: ViewCtx, u: Pick<User, 'id'>, rest = ''): string => href(ctx, `/users/${encodeURIComponent(u.id)}${rest}`);

function Field(props: { label: string; children: unknown }) {
  return (
    <>
      <dt>{props.label}</dt>
      <dd dir="auto">{props.children ?? <span class="muted">—</span>}</dd>
    </>
  );
}

export function UserCard(props: { user: User; ctx: ViewCtx; notice?: string; oob?: boolean }) {
  const { user: u, ctx } = props;
  const name = displayName(u);
  const ref = u.referral;
  return (
    <section id="user-card" class="card" aria-labelledby="user-name" hx-swap-oob={props.oob ? 'true' : undefined}>
      <div class="who-head">
        <span class="avatar" aria-hidden="true">
          {initials(name)}
        </span>
        <div>
          <h1 id="user-name" dir="auto">
            {name}
          </h1>
          <p>
            <ActivityDot user={u} ctx={ctx} /> <span class="status">{statusLabel(u.status)}</span>
            {u.paused ? <span class="badge badge-danger">agent paused</span> : <span class="badge">agent running</span>}
          </p>
        </div>
      </div>
      {props.notice ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : null}
      <dl class="fields">
        <Field label="Phone">{formatPhone(u.profile?.phoneE164) || null}</Field>
        <Field label="Email">{u.profile?.email || null}</Field>
        <Field label="Username">{u.profile?.username ? `@${u.profile.username}` : null}</Field>
        <Field label="WhatsApp name">{u.profile?.name || null}</Field>
        <Field label="Platform id">{u.waId || u.bsuid || null}</Field>
        <Field label="Source">
          {u.sourcePlatform || 'whatsapp'}
          {ref ? ` · ${ref.sourceType || 'referral'}${ref.headline ? `: ${ref.headline}` : ''}${ref.sourceUrl ? ` (${ref.sourceUrl})` : ''}` : ''}
        </Field>
        <Field label="Account">{u.accountId}</Field>
        <Field label="User id">
          <code>{u.id}</code>
        </Field>
        <Field label="Created">
          <Time at={u.createdAt} ctx={ctx} />
        </Field>
        <Field label="Last interaction">
          <Time at={u.lastInteractionAt} ctx={ctx} />
        </Field>
        <Field label="Last received">
          <Time at={u.lastInboundAt} ctx={ctx} />
        </Field>
        <Field label="Reply window">
          {u.serviceWindowExpiresAt && u.serviceWindowExpiresAt > ctx.now ? (
            <>
              open, closes <Time at={u.serviceWindowExpiresAt} ctx={ctx} />
            </>
          ) : (
            'closed'
          )}
        </Field>
      </dl>
      <div class="tag-list">
        <h2 class="h3">Tags</h2>
        <ul class="tags" aria-label="Tags">
          {u.tags.map((t) => (
            <li class="tag">
              {t}
              <form hx-post={userPath(ctx, u, '/tags/remove')} hx-target="#user-card" hx-swap="outerHTML" class="inline">
                <input type="hidden" name="tag" value={t} />
                <button type="submit" class="icon" aria-label={`Remove tag ${t}`} title="Remove tag">
                  ×
                </button>
              </form>
            </li>
          ))}
        </ul>
        <form class="row" hx-post={userPath(ctx, u, '/tags')} hx-target="#user-card" hx-swap="outerHTML">
          <label>
            <span class="sr-only">New tag</span>
            <input type="text" name="tag" required maxlength={40} placeholder="Add a tag" />
          </label>
          <button type="submit">Add tag</button>
        </form>
      </div>
      <div class="row wrap">
        <form class="row" hx-post={userPath(ctx, u, '/status')} hx-target="#user-card" hx-swap="outerHTML">
          <label>
            Status{' '}
            <select name="status">
              {STATUS_LABELS.map(([v, l]) => (
                <option value={String(v)} selected={u.status === v}>
                  {l}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">Change status</button>
        </form>
        <form hx-post={userPath(ctx, u, '/pause')} hx-target="#user-card" hx-swap="outerHTML">
          <input type="hidden" name="paused" value={u.paused ? 'no' : 'yes'} />
          <button type="submit" class={u.paused ? '' : 'warn'}>
            {u.paused ? 'Resume agent' : 'Pause agent (take over)'}
          </button>
        </form>
      </div>
      <p class="small">
        <a href={userPath(ctx, u, '/transcript.csv')}>Download transcript (CSV)</a>
      </p>
    </section>
  );
}

export function FactsSection(props: { user: User; facts: Fact[]; history?: Fact[]; ctx: ViewCtx }) {
  const { ctx, user } = props;
  return (
    <section id="facts" class="card" aria-labelledby="facts-h">
      <h2 id="facts-h">What the agent knows</h2>
      {props.facts.length === 0 ? <p class="muted">Nothing recorded yet.</p> : null}
      <ul class="facts">
        {props.facts.map((f) => (
          <li>
            <span class="fact-key">{f.key}</span> <strong dir="auto">{f.retracted ? '(retracted)' : f.value}</strong>
            <span class="muted small">
              {' '}
              · {Math.round(f.confidence * 100)}% · {f.author?.displayName || f.author?.id || 'unknown'} · <Time at={f.recordedAt} ctx={ctx} />
              {f.sourceMessageId ? (
                <>
                  {' '}
                  · <a href={`#${bubbleId(f.sourceMessageId)}`}>source message</a>
                </>
              ) : null}
            </span>
          </li>
        ))}
      </ul>
      {props.history ? (
        <table class="history small">
          <caption>Every version</caption>
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">v</th>
              <th scope="col">Value</th>
              <th scope="col">By</th>
              <th scope="col">When</th>
            </tr>
          </thead>
          <tbody>
            {props.history.map((f) => (
              <tr>
                <td>{f.key}</td>
                <td>{f.version}</td>
                <td dir="auto">{f.retracted ? '(retracted)' : f.value}</td>
                <td>{f.author?.displayName || f.author?.id}</td>
                <td>
                  <Time at={f.recordedAt} ctx={ctx} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : props.facts.length > 0 ? (
        <button type="button" class="link" hx-get={userPath(ctx, user, '/facts?history=1')} hx-target="#facts" hx-swap="outerHTML">
          Show history
        </button>
      ) : null}
    </section>
  );
}

function LogItem(props: { e: LogEntry; user: User; ctx: ViewCtx }) {
  const { e, ctx, user } = props;
  const open = e.state === LogEntryState.OPEN;
  const overdue = open && e.dueAt && e.dueAt < ctx.now;
  return (
    <li class={`log-item kind-${e.kind}${overdue ? ' overdue' : ''}`}>
      <p>
        <span class="chip">{logKindLabel(e.kind)}</span>{' '}
        {e.kind === LogEntryKind.FOLLOW_UP || e.kind === LogEntryKind.PROACTIVE ? (
          <span class={`small ${overdue ? 'error-text' : 'muted'}`}>
            {logStateLabel(e.state)}
            {e.dueAt ? (
              <>
                {overdue ? ', overdue since ' : ', due '}
                <Time at={e.dueAt} ctx={ctx} />
              </>
            ) : null}
          </span>
        ) : null}
      </p>
      <p dir="auto" class="log-text">
        {e.text}
      </p>
      <p class="muted small">
        {e.author?.displayName || e.author?.id || 'system'} · <Time at={e.createdAt} ctx={ctx} />
      </p>
      {open && e.kind !== LogEntryKind.NOTE ? (
        <form hx-post={userPath(ctx, user, `/log/${encodeURIComponent(e.id)}/done`)} hx-target="#log" hx-swap="outerHTML">
          <button type="submit" class="small">
            Mark done
          </button>
        </form>
      ) : null}
    </li>
  );
}

export function LogSection(props: { user: User; log: LogEntry[]; ctx: ViewCtx }) {
  const { ctx, user } = props;
  return (
    <section id="log" class="card" aria-labelledby="log-h">
      <h2 id="log-h">Log</h2>
      <form class="stack" hx-post={userPath(ctx, user, '/notes')} hx-target="#log" hx-swap="outerHTML">
        <label>
          Note
          <textarea name="text" rows={2} required maxlength={4000}></textarea>
        </label>
        <button type="submit">Add note</button>
      </form>
      <form class="stack" hx-post={userPath(ctx, user, '/follow-ups')} hx-target="#log" hx-swap="outerHTML">
        <label>
          Follow-up
          <input type="text" name="text" required maxlength={1000} placeholder="What needs doing" />
        </label>
        <label>
          Due ({ctx.timeZone})
          <input type="datetime-local" name="due" required />
        </label>
        <button type="submit">Add follow-up</button>
      </form>
      {props.log.length === 0 ? <p class="muted">No entries yet.</p> : null}
      <ol class="log">
        {props.log.map((e) => (
          <LogItem e={e} user={user} ctx={ctx} />
        ))}
      </ol>
    </section>
  );
}

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
    <form id="reply" class="reply" hx-post={userPath(ctx, u, '/reply')} hx-swap="outerHTML" hx-swap-oob={props.oob ? 'true' : undefined}>
      <label for="reply-text" class="sr-only">
        Reply
      </label>
      <textarea id="reply-text" name="text" rows={2} required maxlength={4096} disabled={!open} placeholder={open ? 'Write a reply…' : ''}></textarea>
      <button type="submit" disabled={!open}>
        Send
      </button>
      {open ? null : (
        <p class="muted small" id="reply-why">
          Replies are disabled: the 24-hour window closed {u.lastInboundAt ? 'after the last message from this user' : '(the user never wrote)'}. WhatsApp only allows approved templates now.
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

export function UserPage(m: UserPageModel) {
  const { ctx, user } = m;
  return (
    <Layout title={displayName(user)} ctx={ctx} area="users">
      <p class="crumbs">
        <a href={href(ctx, '/users')}>← Users</a>
      </p>
      <div class="user-grid">
        <section class="conversation card" aria-labelledby="conv-h" hx-ext="sse" sse-connect={userPath(ctx, user, '/events')}>
          <h2 id="conv-h">Conversation</h2>
          <div class="live" sse-swap="message-created" hx-target="#messages" hx-swap="afterbegin"></div>
          <div class="live" sse-swap="message-updated" hx-swap="none"></div>
          <div class="live" sse-swap="user-updated" hx-swap="none"></div>
          <div id="messages" class="messages" role="log" aria-live="polite" tabindex={0}>
            <OlderMessages messages={m.messages} olderUrl={m.olderUrl} ctx={ctx} />
          </div>
          <ReplyForm user={user} ctx={ctx} />
        </section>
        <div class="side">
          <UserCard user={user} ctx={ctx} notice={m.notice} />
          <FactsSection user={user} facts={m.facts} ctx={ctx} />
          <LogSection user={user} log={m.log} ctx={ctx} />
        </div>
      </div>
    </Layout>
  );
}
