// People: which person an identity (a user) belongs to, and the pure decisions behind joins,
// splits, suggestions and person-grouped lists. A person is only a grouping (every user carries
// `personId`); nothing here moves data, so undoing a join restores each identity exactly.
import { AppError } from '@ue/kit';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { createHash } from 'node:crypto';
import { normalizePhone } from './phone.js';
import { MAX_TERM_LENGTH } from './search.js';

/** The person of an identity that belongs to no other: `p-<user id>`. */
export function soloPersonId(userId: string): string {
  return `p-${userId}`;
}

/**
 * The automatic person of a phone within a business: the same E.164 number on two WhatsApp
 * numbers of one business yields the same id, whatever arrives first and without a lookup.
 */
export function samePhonePersonId(businessId: string, e164: string): string {
  return `pp-${createHash('sha256').update(`${businessId}|${e164}`).digest('hex').slice(0, 24)}`;
}

/**
 * The person a new identity starts in: the automatic one of its phone when it is a WhatsApp
 * identity with a phone and the same-phone rule applies (`join` names its business), else its own.
 */
export function initialPersonId(
  u: { userId: string; whatsapp: boolean; phoneE164?: string },
  join?: { businessId: string },
): string {
  if (join && u.whatsapp && u.phoneE164) return samePhonePersonId(join.businessId, u.phoneE164);
  return soloPersonId(u.userId);
}

/** A stored user's person; users stored before people existed have none and are their own. */
export function personIdOf(u: { _id: string; personId?: string }): string {
  return u.personId || soloPersonId(u._id);
}

/** The user whose own person this is (`p-<id>`), or undefined for an automatic or other id. */
export function soloUserOf(personId: string): string | undefined {
  return personId.startsWith('p-') ? personId.slice(2) : undefined;
}

/** "+49…123": the country code and the last three digits, for reasons shown to people. */
export function maskedPhone(e164: string): string {
  const digits = e164.replace(/\D/g, '');
  const p = parsePhoneNumberFromString(`+${digits}`);
  const tail = digits.slice(-3);
  return p ? `+${p.countryCallingCode}…${tail}` : `…${tail}`;
}

// ---- joins and splits ---------------------------------------------------------------------------

export interface JoinCandidate {
  id: string;
  personId: string;
  erased: boolean;
}

/**
 * What joining these identities (request order; undefined: not found) does: the first one's
 * person is the target, and every other distinct person among the rest joins it. Refuses,
 * naming the field, a missing or erased identity.
 */
export function planJoin(
  requested: string[],
  found: Map<string, JoinCandidate>,
): { target: string; joining: string[] } {
  const users = requested.map((id, i) => {
    const u = found.get(id);
    if (!u)
      throw new AppError('NOT_FOUND', `user_ids[${i}]: user not found`, {
        field: `user_ids[${i}]`,
      });
    if (u.erased)
      throw new AppError('FAILED_PRECONDITION', `user_ids[${i}]: the user was erased`, {
        field: `user_ids[${i}]`,
      });
    return u;
  });
  const target = users[0]!.personId;
  const joining = [...new Set(users.slice(1).map((u) => u.personId))].filter((p) => p !== target);
  return { target, joining };
}

/** Where undoing a link moves its identities: back from where they went to where they were. */
export function undoMove(link: { personId: string; fromPersonId: string; split: boolean }): {
  from: string;
  to: string;
} {
  return link.split
    ? { from: link.fromPersonId, to: link.personId }
    : { from: link.personId, to: link.fromPersonId };
}

/**
 * Whether an identity can be split off into its own person: not when it is the only identity of
 * its person, and not when its person is its own (`p-<id>`) and others joined it — those joins
 * are undone by their link ids instead.
 */
export function checkSplit(
  user: { id: string; personId: string },
  c: { others: number; joinLinks: string[] },
): void {
  const own = user.personId === soloPersonId(user.id);
  if (own && c.others > 0)
    throw new AppError(
      'FAILED_PRECONDITION',
      `user_id: the other identities joined this user's own person; undo link ${c.joinLinks.join(', ') || '(none found)'} instead`,
      { field: 'user_id' },
    );
  if (c.others === 0)
    throw new AppError('FAILED_PRECONDITION', 'user_id: the only identity of its person', {
      field: 'user_id',
    });
}

// ---- suggestions --------------------------------------------------------------------------------

export type ContactKind = 'email' | 'phone';

