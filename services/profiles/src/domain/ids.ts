// Deterministic ids: the same provider object always maps to the same document id, so replays in
// any order converge on identical documents (and concurrent upserts collide on _id, not on data).
import { createHash, randomUUID } from 'node:crypto';

function hash(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 24);
}

/** A user's id from the identity that created it (kind: wa, bsuid, psid or igsid). */
export function userIdFor(
  accountId: string,
  kind: 'wa' | 'bsuid' | 'psid' | 'igsid',
  value: string,
): string {
  return `u_${hash(accountId, kind, value)}`;
}

export function messageIdFor(accountId: string, wamid: string): string {
  return `m_${hash(accountId, wamid)}`;
}

let sequence = 0;

/** Time-ordered random id: ties on a timestamp still sort in creation order within a process. */
export function newId(prefix: string): string {
  sequence = (sequence + 1) % 1_679_616;
  const time = Date.now().toString(36).padStart(9, '0');
  return `${prefix}_${time}${sequence.toString(36).padStart(4, '0')}${randomUUID().replace(/-/g, '').slice(0, 11)}`;
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function stableId(prefix: string, ...parts: string[]): string {
  return `${prefix}_${hash(...parts)}`;
}
