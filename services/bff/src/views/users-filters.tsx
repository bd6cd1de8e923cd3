// The users list's filter form. Every control is a plain GET field (the URL is the state); htmx
// re-fetches the rows partial on change and the server puts the filters in the address bar.
import type { AccountIndex } from '../accounts/directory.js';
import { accountChoices, CHANNEL_NAMES, CHANNELS } from './accounts-format.js';
import { href, type ViewCtx } from './context.js';
import { STATUS_LABELS } from './format.js';
import { ACTIVE_WINDOWS, SCORE_LIMITS, type UsersQuery } from '../routes/users-query.js';

const SORT_LABELS: [UsersQuery['sort'], string][] = [
  ['activity', 'Last activity'],
  ['created', 'Newest users'],
  ['created_asc', 'Oldest users'],
  ['score_asc', 'Lowest score first (reviewed only)'],
  ['score_desc', 'Highest score first (reviewed only)'],
];

function SearchBox(props: { q: UsersQuery; rows: string }) {
  return (
    <label class="grow">
      <span class="sr-only">Search</span>
      <input
        id="q"
        type="search"
        name="q"
        value={props.q.q}
        placeholder="Search name, phone, email, message, fact…"
        autocomplete="off"
        hx-get={props.rows}
        hx-include="#filters"
        hx-target="#user-rows"
        hx-trigger="input changed delay:300ms, search"
        hx-sync="closest form:replace"
      />
    </label>
  );
}

/** People (one row per person, all channels) or conversations (one row per channel identity). */
function GroupToggle(props: { q: UsersQuery }) {
  return (
    <fieldset class="toggle">
      <legend class="sr-only">Show</legend>
      <label class="check">
        <input type="radio" name="view" value="" checked={!props.q.people} /> Conversations
      </label>
      <label class="check">
        <input type="radio" name="view" value="people" checked={props.q.people} /> People
      </label>
    </fieldset>
  );
}

function ChannelFilters(props: { q: UsersQuery; accounts: AccountIndex | undefined }) {
  const { q } = props;
  return (
    <>
      <label>
        Channel
        <select name="channel">
          <option value="">All channels</option>
          {CHANNELS.map(([c, slug]) => (
            <option value={slug} selected={q.channel === slug}>
              {CHANNEL_NAMES[c]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Account
        <select name="account">
          <option value="">All accounts</option>
          {accountChoices(props.accounts, q.account).map(([id, label]) => (
            <option value={id} selected={q.account === id}>
              {label}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}

function ProfileFilters(props: { q: UsersQuery }) {
  const { q } = props;
  return (
    <>
      <label>
        Status
        <select name="status">
          <option value="">Any</option>
          {STATUS_LABELS.map(([v, l]) => (
            <option value={String(v)} selected={q.status === String(v)}>
              {l}
            </option>
          ))}
        </select>
      </label>
      <label>
        Tag
        <input type="text" name="tag" value={q.tag} size={10} />
      </label>
      <label>
        Activity
        <select name="active">
          <option value="">Any time</option>
          {ACTIVE_WINDOWS.map(([k, l]) => (
            <option value={k} selected={q.active === k}>
              {l}
            </option>
          ))}
        </select>
      </label>
      <label>
        Agent
        <select name="paused">
          <option value="">Any</option>
          <option value="yes" selected={q.paused === 'yes'}>
            Paused
          </option>
          <option value="no" selected={q.paused === 'no'}>
            Running
          </option>
        </select>
      </label>
    </>
  );
}

function ReviewFilters(props: { q: UsersQuery }) {
  const { q } = props;
  return (
    <>
      <label>
        Review score
        <select name="score_below">
          <option value="">Any</option>
          {SCORE_LIMITS.map((l) => (
            <option value={l} selected={q.scoreBelow === l}>
              Below {l}
            </option>
          ))}
        </select>
      </label>
      <label class="check">
        <input type="checkbox" name="sentiment" value="negative" checked={q.negative} /> Negative
        sentiment
      </label>
      <label class="check">
        <input type="checkbox" name="open_actions" value="1" checked={q.openActions} /> Open action
        items
      </label>
      <label class="check">
        <input type="checkbox" name="review_pending" value="1" checked={q.reviewPending} /> Review
        pending
      </label>
    </>
  );
}

export function Filters(props: { q: UsersQuery; ctx: ViewCtx }) {
  const { q, ctx } = props;
  const rows = href(ctx, '/users/rows');
  return (
    <form
      id="filters"
      class="filters"
      role="search"
      method="get"
      action={href(ctx, '/users')}
      hx-get={rows}
      hx-target="#user-rows"
      hx-trigger="change, submit"
      hx-sync="this:replace"
    >
      <SearchBox q={q} rows={rows} />
      <GroupToggle q={q} />
      <ChannelFilters q={q} accounts={ctx.accounts} />
      <ProfileFilters q={q} />
      <label class="check">
        <input type="checkbox" name="needs_reply" value="1" checked={q.needsReply} /> Needs reply
      </label>
      <label class="check">
        <input type="checkbox" name="overdue" value="1" checked={q.overdue} /> Overdue follow-up
      </label>
      <ReviewFilters q={q} />
      <label>
        Sort
        <select name="sort">
          {SORT_LABELS.map(([v, l]) => (
            <option value={v} selected={q.sort === v}>
              {l}
            </option>
          ))}
        </select>
      </label>
      <button type="submit">Apply</button>
    </form>
  );
}

/** What the table's caption says about the order. */
export function sortCaption(sort: UsersQuery['sort']): string {
  return (
    {
      activity: 'Users, most recent activity first',
      created: 'Users, newest first',
      created_asc: 'Users, oldest first',
      score_asc: 'Reviewed users, lowest review score first',
      score_desc: 'Reviewed users, highest review score first',
    } as const
  )[sort];
}
