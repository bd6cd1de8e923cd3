// People (issue 14): GetPerson, LinkIdentities and UnlinkIdentities. A person groups identities
// (users) by `personId`; joins and splits only change that field and record a link, so undoing
// one restores every identity exactly, with its own messages, facts and log. Edits stay on the
// identity they were made on: the person shows each identity with its own values.
import { AppError } from '@ue/kit';
import {
  ActorKind,
  Channel,
  PersonRule,
  type Actor,
  type GetPersonRequest,
  type LinkIdentitiesRequest,
  type PersonSuggestion,
  type UnlinkIdentitiesRequest,
} from '@ue/proto';
import { e164FromWaId } from '../domain/phone.js';
import { optionalString, requireString } from '../domain/limits.js';
import {
  contactTerm,
  currentFacts,
  factContact,
  maskedPhone,
  personIdOf,
  planJoin,
  profileContacts,
  samePhonePersonId,
  sharedContact,
  shownContact,
  sourceLabel,
  type Contact,
  type ContactMatch,
} from '../domain/person.js';
import { checkEnum, ENUMS } from './enums.js';
import { isWhatsApp } from './people-placement.js';
import type { Ports } from './ports.js';
import { publishUser } from './publish.js';
import type { FactRecord, PersonLinkRecord, UserView } from './records.js';

/** A person as GetPerson answers it (the contract's Person over records). */
export interface PersonView {
  id: string;
  identities: UserView[];
  links: PersonLinkRecord[];
  suggestions: PersonSuggestion[];
  lastInteractionAt?: Date;
}

type PeoplePorts = Pick<Ports, 'people' | 'users' | 'events' | 'now'>;

export const PEOPLE_LIMITS = {
  identitiesPerLink: 20,
  reasonLength: 500,
  clientIdLength: 100,
  /** Links GetPerson lists (newest first). */
  links: 200,
  suggestions: 10,
  /** Users read as suggestion candidates before checking what they share. */
  candidates: 50,
} as const;

const byActivity = (a: UserView, b: UserView) =>
  (b.lastInteractionAt?.getTime() ?? 0) - (a.lastInteractionAt?.getTime() ?? 0) ||
  (a._id < b._id ? 1 : a._id > b._id ? -1 : 0);

export async function getPerson(
  deps: Pick<Ports, 'people' | 'users'>,
  req: GetPersonRequest,
): Promise<PersonView> {
  const l = req.lookup;
  if (l?.$case === 'personId') return personView(deps, requireString('person_id', l.personId));
  if (l?.$case === 'userId') {
    const user = await deps.users.findById(requireString('user_id', l.userId));
    if (!user) throw AppError.notFound('user');
    return personView(deps, personIdOf(user));
  }
  throw AppError.invalid('lookup', 'person_id or user_id is required');
}

/** The person with its identities, links and suggestions; NOT_FOUND when it has no identity. */
async function personView(
  deps: Pick<Ports, 'people'>,
  personId: string,
  opts: { mayBeEmpty?: boolean } = {},
): Promise<PersonView> {
  const identities = (await deps.people.identities([personId])).sort(byActivity);
  if (identities.length === 0 && !opts.mayBeEmpty) throw AppError.notFound('person');
  const [stored, automatic, suggestions] = await Promise.all([
    deps.people.links(personId, PEOPLE_LIMITS.links),
    automaticLinks(deps, { personId, identities }),
    suggestionsFor(deps, { personId, identities }),
  ]);
  const links = [...stored, ...automatic].sort(
    (a, b) =>
      (b.at?.getTime() ?? 0) - (a.at?.getTime() ?? 0) ||
      (a._id < b._id ? 1 : a._id > b._id ? -1 : 0),
  );
  return {
    id: personId,
    identities,
    links,
    suggestions,
    lastInteractionAt: identities[0]?.lastInteractionAt,
  };
}

interface PersonIdentities {
  personId: string;
  identities: UserView[];
}

/** Every phone a WhatsApp identity had here: its number and those before a number change. */
const phonesOf = (u: UserView): string[] =>
  [u.profile?.phoneE164, ...(u.previousWaIds ?? []).map(e164FromWaId)].filter(
    (p): p is string => !!p,
  );

/**
 * The same-phone rule's joins, which are never stored (the person id itself is the join): one
 * per identity of an automatic person whose phone within its business names this person — when
 * at least two do (a lone WhatsApp identity joined by hand with a Messenger one shares its
 * phone with nobody: no rule joined anything).
 */