/** One email or phone an identity carries, and where it comes from. */
export interface Contact {
  kind: ContactKind;
  /** Lowercase email, or E.164. */
  value: string;
  /** "profile", or the fact's key. */
  source: { fact?: string };
}

export const isEmailKey = (key: string) => key.toLowerCase().includes('email');
export const isPhoneKey = (key: string) => key.toLowerCase().includes('phone');

/** The contact a fact names (a key holding "email" or "phone"), normalized; none otherwise. */
export function factContact(key: string, value: string): Contact | undefined {
  if (isEmailKey(key)) {
    const email = value.trim().toLowerCase();
    return /^[^\s@]+@[^\s@]+$/.test(email)
      ? { kind: 'email', value: email, source: { fact: key } }
      : undefined;
  }
  if (isPhoneKey(key)) {
    const e164 = normalizePhone(value);
    return e164 ? { kind: 'phone', value: e164, source: { fact: key } } : undefined;
  }
  return undefined;
}

/** The contacts of an identity's profile: its email and its phone. */
export function profileContacts(p: { email?: string; phoneE164?: string } | undefined): Contact[] {
  const out: Contact[] = [];
  const email = p?.email?.trim().toLowerCase();
  if (email) out.push({ kind: 'email', value: email, source: {} });
  if (p?.phoneE164) out.push({ kind: 'phone', value: p.phoneE164, source: {} });
  return out;
}

/**
 * The search term a contact is indexed under (users.searchTerms): the whole email as
 * domain/search.ts emailTerms writes it, a phone's E.164 digits as phoneTerms writes them.
 */
export function contactTerm(c: Contact): string {
  return c.kind === 'email' ? c.value.slice(0, MAX_TERM_LENGTH) : c.value.replace(/\D/g, '');
}

/** The current value of each fact key (the newest version; retracted ones name nothing). */
export function currentFacts<F extends { key: string; version: number; retracted: boolean }>(
  versions: F[],
): F[] {
  const latest = new Map<string, F>();
  for (const f of versions) {
    const seen = latest.get(f.key);
    if (!seen || f.version > seen.version) latest.set(f.key, f);
  }
  return [...latest.values()].filter((f) => !f.retracted);
}

/** A contact shared by two identities: the value, where each one has it. */
export interface ContactMatch {
  kind: ContactKind;
  value: string;
  theirs: Contact['source'];
  ours: { source: Contact['source']; userId: string };
}

/** The first contact `theirs` shares with any of `ours` (emails before phones), if any. */
export function sharedContact(
  theirs: Contact[],
  ours: { userId: string; contacts: Contact[] }[],
): ContactMatch | undefined {
  for (const kind of ['email', 'phone'] as const)
    for (const t of theirs.filter((c) => c.kind === kind))
      for (const o of ours) {
        const hit = o.contacts.find((c) => c.kind === kind && c.value === t.value);
        if (hit)
          return {
            kind,
            value: t.value,
            theirs: t.source,
            ours: { source: hit.source, userId: o.userId },
          };
      }
  return undefined;
}

/** How a contact is shown: an email as it is, a phone masked. */
export const shownContact = (m: { kind: ContactKind; value: string }) =>
  m.kind === 'email' ? m.value : maskedPhone(m.value);

/** "fact `email` on Messenger" / "profile on WhatsApp +49…123". */
export function sourceLabel(s: Contact['source'], identity: string): string {
  return `${s.fact ? `fact \`${s.fact}\`` : 'profile'} on ${identity}`;
}

// ---- lists grouped by person --------------------------------------------------------------------

/** A listed identity: its id, its person and its sort key (the list's sort value). */
export interface Listed {
  id: string;
  personId: string;
  key: string | number;
}

/** True when `a` comes before `b` in the list's order (sort key, then id, in direction `dir`). */
export function sortsBefore(a: Listed, b: Listed, dir: 1 | -1): boolean {
  if (a.key !== b.key) return (a.key < b.key ? -1 : 1) * dir < 0;
  return (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) * dir < 0;
}

/**
 * The candidates that represent their person: those no other matching identity of the same
 * person sorts before. A person's representative is therefore its first identity in list order,
 * whatever page it falls on, so a person is listed once and never skipped.
 */
export function representatives<T extends Listed>(
  candidates: T[],
  matching: Listed[],
  dir: 1 | -1,
): T[] {
  return candidates.filter(
    (c) =>
      !matching.some((m) => m.personId === c.personId && m.id !== c.id && sortsBefore(m, c, dir)),
  );
}
