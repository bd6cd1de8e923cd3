// People records -> contract messages (Person, PersonLink).
import { Person, PersonLink } from '@ue/proto';
import type { PersonView } from '../../app/people.js';
import type { PersonLinkRecord } from '../../app/records.js';
import { userToProto } from './to-proto.js';

export function personLinkToProto(d: PersonLinkRecord): PersonLink {
  const { _id, clientId: _c, ...rest } = d;
  return PersonLink.fromPartial({ ...rest, id: _id });
}

export function personToProto(p: PersonView): Person {
  return Person.fromPartial({
    id: p.id,
    identities: p.identities.map(userToProto),
    links: p.links.map(personLinkToProto),
    suggestions: p.suggestions,
    lastInteractionAt: p.lastInteractionAt,
  });
}
