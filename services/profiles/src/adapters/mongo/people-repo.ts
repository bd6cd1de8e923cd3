// People on MongoDB: identities grouped by `users.personId`, the joins and splits in
// `person_links`. A join, an undo and a split each change `personId` of the identities concerned
// and write their link in one transaction, decided against the users as read inside it (a
// concurrent change to one of them is a write conflict, and the driver runs it again). Users
// stored before people existed have no `personId` and are read as `p-<_id>` (and backfilled).
import { AppError } from '@ue/kit';
import { PersonRule } from '@ue/proto';
import type { ClientSession, Collection, Filter, MongoClient } from 'mongodb';
import { newId } from '../../domain/ids.js';
import {
  checkSplit,
  personIdOf,
  planJoin,
  soloPersonId,
  soloUserOf,
  undoMove,
  type JoinCandidate,
} from '../../domain/person.js';
import type { PeopleRules, PeopleStore, PersonChange } from '../../app/ports.js';
import type { PersonLinkRecord, UserRecord } from '../../app/records.js';
import { isDuplicateKey, VIEW, type Collections } from './db.js';
import { listFilter } from './user-admin.js';

/** How long an account's business is trusted before it is read again. */
const BUSINESS_TTL_MS = 30_000;
/** Fact versions read at most for one suggestion lookup. */
const MAX_FACT_VERSIONS = 10_000;

/** The identities of these persons, those without `personId` (their own person) included. */
export function inPersons(personIds: string[]): Filter<UserRecord> {
  const byPerson: Filter<UserRecord> = { personId: { $in: personIds } };
  const legacy = personIds.map(soloUserOf).filter((id): id is string => !!id);
  if (legacy.length === 0) return byPerson;
  return { $or: [byPerson, { _id: { $in: legacy }, personId: { $exists: false } }] };
}

type PeopleCols = Pick<Collections, 'users' | 'personLinks' | 'accounts' | 'facts'>;

