// ListUsers with group_by_person: one row per person, its first identity in the list's order
// among those matching the filters (domain/person.ts representatives). The list is the usual
// sorted keyset walk; a row is dropped when another matching identity of its person sorts before
// it, so a person is listed exactly once, on the page where its first identity falls, whatever
// the page size.
import { Channel } from '@ue/proto';
import { personIdOf, representatives, type Listed } from '../domain/person.js';
import type { Ports, UserListQuery } from './ports.js';
import type { UserView } from './records.js';

/** Batches read at most for one page (a page may come back short, with a next token). */
const MAX_ROUNDS = 5;

export interface PeoplePage {
  docs: UserView[];
  /** The row the next page starts after; undefined on the last page. */
  nextAfter?: UserView;
}

const channelOf = (u: UserView): Channel => u.channel || Channel.WHATSAPP;

export async function listPeople(
  deps: Pick<Ports, 'users' | 'people'>,
  q: UserListQuery,
  sortKey: (u: UserView) => string | number,
): Promise<PeoplePage> {
  const limit = q.limit;
  const listed = (u: UserView): Listed => ({ id: u._id, personId: personIdOf(u), key: sortKey(u) });
  const valueOf = (u: UserView) =>
    q.sort.field === 'review.score' ? (u.review?.score ?? 0) : (u[q.sort.field] ?? new Date(0));
  const kept: UserView[] = [];
  let after = q.after;
  let examined: UserView | undefined;
  let exhausted = false;
  for (let round = 0; round < MAX_ROUNDS && kept.length <= limit && !exhausted; round += 1) {
    const batch = await deps.users.list({ ...q, after, limit: limit + 1 });
    exhausted = batch.length <= limit;
    const personIds = [...new Set(batch.map(personIdOf))];
    // The identities of these persons that match the filters, wherever they sort.
    const matching = (await deps.people.listed(q, personIds)).map(listed);
    const firsts = new Set(
      representatives(batch.map(listed), matching, q.sort.dir).map((r) => r.id),
    );
    for (const u of batch) {
      examined = u;
      if (firsts.has(u._id)) kept.push(u);
      if (kept.length > limit) break;
    }
    if (examined) after = { value: valueOf(examined), id: examined._id };
  }
  const docs = await withChannels(deps, kept.slice(0, limit));
  if (kept.length > limit) return { docs, nextAfter: docs[limit - 1] };
  return { docs, nextAfter: exhausted ? undefined : examined };
}

/** Each row with its person's channels (distinct, the row's first) and number of identities. */
async function withChannels(deps: Pick<Ports, 'people'>, rows: UserView[]): Promise<UserView[]> {
  const members = await deps.people.identities([...new Set(rows.map(personIdOf))]);
  const byPerson = new Map<string, UserView[]>();
  for (const m of members) byPerson.set(personIdOf(m), [...(byPerson.get(personIdOf(m)) ?? []), m]);
  return rows.map((r) => {
    const all = (byPerson.get(personIdOf(r)) ?? [r]).sort(
      (a, b) => (b.lastInteractionAt?.getTime() ?? 0) - (a.lastInteractionAt?.getTime() ?? 0),
    );
    const channels = [...new Set([channelOf(r), ...all.map(channelOf)])];
    return {
      ...r,
      personId: personIdOf(r),
      personChannels: channels,
      personIdentities: all.length,
    };
  });
}