async function automaticLinks(
  deps: Pick<Ports, 'people'>,
  p: PersonIdentities,
): Promise<PersonLinkRecord[]> {
  if (!p.personId.startsWith('pp-') || p.identities.length < 2) return [];
  const out: PersonLinkRecord[] = [];
  for (const u of p.identities.filter(isWhatsApp)) {
    const business = await deps.people.businessOf(u.accountId, u.wabaId);
    const phone = phonesOf(u).find((e) => samePhonePersonId(business, e) === p.personId);
    if (phone)
      out.push({
        _id: `auto:${u._id}`,
        personId: p.personId,
        fromPersonId: '',
        userIds: [u._id],
        rule: PersonRule.SAME_PHONE,
        by: { kind: ActorKind.SYSTEM, id: 'rules', displayName: '' },
        at: u.createdAt,
        reason: `same phone ${maskedPhone(phone)} on WhatsApp numbers of one business`,
        split: false,
        undoneAt: undefined,
        undoneBy: undefined,
        undoReason: '',
      });
  }
  return out.length >= 2 ? out : [];
}

function channelLabel(c: Channel): string {
  switch (c) {
    case Channel.MESSENGER:
      return 'Messenger';
    case Channel.INSTAGRAM:
      return 'Instagram';
    case Channel.WHATSAPP:
    case Channel.UNSPECIFIED:
    case Channel.UNRECOGNIZED:
      return 'WhatsApp';
  }
}

/** How an identity is named in a reason: its channel, and a WhatsApp identity's masked phone. */
function identityLabel(u: UserView): string {
  const phone = isWhatsApp(u) ? u.profile?.phoneE164 : undefined;
  return `${channelLabel(u.channel)}${phone ? ` ${maskedPhone(phone)}` : ''}`;
}

/** An identity's emails and phones: its profile's, and those its current facts name. */
function contactsOf(u: UserView, facts: FactRecord[]): Contact[] {
  const own = currentFacts(facts.filter((f) => f.userId === u._id));
  const named = own.map((f) => factContact(f.key, f.value)).filter((c): c is Contact => !!c);
  return [...profileContacts(u.profile), ...named];
}

/**
 * Other identities (live, of other persons) that share an email or a phone with one of this
 * person's: found through the search-terms index (contacts are indexed whole, domain/person.ts
 * contactTerm), then checked against their profiles and current facts.
 */
async function suggestionsFor(
  deps: Pick<Ports, 'people'>,
  p: PersonIdentities,
): Promise<PersonSuggestion[]> {
  const live = p.identities.filter((u) => !u.erasedAt);
  const { suggestSameEmail, suggestPhoneInFacts } = deps.people.rules;
  if (!suggestSameEmail && !suggestPhoneInFacts) return [];
  const wanted = (c: { kind: string }) =>
    c.kind === 'email' ? suggestSameEmail : suggestPhoneInFacts;
  const ourFacts = await deps.people.factsOf(live.map((u) => u._id));
  const ours = live.map((u) => ({
    userId: u._id,
    contacts: contactsOf(u, ourFacts).filter(wanted),
  }));
  const terms = [...new Set(ours.flatMap((o) => o.contacts.map(contactTerm)))];
  if (terms.length === 0) return [];
  const holders = (
    await deps.people.holdersOf({
      terms,
      notPersonId: p.personId,
      limit: PEOPLE_LIMITS.candidates,
    })
  )
    .filter((u) => personIdOf(u) !== p.personId)
    .sort(byActivity);
  const theirFacts = await deps.people.factsOf(holders.map((u) => u._id));
  const byId = new Map(live.map((u) => [u._id, u]));
  const out: PersonSuggestion[] = [];
  for (const h of holders) {
    const m = sharedContact(contactsOf(h, theirFacts), ours);
    if (!m) continue;
    out.push({
      userId: h._id,
      personId: personIdOf(h),
      rule: m.kind === 'email' ? PersonRule.SAME_EMAIL : PersonRule.PHONE_IN_FACTS,
      reason: reasonOf(m, { theirs: h, ours: byId.get(m.ours.userId)! }),
    });
    if (out.length === PEOPLE_LIMITS.suggestions) break;
  }
  return out;
}

