// The profile card of the user page: who this is, and the actions that change the user.
import type { User } from '@ue/proto';
import { channelLabel, sourceLabel } from './accounts-format.js';
import { AccountSource } from './channel-icon.js';
import type { ViewCtx } from './context.js';
import { displayName, formatPhone, initials, STATUS_LABELS, statusLabel } from './format.js';
import { Time } from './time.js';
import { ActivityDot } from './users-page.js';
import { UserActionForm } from './user-action-form.js';
import { userPath } from './user-path.js';

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
  return (
    <section
      id="user-card"
      class="card"
      aria-labelledby="user-name"
      hx-swap-oob={props.oob ? 'true' : undefined}
    >
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
            {u.paused ? (
              <span class="badge badge-danger">agent paused</span>
            ) : (
              <span class="badge">agent running</span>
            )}
          </p>
        </div>
      </div>
      {props.notice ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : null}
      <ProfileFields user={u} ctx={ctx} />
      {/* A person may have several identities: what is changed here stays on this one. */}
      <p class="editing small">
        Editing <strong>{sourceLabel(u, ctx.accounts)}</strong>: changes apply to this conversation
        only.
      </p>
      <ProfileEditor user={u} ctx={ctx} />
      <TagEditor user={u} ctx={ctx} />
      <CardActions user={u} ctx={ctx} />
    </section>
  );
}

function ProfileFields(props: { user: User; ctx: ViewCtx }) {
  const { user: u, ctx } = props;
  const ref = u.referral;
  return (
    <dl class="fields">
      <Field label="Phone">{formatPhone(u.profile?.phoneE164) || null}</Field>
      <Field label="Email">{u.profile?.email || null}</Field>
      <Field label="Username">{u.profile?.username ? `@${u.profile.username}` : null}</Field>
      <Field label={`${channelLabel(u.channel)} name`}>{u.profile?.name || null}</Field>
      <Field label="Platform id">{u.waId || u.bsuid || u.scopedId || null}</Field>
      <Field label="Source">
        {channelLabel(u.channel)}
        {ref
          ? ` · ${ref.sourceType || 'referral'}${ref.headline ? `: ${ref.headline}` : ''}${ref.sourceUrl ? ` (${ref.sourceUrl})` : ''}`
          : ''}
      </Field>
      <Field label="Account">
        <AccountSource of={u} accounts={ctx.accounts} />
      </Field>
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
  );
}

/** The name an admin corrects and the email: UpdateUser on this identity only. */
function ProfileEditor(props: { user: User; ctx: ViewCtx }) {
  const { user: u, ctx } = props;
  return (
    <details class="profile-edit small">
      <summary>Correct name or email</summary>
      <UserActionForm ctx={ctx} user={u} path="/profile" panel="#user-card" class="stack">
        <label>
          Display name
          <input
            type="text"
            name="display_name"
            value={u.profile?.displayName ?? ''}
            maxlength={100}
            placeholder={u.profile?.name ?? ''}
          />
        </label>
        <label>
          Email
          <input type="email" name="email" value={u.profile?.email ?? ''} maxlength={254} />
        </label>
        <button type="submit" class="small">
          Save for this conversation
        </button>
      </UserActionForm>
    </details>
  );
}

function TagEditor(props: { user: User; ctx: ViewCtx }) {
  const { user: u, ctx } = props;
  return (
    <div class="tag-list">
      <h2 class="h3">Tags</h2>
      <ul class="tags" aria-label="Tags">
        {u.tags.map((t) => (
          <li class="tag">
            {t}
            <UserActionForm
              ctx={ctx}
              user={u}
              path="/tags/remove"
              panel="#user-card"
              class="inline"
            >
              <input type="hidden" name="tag" value={t} />
              <button type="submit" class="icon" aria-label={`Remove tag ${t}`} title="Remove tag">
                ×
              </button>
            </UserActionForm>
          </li>
        ))}
      </ul>
      <UserActionForm ctx={ctx} user={u} path="/tags" panel="#user-card" class="row">
        <label>
          <span class="sr-only">New tag</span>
          <input type="text" name="tag" required maxlength={40} placeholder="Add a tag" />
        </label>
        <button type="submit">Add tag</button>
      </UserActionForm>
    </div>
  );
}

function CardActions(props: { user: User; ctx: ViewCtx }) {
  const { user: u, ctx } = props;
  return (
    <>
      <div class="row wrap">
        <UserActionForm ctx={ctx} user={u} path="/status" panel="#user-card" class="row">
          <label>
            Status{' '}
            <select name="status">
              {u.status ? null : (
                <option value="" disabled selected>
                  No status yet
                </option>
              )}
              {STATUS_LABELS.map(([v, l]) => (
                <option value={String(v)} selected={u.status === v}>
                  {l}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">Change status</button>
        </UserActionForm>
        <UserActionForm ctx={ctx} user={u} path="/pause" panel="#user-card">
          <input type="hidden" name="paused" value={u.paused ? 'no' : 'yes'} />
          <button type="submit" class={u.paused ? '' : 'warn'}>
            {u.paused ? 'Resume agent' : 'Pause agent (take over)'}
          </button>
        </UserActionForm>
      </div>
      <p class="small">
        <a href={userPath(ctx, u, '/transcript.csv')}>Download transcript (CSV)</a>
      </p>
      <PrivacyActions user={u} ctx={ctx} />
    </>
  );
}

/** Data-subject requests: everything stored as JSON, and erasure behind a typed confirmation. */
function PrivacyActions(props: { user: User; ctx: ViewCtx }) {
  const { user: u, ctx } = props;
  if (u.erasedAt) {
    return (
      <p class="small muted">
        Data erased <Time at={u.erasedAt} ctx={ctx} />; only anonymous counters remain.
      </p>
    );
  }
  return (
    <details class="privacy small">
      <summary>Privacy</summary>
      <p>
        <a href={userPath(ctx, u, '/export.json')}>Download all data (JSON)</a>
      </p>
      <UserActionForm ctx={ctx} user={u} path="/erase" panel="#user-card" class="stack">
        <label>
          Erase messages, facts and log for good — type ERASE to confirm
          <input type="text" name="confirm" required autocomplete="off" pattern="ERASE" />
        </label>
        <button type="submit" class="danger">
          Erase this user's data
        </button>
      </UserActionForm>
    </details>
  );
}
