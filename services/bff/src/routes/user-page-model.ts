// Everything the user page shows, loaded together: the identity, its person, and either the
// person's timeline across channels or this identity's conversation. The page route and the
// person actions (which redraw the whole page body) share it.
import type { Context } from 'hono';
import { AppError } from '@ue/kit';
import type { AppDeps, AppEnv } from '../http/types.js';
import { href } from '../views/context.js';
import type { PersonFormState } from '../views/person-panel.js';
import type { Timeline, UserPageModel } from '../views/user-page.js';
import { loadPerson } from './person-load.js';
import { loadReviews } from './review.js';

export interface UserPageRequest {
  c: Context<AppEnv>;
  id: string;
  /** What the admin asked for; 'person' only holds when the person has several identities. */
  timeline: Timeline;
  personState?: PersonFormState;
  personNotice?: string;
}

export async function loadUserPage(deps: AppDeps, r: UserPageRequest): Promise<UserPageModel> {
  const p = deps.profiles;
  const pageSize = deps.settings.pageSizes?.messages ?? 40;
  const { c, id } = r;
  const [found, person] = await Promise.all([
    p.getUser({ lookup: { $case: 'id', id } }),
    loadPerson(deps, id),
  ]);
  if (!found.user) throw AppError.notFound('user');
  const several = (person?.person.identities.length ?? 0) > 1;
  const timeline: Timeline = several && r.timeline === 'person' ? 'person' : 'conversation';
  const [facts, log, messages, reviews] = await Promise.all([
    p.listFacts({ userId: id }),
    p.listLogEntries({ userId: id, pageSize: 100 }),
    p.listMessages(
      timeline === 'person' && person
        ? { personId: person.person.id, pageSize }
        : { userId: id, pageSize },
    ),
    loadReviews(deps, id),
  ]);
  const token = messages.nextPageToken;
  return {
    user: found.user,
    facts: facts.facts,
    log: log.entries,
    messages: messages.messages,
    reviews,
    olderUrl: token
      ? href(c.get('view'), `/users/${encodeURIComponent(id)}/messages`, {
          scope: timeline === 'person' ? 'person' : undefined,
          page_token: token,
        })
      : undefined,
    ctx: c.get('view'),
    person,
    timeline,
    personState: r.personState,
    personNotice: r.personNotice,
  };
}