export function createPeopleRepo(
  client: MongoClient,
  cols: PeopleCols,
  rules: PeopleRules,
): PeopleStore {
  const { users, personLinks } = cols;
  const inTransaction = <T>(work: (session: ClientSession) => Promise<T>): Promise<T> =>
    // The driver runs the callback again on transient errors (a write conflict with a
    // concurrent join, undo or split of the same users), so it reads and decides inside it.
    client.withSession((session) => session.withTransaction(() => work(session)));
  const businessOf = createBusinessLookup(cols.accounts);

  const memberIds = async (personId: string, session: ClientSession) =>
    (await users.find(inPersons([personId]), { session, projection: { _id: 1 } }).toArray())
      .map((u) => u._id)
      .sort();

  const linksByClientId = (clientId: string, session?: ClientSession) =>
    personLinks.find({ clientId }, { session }).sort({ at: 1, _id: 1 }).toArray();

  const outcomeOf = (links: PersonLinkRecord[]) => ({
    personId: links[0]!.personId,
    links,
    moved: [],
  });

  async function joinOnce(j: Parameters<PeopleStore['join']>[0], session: ClientSession) {
    if (j.clientId) {
      const done = await linksByClientId(j.clientId, session);
      if (done.length) return outcomeOf(done);
    }
    const found = await users
      .find(
        { _id: { $in: j.userIds } },
        { session, projection: { _id: 1, personId: 1, erasedAt: 1 } },
      )
      .toArray();
    const candidates = new Map<string, JoinCandidate>(
      found.map((u) => [u._id, { id: u._id, personId: personIdOf(u), erased: !!u.erasedAt }]),
    );
    const plan = planJoin(j.userIds, candidates);
    const links: PersonLinkRecord[] = [];
    for (const from of plan.joining) {
      const ids = await memberIds(from, session);
      await users.updateMany(
        { _id: { $in: ids } },
        { $set: { personId: plan.target } },
        { session },
      );
      links.push({
        _id: newId('pl'),
        personId: plan.target,
        fromPersonId: from,
        userIds: ids,
        rule: j.rule,
        by: j.by,
        at: j.at,
        reason: j.reason,
        split: false,
        undoneAt: undefined,
        undoneBy: undefined,
        undoReason: '',
        ...(j.clientId ? { clientId: j.clientId } : {}),
      });
    }
    if (links.length) await personLinks.insertMany(links, { session });
    return { personId: plan.target, links, moved: links.flatMap((l) => l.userIds) };
  }

  async function undoOnce(linkId: string, c: PersonChange, session: ClientSession) {
    const link = await personLinks.findOne({ _id: linkId }, { session });
    if (!link) throw new AppError('NOT_FOUND', 'link_id: link not found', { field: 'link_id' });
    const undone = () =>
      new AppError('FAILED_PRECONDITION', 'link_id: this link was undone already', {
        field: 'link_id',
      });
    if (link.undoneAt) throw undone();
    const { from, to } = undoMove(link);
    // Only the identities still where the link put them go back.
    const still = await users
      .find(
        { $and: [{ _id: { $in: link.userIds } }, inPersons([from])] },
        { session, projection: { _id: 1 } },
      )
      .toArray();
    const moved = still.map((u) => u._id).sort();
    if (moved.length)
      await users.updateMany({ _id: { $in: moved } }, { $set: { personId: to } }, { session });
    const after = await personLinks.findOneAndUpdate(
      { _id: linkId, undoneAt: { $exists: false } },
      { $set: { undoneAt: c.at, undoneBy: c.by, undoReason: c.reason } },
      { session, returnDocument: 'after' },
    );
    if (!after) throw undone();
    return { left: from, restored: to, link: after, moved };
  }

  async function splitOnce(userId: string, c: PersonChange, session: ClientSession) {
    const u = await users.findOne({ _id: userId }, { session, projection: { personId: 1 } });
    if (!u) throw new AppError('NOT_FOUND', 'user_id: user not found', { field: 'user_id' });
    const current = personIdOf(u);
    const own = soloPersonId(userId);
    const others = (await memberIds(current, session)).filter((id) => id !== userId).length;
    // Joins into the user's own person, to name in the refusal (checkSplit).
    const joinLinks =
      current === own && others > 0
        ? await personLinks
            .find(
              { personId: own, split: false, undoneAt: { $exists: false } },
              { session, projection: { _id: 1 } },
            )
            .sort({ at: -1, _id: -1 })
            .limit(20)
            .toArray()
        : [];
    checkSplit(
      { id: userId, personId: current },
      { others, joinLinks: joinLinks.map((l) => l._id) },
    );
    await users.updateOne({ _id: userId }, { $set: { personId: own } }, { session });
    const link: PersonLinkRecord = {
      _id: newId('pl'),
      personId: current,
      fromPersonId: own,
      userIds: [userId],
      rule: PersonRule.MANUAL,
      by: c.by,
      at: c.at,
      reason: c.reason,
      split: true,
      undoneAt: undefined,
      undoneBy: undefined,
      undoReason: '',
    };
    await personLinks.insertOne(link, { session });
    return { left: current, restored: own, link, moved: [userId] };
  }

  return {
    rules,
    businessOf,
    identities: (personIds) =>
      personIds.length
        ? users.find(inPersons(personIds), { projection: VIEW }).toArray()
        : Promise.resolve([]),
    listed: (q, personIds) =>
      personIds.length
        ? users
            .find(
              { $and: [...(listFilter(q).$and ?? []), inPersons(personIds)] },
              { projection: VIEW },
            )
            .maxTimeMS(q.maxTimeMS)
            .toArray()
        : Promise.resolve([]),
    links: (personId, limit) =>
      personLinks
        .find({ $or: [{ personId }, { fromPersonId: personId }] })
        .sort({ at: -1, _id: -1 })
        .limit(limit)
        .toArray(),
    findLink: (id) => personLinks.findOne({ _id: id }),
    linksOfUser: (userId) => personLinks.find({ userIds: userId }).sort({ at: 1, _id: 1 }),
    linksByClientId: (clientId) => linksByClientId(clientId),
    async join(j) {
      try {
        return await inTransaction((s) => joinOnce(j, s));
      } catch (e) {
        // A concurrent call with the same key stored its links first: answer those.
        if (!j.clientId || !isDuplicateKey(e)) throw e;
        const done = await linksByClientId(j.clientId);
        if (!done.length) throw e;
        return outcomeOf(done);
      }
    },
    undo: (linkId, c) => inTransaction((s) => undoOnce(linkId, c, s)),
    split: (userId, c) => inTransaction((s) => splitOnce(userId, c, s)),
    holdersOf: (q) =>
      q.terms.length
        ? users
            .find(
              {
                searchTerms: { $in: q.terms },
                erasedAt: { $exists: false },
                personId: { $ne: q.notPersonId },
              },
              { projection: VIEW },
            )
            .limit(q.limit)
            .toArray()
        : Promise.resolve([]),
    factsOf: (userIds) =>
      userIds.length
        ? cols.facts
            .find({ userId: { $in: userIds } })
            .sort({ userId: 1, key: 1, version: 1 })
            .limit(MAX_FACT_VERSIONS)
            .toArray()
        : Promise.resolve([]),
  };
}