/** "lena@example.com: fact `email` on Messenger, profile on WhatsApp +49…123". */
function reasonOf(m: ContactMatch, who: { theirs: UserView; ours: UserView }): string {
  const theirs = sourceLabel(m.theirs, identityLabel(who.theirs));
  const ours = sourceLabel(m.ours.source, identityLabel(who.ours));
  return `${shownContact(m)}: ${theirs}, ${ours}`;
}

// ---- LinkIdentities ----------------------------------------------------------------------------

interface LinkInput {
  userIds: string[];
  reason: string;
  rule: PersonRule;
  clientId?: string;
}

function parseLink(req: LinkIdentitiesRequest): LinkInput {
  if (req.userIds.length < 2) throw AppError.invalid('user_ids', 'at least two identities');
  if (req.userIds.length > PEOPLE_LIMITS.identitiesPerLink)
    throw AppError.invalid('user_ids', `at most ${PEOPLE_LIMITS.identitiesPerLink} identities`);
  const seen = new Set<string>();
  const userIds = req.userIds.map((raw, i) => {
    const id = requireString(`user_ids[${i}]`, raw);
    if (seen.has(id)) throw AppError.invalid(`user_ids[${i}]`, 'listed twice');
    seen.add(id);
    return id;
  });
  const given = checkEnum('rule', ENUMS.personRule, req.rule);
  if (given === PersonRule.SAME_PHONE)
    throw AppError.invalid(
      'rule',
      'same-phone joins are automatic; use MANUAL, SAME_EMAIL or PHONE_IN_FACTS',
    );
  return {
    userIds,
    reason: requireString('reason', req.reason, PEOPLE_LIMITS.reasonLength),
    rule: given === PersonRule.UNSPECIFIED ? PersonRule.MANUAL : given,
    clientId: optionalString('client_id', req.clientId, PEOPLE_LIMITS.clientIdLength) || undefined,
  };
}

/** Tell open pages: every identity that moved changed its person. */
async function publishMoved(deps: Pick<Ports, 'users' | 'events'>, moved: string[]) {
  for (const userId of moved) await publishUser(deps, userId);
}

export async function linkIdentities(
  deps: PeoplePorts,
  req: LinkIdentitiesRequest,
  actor: Actor,
): Promise<{ person: PersonView; links: PersonLinkRecord[] }> {
  const p = parseLink(req);
  // The same key again: what the first call made, nothing new.
  const done = p.clientId ? await deps.people.linksByClientId(p.clientId) : [];
  if (done.length)
    return { person: await personView(deps, done[0]!.personId, { mayBeEmpty: true }), links: done };
  // Checked here for a clear answer before anything is written; the join checks again.
  const found = await deps.users.findByIds(p.userIds);
  planJoin(
    p.userIds,
    new Map(
      found.map((u) => [u._id, { id: u._id, personId: personIdOf(u), erased: !!u.erasedAt }]),
    ),
  );
  const outcome = await deps.people.join({ ...p, by: actor, at: deps.now() });
  await publishMoved(deps, outcome.moved);
  return { person: await personView(deps, outcome.personId), links: outcome.links };
}

// ---- UnlinkIdentities --------------------------------------------------------------------------

export async function unlinkIdentities(
  deps: PeoplePorts,
  req: UnlinkIdentitiesRequest,
  actor: Actor,
): Promise<{ person: PersonView; restored: PersonView; link: PersonLinkRecord }> {
  const t = req.target;
  let target: { linkId: string } | { userId: string };
  if (t?.$case === 'linkId') target = { linkId: requireString('link_id', t.linkId) };
  else if (t?.$case === 'userId') target = { userId: requireString('user_id', t.userId) };
  else throw AppError.invalid('target', 'link_id or user_id is required');
  const change = {
    by: actor,
    reason: requireString('reason', req.reason, PEOPLE_LIMITS.reasonLength),
    at: deps.now(),
  };
  if ('linkId' in target && target.linkId.startsWith('auto:'))
    throw new AppError(
      'FAILED_PRECONDITION',
      'link_id: a same-phone join is not stored; split the identity off with user_id instead',
      { field: 'link_id' },
    );
  const outcome =
    'linkId' in target
      ? await deps.people.undo(target.linkId, change)
      : await deps.people.split(target.userId, change);
  await publishMoved(deps, outcome.moved);
  return {
    person: await personView(deps, outcome.left, { mayBeEmpty: true }),
    restored: await personView(deps, outcome.restored, { mayBeEmpty: true }),
    link: outcome.link,
  };
}
