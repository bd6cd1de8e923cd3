// Joining and splitting identities from a user page: a suggested merge, a merge by hand with a
// conversation found by search, an unmerge of one join, or splitting one identity off. Each
// needs a reason, goes to profiles attributed to the admin, and answers the whole page body
// (identities, timeline and reply box all change) with the result announced politely.
import type { Context } from 'hono';
import { Hono } from 'hono';
import { AppError } from '@ue/kit';
import { PersonRule, type Person, type User } from '@ue/proto';
import type { AppDeps, AppEnv } from '../http/types.js';
import { sourceLabel } from '../views/accounts-format.js';
import { displayName } from '../views/format.js';
import { MergeCandidates, type PersonFormState } from '../views/person-panel.js';
import { UserMain } from '../views/user-page.js';
import { loadPerson } from './person-load.js';
import { loadUserPage } from './user-page-model.js';
import { actorOf, userId } from './user-params.js';
import { isSafeId } from './users-query.js';

type C = Context<AppEnv>;

const REASON_MAX = 500;
const CANDIDATES = 10;

/** A refusal shown at the form it came from; nothing was sent to profiles. */
class Refused extends Error {
  constructor(
    readonly form: string,
    message: string,
    readonly status: 400 | 409 = 400,
  ) {
    super(message);
  }
}

function textOf(body: Record<string, unknown>, name: string): string {
  const v = body[name];
  return typeof v === 'string' ? v.trim() : '';
}

function reasonOf(body: Record<string, unknown>, form: string): string {
  const reason = textOf(body, 'reason');
  if (!reason) throw new Refused(form, 'Say why: the reason is kept with the change.');
  if (reason.length > REASON_MAX) throw new Refused(form, `At most ${REASON_MAX} characters.`);
  return reason;
}

/** "Lena V. (Messenger · Acme Page)". */
function named(u: User | undefined, c: C): string {
  return u ? `${displayName(u)} (${sourceLabel(u, c.get('view').accounts)})` : 'the identity';
}

export function personRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const p = deps.profiles;

  /** The page body after an action, with its result or the refusal at its form. */
  const answer = async (
    c: C,
    result: { notice?: string; state?: PersonFormState; status?: 200 | 400 | 409 },
  ) => {
    const model = await loadUserPage(deps, {
      c,
      id: userId(c),
      timeline: 'person',
      personState: result.state,
      personNotice: result.notice,
    });
    const said = result.notice ?? result.state?.error ?? '';
    return c.html(
      <>
        <UserMain {...model} />
        <div id="announce" hx-swap-oob="innerHTML">
          {said}
        </div>
      </>,
      result.status ?? 200,
    );
  };

  /** Runs an action; a refusal, or profiles refusing it, is shown at its form. */
  const act = async (
    c: C,
    run: (body: Record<string, unknown>) => Promise<string>,
  ): Promise<Response> => {
    const body = await c.req.parseBody();
    try {
      return await answer(c, { notice: await run(body) });
    } catch (err) {
      const form = err instanceof Refused ? err.form : formOf(body);
      if (err instanceof Refused)
        return answer(c, {
          state: { form, error: err.message, reason: textOf(body, 'reason') },
          status: err.status,
        });
      if (err instanceof AppError && ['INVALID_ARGUMENT', 'FAILED_PRECONDITION'].includes(err.code))
        return answer(c, {
          state: { form, error: `Not done: ${err.message}`, reason: textOf(body, 'reason') },
          status: err.code === 'INVALID_ARGUMENT' ? 400 : 409,
        });
      throw err;
    }
  };

  const personOf = async (id: string): Promise<Person> => {
    const model = await loadPerson(deps, id, { named: false });
    if (!model) throw new AppError('UNAVAILABLE', 'people are not available from profiles');
    return model.person;
  };

  app.get('/users/:id/person/candidates', async (c) => {
    const id = userId(c);
    const q = (c.req.query('q') ?? '').trim().slice(0, 200);
    if (!q) return c.html(<MergeCandidates users={[]} ctx={c.get('view')} searched={false} />);
    const [{ user }, found] = await Promise.all([
      p.getUser({ lookup: { $case: 'id', id } }),
      p.listUsers({ query: q, pageSize: CANDIDATES + 5 }),
    ]);
    if (!user) throw AppError.notFound('user');
    // Identities of this person already are not candidates.
    const users = found.users
      .filter((u) => u.id !== id && (!user.personId || u.personId !== user.personId))
      .slice(0, CANDIDATES);
    return c.html(<MergeCandidates users={users} ctx={c.get('view')} searched={true} />);
  });

  app.post('/users/:id/person/link', async (c) =>
    act(c, async (body) => {
      const id = userId(c);
      const fromSuggestion = textOf(body, 'source') === 'suggestion';
      const other = textOf(body, 'with');
      const form = fromSuggestion ? `link:${other}` : 'search';
      if (!isSafeId(other) || other === id)
        throw new Refused(form, 'Pick the conversation to merge with.');
      const reason = reasonOf(body, form);
      const person = await personOf(id);
      if (person.identities.some((i) => i.id === other)) return 'They are one person already.';
      // A suggestion's rule is the one profiles suggested, never what the form claims.
      const rule = fromSuggestion
        ? person.suggestions.find((s) => s.userId === other)?.rule
        : PersonRule.MANUAL;
      if (rule === undefined) throw new Refused(form, 'This suggestion is no longer offered.', 409);
      const res = await p.linkIdentities({
        userIds: [id, other],
        actor: actorOf(c),
        reason,
        rule,
        // The same form sent twice (a double click) is one join.
        clientId: `merge:${person.id}:${other}:${person.links.length}`,
      });
      const joined = res.person?.identities.find((i) => i.id === other);
      return `Merged: ${named(joined, c)} is part of this person now.`;
    }),
  );

  app.post('/users/:id/person/unlink', async (c) =>
    act(c, async (body) => {
      const id = userId(c);
      const linkId = textOf(body, 'link');
      const split = textOf(body, 'split');
      const form = linkId ? `unlink:${linkId}` : `split:${split}`;
      if (linkId ? !isSafeId(linkId) : !isSafeId(split))
        throw new Refused(form, 'Pick the join to undo or the identity to split off.');
      const reason = reasonOf(body, form);
      const before = await personOf(id);
      const res = await p.unlinkIdentities({
        target: linkId ? { $case: 'linkId', linkId } : { $case: 'userId', userId: split },
        actor: actorOf(c),
        reason,
      });
      const moved = (res.link?.userIds ?? []).map((u) =>
        named(
          before.identities.find((i) => i.id === u),
          c,
        ),
      );
      return linkId
        ? `Unmerged: ${moved.join(', ') || 'the identities'} went back to the person they came from.`
        : `Split off: ${moved.join(', ') || 'the identity'} is a person of its own now.`;
    }),
  );

  return app;
}

/** The form a request came from, for a refusal by profiles. */
function formOf(body: Record<string, unknown>): string {
  const link = textOf(body, 'link');
  const split = textOf(body, 'split');
  if (link) return `unlink:${link}`;
  if (split) return `split:${split}`;
  return textOf(body, 'source') === 'suggestion' ? `link:${textOf(body, 'with')}` : 'search';
}