/**
 * An account's business: the one an admin chose on its `accounts` document, else its WABA (the
 * caller's, else the document's), else the account itself. A document is read at most once per
 * account every BUSINESS_TTL_MS per process once it names a business or a WABA; until then
 * (no document yet) every lookup reads again, so an early identity does not pin a guess.
 */
function createBusinessLookup(accounts: Collections['accounts']) {
  const cache = new Map<string, { chosen: string; waba: string; readAt: number }>();
  const reading = new Map<string, Promise<{ chosen: string; waba: string }>>();
  const read = async (accountId: string) => {
    const doc = await accounts.findOne(
      { _id: accountId },
      { projection: { businessId: 1, wabaId: 1 } },
    );
    // A business id nobody chose is the account's own id (account-repo.ts): not a choice.
    const chosen = doc?.businessId && doc.businessId !== accountId ? doc.businessId : '';
    const known = { chosen, waba: doc?.wabaId ?? '' };
    if (known.chosen || known.waba) cache.set(accountId, { ...known, readAt: Date.now() });
    return known;
  };
  return async (accountId: string, wabaId: string): Promise<string> => {
    const hit = cache.get(accountId);
    let known: { chosen: string; waba: string } | undefined =
      hit && Date.now() - hit.readAt < BUSINESS_TTL_MS ? hit : undefined;
    if (!known) {
      // Concurrent misses for one account share one read.
      let pending = reading.get(accountId);
      if (!pending) {
        pending = read(accountId).finally(() => reading.delete(accountId));
        reading.set(accountId, pending);
      }
      known = await pending;
    }
    return known.chosen || wabaId || known.waba || accountId;
  };
}

/**
 * Give every user stored before people existed its own person (`p-<_id>`), in batches of
 * `batch`; a user a join moved meanwhile keeps its person. How many were given one.
 */
export async function backfillPersonIds(
  users: Collection<UserRecord>,
  batch = 500,
): Promise<number> {
  let total = 0;
  for (;;) {
    const docs = await users
      .find({ personId: { $exists: false } }, { projection: { _id: 1 } })
      .limit(batch)
      .toArray();
    if (docs.length === 0) return total;
    // Per-document $set (no update pipeline: not every MongoDB-wire server has them).
    const res = await users.bulkWrite(
      docs.map((d) => ({
        updateOne: {
          filter: { _id: d._id, personId: { $exists: false } },
          update: { $set: { personId: soloPersonId(d._id) } },
        },
      })),
      { ordered: false },
    );
    total += res.modifiedCount;
    if (docs.length < batch) return total;
  }
}
