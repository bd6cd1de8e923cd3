import { Channel, Direction, type User } from '@ue/proto';
import { shownChannel } from './accounts-format.js';
import { AccountCell, ChannelIcon } from './channel-icon.js';
import { href, type ViewCtx } from './context.js';
import { ACTIVITY_LABEL, activityOf, displayName, formatPhone, statusLabel } from './format.js';
import { Layout } from './layout.js';
import { ReviewCell } from './review-badges.js';
import { Time } from './time.js';
import { Filters, sortCaption } from './users-filters.js';
import { usersQueryParams, type UsersQuery } from '../routes/users-query.js';

/** Columns of the users table (the empty and "loading more" rows span them all). */
const COLUMNS = 7;

export function ActivityDot(props: {
  user: Pick<User, 'paused' | 'lastInteractionAt'>;
  ctx: ViewCtx;
}) {
  const a = activityOf(props.user, props.ctx.now);
  return (
    <span class={`dot dot-${a}`} title={ACTIVITY_LABEL[a]}>
      <span class="sr-only">{ACTIVITY_LABEL[a]}</span>
    </span>
  );
}

export function Tags(props: { tags: string[] }) {
  return (
    <span class="tags">
      {props.tags.map((t) => (
        <span class="tag">{t}</span>
      ))}
    </span>
  );
}

/** A people row's marks: one icon per channel of the person, and how many identities it has. */
function PersonMarks(props: { user: User }) {
  const u = props.user;
  if (u.personIdentities < 2) return null;
  return (
    <span class="person-marks">
      {u.personChannels.map((ch) => (
        <ChannelIcon channel={ch} />
      ))}
      <span class="badge">{u.personIdentities} identities</span>
    </span>
  );
}

export function UserRow(props: { user: User; ctx: ViewCtx }) {
  const { user: u, ctx } = props;
  const name = displayName(u);
  const last = u.lastMessage;
  const overdue = u.nextFollowUpDueAt && u.nextFollowUpDueAt < ctx.now;
  return (
    <tr class="user-row">
      <td class="c-name">
        <ActivityDot user={u} ctx={ctx} />
        <a href={href(ctx, `/users/${encodeURIComponent(u.id)}`)} class="user-link" dir="auto">
          {name}
        </a>
        {u.needsReply ? <span class="badge badge-warn">needs reply</span> : null}
        {overdue ? <span class="badge badge-danger">follow-up overdue</span> : null}
        {u.paused ? <span class="badge badge-danger">paused</span> : null}
        <PersonMarks user={u} />
      </td>
      <td class="c-review" data-label="Review">
        <ReviewCell user={u} />
      </td>
      <td class="c-phone" data-label="Phone">
        {formatPhone(u.profile?.phoneE164) || (
          // Only WhatsApp numbers can be withheld; Messenger and Instagram have none to show.
          <span class="muted">
            {shownChannel(u.channel) === Channel.WHATSAPP ? 'withheld' : '—'}
          </span>
        )}
      </td>
      <td class="c-account" data-label="Account">
        <AccountCell of={u} accounts={ctx.accounts} />
      </td>
      <td class="c-status" data-label="Status">
        {u.status ? (
          <span class="status">{statusLabel(u.status)}</span>
        ) : (
          <span class="muted">no status</span>
        )}{' '}
        <Tags tags={u.tags} />
      </td>
      <td class="c-last" data-label="Last message">
        {last ? (
          <span class="preview">
            <span
              class="dir"
              title={last.direction === Direction.OUTBOUND ? 'sent by us' : 'received'}
            >
              {last.direction === Direction.OUTBOUND ? '↗ ' : '↙ '}
            </span>
            <bdi>{last.text}</bdi>
          </span>
        ) : (
          <span class="muted">no messages</span>
        )}
      </td>
      <td class="c-time" data-label="Last activity">
        <Time at={u.lastInteractionAt} ctx={ctx} />
      </td>
    </tr>
  );
}

/** Rows of one page, followed by a sentinel that loads the next page when scrolled into view. */
export function UserRows(props: { users: User[]; nextUrl?: string; ctx: ViewCtx; first: boolean }) {
  if (props.first && props.users.length === 0) {
    return (
      <tr class="empty">
        <td colspan={COLUMNS}>No users match these filters.</td>
      </tr>
    );
  }
  return (
    <>
      {props.users.map((u) => (
        <UserRow user={u} ctx={props.ctx} />
      ))}
      {props.nextUrl ? (
        <tr class="more" hx-get={props.nextUrl} hx-trigger="revealed" hx-swap="outerHTML">
          <td colspan={COLUMNS}>
            <a href={props.nextUrl}>Loading more…</a>
          </td>
        </tr>
      ) : null}
    </>
  );
}

/** The CSV link follows the filters (re-sent out of band with every new search). */
export function ExportLink(props: { ctx: ViewCtx; q: UsersQuery; oob?: boolean }) {
  return (
    <a
      class="button secondary"
      id="export-link"
      href={href(props.ctx, '/export/users.csv', usersQueryParams(props.q))}
      hx-swap-oob={props.oob ? 'true' : undefined}
    >
      Export CSV
    </a>
  );
}

export function UsersPage(props: { q: UsersQuery; users: User[]; nextUrl?: string; ctx: ViewCtx }) {
  const { ctx, q } = props;
  return (
    <Layout title="Users" ctx={ctx} area="users">
      <div class="page-head">
        <h1>Users</h1>
        <ExportLink ctx={ctx} q={q} />
      </div>
      <Filters q={q} ctx={ctx} />
      <table class="users">
        <caption class="sr-only">{sortCaption(q.sort)}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Review</th>
            <th scope="col">Phone</th>
            <th scope="col">Account</th>
            <th scope="col">Status &amp; tags</th>
            <th scope="col">Last message</th>
            <th scope="col">Active</th>
          </tr>
        </thead>
        <tbody id="user-rows">
          <UserRows users={props.users} nextUrl={props.nextUrl} ctx={ctx} first={true} />
        </tbody>
      </table>
    </Layout>
  );
}
