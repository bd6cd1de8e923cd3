// The person behind a conversation: its identities on every channel, each profile value with the
// identity it comes from, suggested joins to confirm, a search to join another conversation by
// hand, and the history of joins and splits with "Unmerge" / "Split off". Every action asks why.
import {
  ActorKind,
  PersonRule,
  type Actor,
  type Person,
  type PersonLink,
  type PersonSuggestion,
  type User,
} from '@ue/proto';
import { sourceLabel } from './accounts-format.js';
import { AccountSource, ChannelIcon } from './channel-icon.js';
import type { ViewCtx } from './context.js';
import { displayName, formatPhone } from './format.js';
import { Time } from './time.js';
import { userPath } from './user-path.js';

export interface PersonModel {
  person: Person;
  /** Users named by links and suggestions that are not identities of the person (any more). */
  others: ReadonlyMap<string, User>;
}

/** Which form a refusal belongs to: "link:<user id>", "search", "unlink:<link id>", "split:<user id>". */
export interface PersonFormState {
  form: string;
  error: string;
  /** What the admin wrote, shown again. */
  reason: string;
}

/** The panel is for people: several identities, or a suggestion that there may be. */
export function showPersonPanel(p: PersonModel | undefined): p is PersonModel {
  return Boolean(p && (p.person.identities.length > 1 || p.person.suggestions.length > 0));
}

export const RULE_LABELS: Record<PersonRule, string> = {
  [PersonRule.UNSPECIFIED]: 'unspecified rule',
  [PersonRule.SAME_PHONE]: 'same phone (automatic)',
  [PersonRule.SAME_EMAIL]: 'same email',
  [PersonRule.PHONE_IN_FACTS]: 'phone in facts',
  [PersonRule.MANUAL]: 'joined by hand',
  [PersonRule.UNRECOGNIZED]: 'unknown rule',
};

/** Who did it; the platform's own rules have an id ("rules") but no name worth showing. */
function actorName(a: Actor | undefined): string {
  if (a?.displayName) return a.displayName;
  if (a?.kind === ActorKind.SYSTEM) return 'the system';
  return a?.id || 'someone';
}

/** A scoped id (Messenger PSID, Instagram IGSID) says nothing to a person: its last digits only. */
export function maskedScopedId(id: string): string {
  return id.length > 4 ? `ID …${id.slice(-4)}` : 'ID';
}

/** Phone as the page shows phones, else the masked scoped id. */
function contactOf(u: User): string {
  return formatPhone(u.profile?.phoneE164) || (u.scopedId ? maskedScopedId(u.scopedId) : '');
}

/** Identities joined by an automatic rule, still in the person: they can be split off. */
function automaticallyJoined(person: Person): Set<string> {
  return new Set(
    person.links
      .filter((l) => isActiveJoin(l, person) && l.rule === PersonRule.SAME_PHONE)
      .flatMap((l) => l.userIds),
  );
}

export function isActiveJoin(l: PersonLink, person: Pick<Person, 'id'>): boolean {
  return !l.split && !l.undoneAt && l.personId === person.id;
}

/**
 * A join that can be undone by its id: one that came from another person. The same-phone rule's
 * joins have none to go back to (profiles derives them from the phone); their identities are
 * split off one by one instead.
 */
function canUnmerge(l: PersonLink, person: Pick<Person, 'id'>): boolean {
  return isActiveJoin(l, person) && l.fromPersonId !== '';
}

