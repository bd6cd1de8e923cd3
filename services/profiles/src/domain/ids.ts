// Deterministic ids: the same provider object always maps to the same document id, so replays in
// any order converge on identical documents (and concurrent upserts collide on _id, not on data).
import { createHash, randomUUID } from 'node:crypto';

function hash(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 24);
}

export function userIdFor(accountId: string, kind: 'wa' | 'bsuid', value: string): string {
  return `u_${hash(accountId, kind, value)}`;
}

export function messageIdFor(accountId: string, wamid: string): string {
  return `m_${hash(accountId, wamid)}`;
}

export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 24)}`;
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function stableId(prefix: string, ...parts: string[]): string {
  return `${prefix}_${hash(...parts)}`;
}
