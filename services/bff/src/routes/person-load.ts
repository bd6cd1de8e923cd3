// The person behind an identity, for the user page, its older messages and its live stream.
// Profiles not answering GetPerson (an older profiles, a hiccup) is not an error for the page: it
// then shows the one conversation, as before people existed.
import { AppError } from '@ue/kit';
import type { User } from '@ue/proto';
import type { AppDeps } from '../http/types.js';
import type { PersonModel } from '../views/person-panel.js';
import { isSafeId } from './users-query.js';

/** Users named by links and suggestions are looked up by id; a long history shows the rest as "another identity". */
const MAX_NAMED = 20;

export async function loadPerson(
  deps: Pick<AppDeps, 'profiles' | 'log'>,
  userId: string,
  opts: { named: boolean } = { named: true },
): Promise<PersonModel | undefined> {
  let person;
  try {
    ({ person } = await deps.profiles.getPerson({ lookup: { $case: 'userId', userId } }));
  } catch (err) {
    if (err instanceof AppError && err.code === 'NOT_FOUND') throw err;
    deps.log.warn({ err, userId }, 'person not loaded; showing one conversation');
    return undefined;
  }
  if (!person) return undefined;
  if (!opts.named) return { person, others: new Map() };
  const known = new Set(person.identities.map((i) => i.id));
  const ids = [
    ...new Set([
      ...person.suggestions.map((s) => s.userId),
      ...person.links.flatMap((l) => l.userIds),
    ]),
  ]
    .filter((id) => !known.has(id) && isSafeId(id))
    .slice(0, MAX_NAMED);
  const found = await Promise.all(
    ids.map((id) =>
      deps.profiles
        .getUser({ lookup: { $case: 'id', id } })
        .then((r) => r.user)
        .catch(() => undefined),
    ),
  );
  return {
    person,
    others: new Map(found.filter((u): u is User => u !== undefined).map((u) => [u.id, u])),
  };
}

/** The identities a reply may go to: the person's, or the one conversation. */
export function identitiesOf(person: PersonModel | undefined, user: User): User[] {
  const list = person?.person.identities ?? [];
  return list.some((i) => i.id === user.id) ? list : [user];
}