/** Why-field and submit button of every person action. */
function ReasonForm(props: {
  ctx: ViewCtx;
  user: Pick<User, 'id'>;
  path: '/person/link' | '/person/unlink';
  /** This form's key (see PersonFormState.form). */
  form: string;
  state: PersonFormState | undefined;
  hidden: Record<string, string>;
  prefill?: string;
  button: string;
  children?: unknown;
}) {
  const { ctx, state } = props;
  const mine = state?.form === props.form ? state : undefined;
  const id = `reason-${props.form.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return (
    <form
      class="stack person-form"
      hx-post={userPath(ctx, props.user, props.path)}
      hx-target="#main"
      hx-swap="innerHTML"
    >
      {Object.entries(props.hidden).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      {props.children}
      <label for={id}>Reason (required)</label>
      <textarea
        id={id}
        name="reason"
        rows={2}
        required
        maxlength={500}
        aria-invalid={mine ? 'true' : undefined}
        aria-describedby={mine ? `${id}-error` : undefined}
      >
        {mine ? mine.reason : (props.prefill ?? '')}
      </textarea>
      {mine ? (
        <p class="error-text small" id={`${id}-error`}>
          {mine.error}
        </p>
      ) : null}
      <button type="submit" class="small">
        {props.button}
      </button>
    </form>
  );
}

function Identities(props: {
  user: User;
  person: Person;
  ctx: ViewCtx;
  state: PersonFormState | undefined;
}) {
  const { person, ctx } = props;
  const auto = automaticallyJoined(person);
  return (
    <ul class="identities">
      {person.identities.map((i) => {
        const here = i.id === props.user.id;
        return (
          <li class={here ? 'identity here' : 'identity'}>
            <p>
              <ChannelIcon channel={i.channel} />{' '}
              <a href={userPath(ctx, i)} aria-current={here ? 'page' : undefined} dir="auto">
                {displayName(i)}
              </a>{' '}
              <span class="muted small">
                {sourceLabel(i, ctx.accounts)}
                {contactOf(i) ? ` · ${contactOf(i)}` : ''} · active{' '}
                <Time at={i.lastInteractionAt} ctx={ctx} />
              </span>
              {here ? <span class="badge">this conversation</span> : null}
            </p>
            {auto.has(i.id) && person.identities.length > 1 ? (
              <details
                class="person-action"
                open={props.state?.form === `split:${i.id}` ? true : undefined}
              >
                <summary>Split off…</summary>
                <ReasonForm
                  ctx={ctx}
                  user={props.user}
                  path="/person/unlink"
                  form={`split:${i.id}`}
                  state={props.state}
                  hidden={{ split: i.id }}
                  button={`Split off ${displayName(i)}`}
                />
              </details>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

/** Each value of a profile field with the identities that have it ("Lena V. — Messenger · Acme Page"). */
function valuesOf(identities: User[], pick: (u: User) => string): [string, User[]][] {
  const by = new Map<string, User[]>();
  for (const u of identities) {
    const v = pick(u).trim();
    if (v) by.set(v, [...(by.get(v) ?? []), u]);
  }
  return [...by.entries()];
}

const PROFILE_FIELDS: [string, (u: User) => string][] = [
  ['Name', (u) => u.profile?.displayName || u.profile?.name || ''],
  ['Email', (u) => u.profile?.email ?? ''],
  ['Phone', (u) => formatPhone(u.profile?.phoneE164)],
  ['Username', (u) => (u.profile?.username ? `@${u.profile.username}` : '')],
];

function ProfileSources(props: { person: Person; ctx: ViewCtx }) {
  const rows = PROFILE_FIELDS.map(
    ([label, pick]) => [label, valuesOf(props.person.identities, pick)] as const,
  ).filter(([, values]) => values.length > 0);
  return (
    <dl class="fields sources">
      {rows.map(([label, values]) => (
        <>
          <dt>{label}</dt>
          <dd>
            <ul class="values">
              {values.map(([value, from]) => (
                <li>
                  <bdi>{value}</bdi> —{' '}
                  {from.map((u, n) => (
                    <>
                      {n > 0 ? ', ' : ''}
                      <AccountSource of={u} accounts={props.ctx.accounts} />
                    </>
                  ))}
                </li>
              ))}
            </ul>
          </dd>
        </>
      ))}
    </dl>
  );
}

/** A user a link or suggestion names, as one line (or a plain "another identity"). */
function Who(props: { id: string; model: PersonModel; ctx: ViewCtx }) {
  const u =
    props.model.person.identities.find((i) => i.id === props.id) ??
    props.model.others.get(props.id);
  if (!u) return <span class="muted">another identity</span>;
  return (
    <span>
      <bdi>{displayName(u)}</bdi> (<AccountSource of={u} accounts={props.ctx.accounts} />)
    </span>
  );
}

function Suggestions(props: {
  user: User;
  model: PersonModel;
  ctx: ViewCtx;
  state: PersonFormState | undefined;
}) {
  const { model, ctx } = props;
  const list: PersonSuggestion[] = model.person.suggestions;
  if (list.length === 0) return null;
  return (
    <section class="suggestions" aria-labelledby="suggestions-h">
      <h3 class="h3" id="suggestions-h">
        Maybe the same person
      </h3>
      <ul>
        {list.map((s) => (
          <li>
            <p>
              <Who id={s.userId} model={model} ctx={ctx} />
              <span class="muted small">
                {' '}
                · {RULE_LABELS[s.rule]}: <bdi>{s.reason}</bdi>
              </span>
            </p>
            <ReasonForm
              ctx={ctx}
              user={props.user}
              path="/person/link"
              form={`link:${s.userId}`}
              state={props.state}
              hidden={{ with: s.userId, source: 'suggestion' }}
              prefill={s.reason}
              button="Merge"
            />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Candidates for a merge by hand: the users search's rows as choices. */
export function MergeCandidates(props: { users: User[]; ctx: ViewCtx; searched: boolean }) {
  const { ctx } = props;
  return (
    <div id="merge-candidates" class="candidates">
      {props.users.length === 0 ? (
        <p class="muted small">
          {props.searched ? 'No other conversation matches.' : 'Search to see conversations.'}
        </p>
      ) : (
        <fieldset>
          <legend class="small">Merge with</legend>
          {props.users.map((u) => (
            <label class="check">
              <input type="radio" name="with" value={u.id} required />
              <ChannelIcon channel={u.channel} /> <bdi>{displayName(u)}</bdi>
              <span class="muted small">
                {' '}
                · {sourceLabel(u, ctx.accounts)}
                {contactOf(u) ? ` · ${contactOf(u)}` : ''}
              </span>
            </label>
          ))}
        </fieldset>
      )}
    </div>
  );
}

function MergeSearch(props: { user: User; ctx: ViewCtx; state: PersonFormState | undefined }) {
  const { ctx } = props;
  return (
    <details class="person-action" open={props.state?.form === 'search' ? true : undefined}>
      <summary>Merge with another conversation…</summary>
      <ReasonForm
        ctx={ctx}
        user={props.user}
        path="/person/link"
        form="search"
        state={props.state}
        hidden={{ source: 'search' }}
        button="Merge"
      >
        <label>
          Find a conversation
          <input
            type="search"
            name="q"
            autocomplete="off"
            placeholder="Name, phone, email…"
            hx-get={userPath(ctx, props.user, '/person/candidates')}
            hx-trigger="input changed delay:300ms, search"
            hx-target="#merge-candidates"
            hx-swap="outerHTML"
            hx-sync="this:replace"
          />
        </label>
        <MergeCandidates users={[]} ctx={ctx} searched={false} />
      </ReasonForm>
    </details>
  );
}

function LinkEntry(props: {
  link: PersonLink;
  user: User;
  model: PersonModel;
  ctx: ViewCtx;
  state: PersonFormState | undefined;
}) {
  const { link: l, model, ctx } = props;
  const line = (
    <>
      {l.split ? 'Split off ' : 'Joined '}
      {l.userIds.map((id, n) => (
        <>
          {n > 0 ? ', ' : ''}
          <Who id={id} model={model} ctx={ctx} />
        </>
      ))}{' '}
      · {RULE_LABELS[l.rule]} · by {actorName(l.by)}, <Time at={l.at} ctx={ctx} />
      {l.reason ? (
        <>
          {' '}
          · “<bdi>{l.reason}</bdi>”
        </>
      ) : null}
    </>
  );
  return (
    <li class={l.undoneAt ? 'link undone' : 'link'}>
      <p>{l.undoneAt ? <del>{line}</del> : line}</p>
      {l.undoneAt ? (
        <p class="small muted">
          Undone by {actorName(l.undoneBy)}, <Time at={l.undoneAt} ctx={ctx} />
          {l.undoReason ? (
            <>
              {' '}
              · “<bdi>{l.undoReason}</bdi>”
            </>
          ) : null}
        </p>
      ) : null}
      {canUnmerge(l, model.person) ? (
        <details
          class="person-action"
          open={props.state?.form === `unlink:${l.id}` ? true : undefined}
        >
          <summary>Unmerge…</summary>
          <ReasonForm
            ctx={ctx}
            user={props.user}
            path="/person/unlink"
            form={`unlink:${l.id}`}
            state={props.state}
            hidden={{ link: l.id }}
            button="Unmerge"
          />
        </details>
      ) : null}
    </li>
  );
}

function LinkHistory(props: {
  user: User;
  model: PersonModel;
  ctx: ViewCtx;
  state: PersonFormState | undefined;
}) {
  return (
    <>
      <h3 class="h3">Joins and splits</h3>
      <ol class="links">
        {props.model.person.links.map((l) => (
          <LinkEntry link={l} {...props} />
        ))}
      </ol>
    </>
  );
}

export function PersonPanel(props: {
  user: User;
  model: PersonModel;
  ctx: ViewCtx;
  state?: PersonFormState;
  notice?: string;
}) {
  const { user, model, ctx, state } = props;
  const { person } = model;
  const n = person.identities.length;
  if (!showPersonPanel(model))
    return (
      // One identity and nothing suggested: only the way to join another conversation by hand.
      <section id="person" class="card compact" aria-labelledby="person-h">
        <h2 id="person-h" class="h3">
          Same person on another channel?
        </h2>
        {props.notice ? (
          <p class="notice small" tabindex={-1} autofocus>
            {props.notice}
          </p>
        ) : null}
        <MergeSearch user={user} ctx={ctx} state={state} />
        {person.links.length > 0 ? (
          <LinkHistory user={user} model={model} ctx={ctx} state={state} />
        ) : null}
      </section>
    );
  return (
    <section id="person" class="card" aria-labelledby="person-h">
      <h2 id="person-h">
        Person · {n} {n === 1 ? 'identity' : 'identities'}
      </h2>
      {props.notice ? (
        // Focused after the panel is redrawn, so keyboard users continue from here.
        <p class="notice small" tabindex={-1} autofocus>
          {props.notice}
        </p>
      ) : null}
      <Identities user={user} person={person} ctx={ctx} state={state} />
      <ProfileSources person={person} ctx={ctx} />
      <Suggestions user={user} model={model} ctx={ctx} state={state} />
      <MergeSearch user={user} ctx={ctx} state={state} />
      {person.links.length > 0 ? (
        <LinkHistory user={user} model={model} ctx={ctx} state={state} />
      ) : null}
    </section>
  );
}
