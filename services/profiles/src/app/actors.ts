// Attribution: every mutation records who did it. A request without an actor is attributed to the
// authenticated caller (the token's name), so nothing is ever anonymous.
import { ActorKind, type Actor } from '@ue/proto';
import { optionalString } from '../domain/limits.js';
import { checkEnum, ENUMS } from './enums.js';

export function actorOf(field: string, given: Actor | undefined, caller: string): Actor {
  const id = optionalString(`${field}.id`, given?.id, 128);
  const displayName = optionalString(`${field}.display_name`, given?.displayName, 128);
  const givenKind = checkEnum(
    `${field}.kind`,
    ENUMS.actorKind,
    given?.kind ?? ActorKind.UNSPECIFIED,
  );
  const kind = givenKind === ActorKind.UNSPECIFIED ? ActorKind.AGENT : givenKind;
  return { kind, id: id || caller, displayName: displayName || id || caller };
}

export function actorLabel(a: Actor): string {
  return a.displayName || a.id || 'system';
}
