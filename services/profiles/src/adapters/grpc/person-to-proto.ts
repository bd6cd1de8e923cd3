// People records -> contract messages (Person, PersonLink).
import { Person } from '@ue/proto';
import type { PersonView } from '../../app/people.js';
import { personLinkToProto, userToProto } from './to-proto.js';

export { personLinkToProto };

export function personToProto(p: PersonView): Person {
  return Person.fromPartial({
    id: p.id,
    identities: p.identities.map(userToProto),
    links: p.links.map(personLinkToProto),
    suggestions: p.suggestions,
    lastInteractionAt: p.lastInteractionAt,
  });
}
