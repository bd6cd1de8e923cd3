// What the agent knows (facts) and the log (notes, follow-ups, proactive entries).
import { LogEntryKind, LogEntryState, type Fact, type LogEntry, type User } from '@ue/proto';
import type { ViewCtx } from './context.js';
import { logKindLabel, logStateLabel } from './format.js';
import { messageAnchor } from './message-bubble.js';
import { Time } from './time.js';
import { UserActionForm } from './user-action-form.js';
import { userPath } from './user-path.js';

/** The current facts; swapped on its own when an agent writes one (live, out of band). */
export function FactsList(props: { facts: Fact[]; ctx: ViewCtx; oob?: boolean }) {
  const { ctx } = props;
  return (
    <div id="facts-current" hx-swap-oob={props.oob ? 'true' : undefined}>
      {props.facts.length === 0 ? <p class="muted">Nothing recorded yet.</p> : null}
      <ul class="facts">
        {props.facts.map((f) => (
          <li>
            <span class="fact-key">{f.key}</span>{' '}
            <strong dir="auto">{f.retracted ? '(retracted)' : f.value}</strong>
            <span class="muted small">
              {' '}
              · {Math.round(f.confidence * 100)}% ·{' '}
              {f.author?.displayName || f.author?.id || 'unknown'} ·{' '}
              <Time at={f.recordedAt} ctx={ctx} />
              {f.sourceMessageId ? (
                <>
                  {' '}
                  · <a href={`#${messageAnchor(f.sourceMessageId)}`}>source message</a>
                </>
              ) : null}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The log entries; swapped on their own when an entry changes, so a draft note is kept. */
export function LogEntries(props: {
  user: Pick<User, 'id'>;
  log: LogEntry[];
  ctx: ViewCtx;
  oob?: boolean;
}) {
  const { ctx, user } = props;
  return (
    <div id="log-entries" hx-swap-oob={props.oob ? 'true' : undefined}>
      {props.log.length === 0 ? <p class="muted">No entries yet.</p> : null}
      <ol class="log">
        {props.log.map((e) => (
          <LogItem e={e} user={user} ctx={ctx} />
        ))}
      </ol>
    </div>
  );
}

export function FactsSection(props: { user: User; facts: Fact[]; history?: Fact[]; ctx: ViewCtx }) {
  const { ctx, user } = props;
  return (
    <section id="facts" class="card" aria-labelledby="facts-h">
      <h2 id="facts-h">What the agent knows</h2>
      <FactsList facts={props.facts} ctx={ctx} />
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
        <button
          type="button"
          class="link"
          hx-get={userPath(ctx, user, '/facts?history=1')}
          hx-target="#facts"
          hx-swap="outerHTML"
        >
          Show history
        </button>
      ) : null}
    </section>
  );
}

function LogItem(props: { e: LogEntry; user: Pick<User, 'id'>; ctx: ViewCtx }) {
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
        <UserActionForm
          ctx={ctx}
          user={user}
          path={`/log/${encodeURIComponent(e.id)}/done`}
          panel="#log"
        >
          <button type="submit" class="small">
            Mark done
          </button>
        </UserActionForm>
      ) : null}
    </li>
  );
}

export function LogSection(props: { user: User; log: LogEntry[]; ctx: ViewCtx }) {
  const { ctx, user } = props;
  return (
    <section id="log" class="card" aria-labelledby="log-h">
      <h2 id="log-h">Log</h2>
      <UserActionForm ctx={ctx} user={user} path="/notes" panel="#log" class="stack">
        <label>
          Note
          <textarea name="text" rows={2} required maxlength={4000}></textarea>
        </label>
        <button type="submit">Add note</button>
      </UserActionForm>
      <UserActionForm ctx={ctx} user={user} path="/follow-ups" panel="#log" class="stack">
        <label>
          Follow-up
          <input type="text" name="text" required maxlength={1000} placeholder="What needs doing" />
        </label>
        <label>
          Due ({ctx.timeZone})
          <input type="datetime-local" name="due" required />
        </label>
        <button type="submit">Add follow-up</button>
      </UserActionForm>
      <LogEntries log={props.log} user={user} ctx={ctx} />
    </section>
  );
}
