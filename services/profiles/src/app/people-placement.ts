// The person a new identity starts in (docs: services/profiles/README.md, "People"). Decided when
// the user record is created: a WhatsApp identity with a phone lands in the automatic person of
// that phone within its account's business (PEOPLE_SAME_PHONE_JOIN), any other in its own.
// Changing the rule or an account's business applies to identities created afterwards.
//
// One case waits: an identity created before anything named its account's business (an agent
// recording a message to a number no webhook has named yet) is placed by its account alone,
// provisionally; the first event that names its WABA settles it where that event would have
// created it, so the result does not depend on which came first.
import { Channel } from '@ue/proto';
import { initialPersonId } from '../domain/person.js';
import type { UserRecord } from './records.js';

export interface PersonPlacement {
  /** PEOPLE_SAME_PHONE_JOIN. */
  samePhoneJoin: boolean;
  /** The business of an account (PeopleStore.businessOf). */
  businessOf(accountId: string, wabaId: string): Promise<string>;
}

/** Users stored without a channel are WhatsApp users (the only channel before channels). */
export const isWhatsApp = (u: Pick<UserRecord, 'channel'>) =>
  !u.channel || u.channel === Channel.WHATSAPP;

type Placed = Pick<UserRecord, '_id' | 'accountId' | 'channel' | 'profile'>;

const personIn = (u: Placed, businessId: string | undefined) =>
  initialPersonId(
    { userId: u._id, whatsapp: isWhatsApp(u), phoneE164: u.profile?.phoneE164 },
    businessId === undefined ? undefined : { businessId },
  );

const joinsByPhone = (u: Placed, p: PersonPlacement) =>
  p.samePhoneJoin && isWhatsApp(u) && !!u.profile?.phoneE164;

/** The record in the person it starts in; `provisional` when its business was not known yet. */
export async function placeNewUser(
  r: UserRecord,
  p: PersonPlacement,
): Promise<{ record: UserRecord; provisional: boolean }> {
  if (!joinsByPhone(r, p))
    return { record: { ...r, personId: personIn(r, undefined) }, provisional: false };
  const businessId = await p.businessOf(r.accountId, r.wabaId);
  return {
    record: { ...r, personId: personIn(r, businessId) },
    provisional: !r.wabaId && businessId === r.accountId,
  };
}

/**
 * For a provisionally placed user, now that an event names its WABA: the person it was placed
 * in, and the one it belongs to (equal when nothing changes).
 */
export async function settledPerson(
  u: Placed,
  q: { wabaId: string; placement: PersonPlacement },
): Promise<{ provisional: string; settled: string }> {
  if (!joinsByPhone(u, q.placement)) {
    const own = personIn(u, undefined);
    return { provisional: own, settled: own };
  }
  return {
    provisional: personIn(u, u.accountId),
    settled: personIn(u, await q.placement.businessOf(u.accountId, q.wabaId)),
  };
}
