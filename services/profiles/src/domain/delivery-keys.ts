// The identity keys a raw provider delivery is filed under, so EraseUser can find every delivery
// that names a user. They are read from the body itself, not from the events of the batch that
// carried it: ingest coalesces several webhook deliveries into one batch (and a replay may send a
// delivery without its events), and a key that depends only on the body is the same whatever
// batch, order or repetition brought it (ADR 0008). Every quoted string shaped like a wa_id
// (4 to 20 digits) or a business-scoped user id ("US.13491208655302741918") counts; a timestamp or
// a number quoted in a text becomes a key too, which can only make erasure delete more.

const WA_ID = /"(\d{4,20})"/g;
const BSUID = /"([A-Z]{2}\.[A-Za-z0-9]{4,120})"/g;
/** Bound on the keys of one delivery (a body is at most 3 MB). */
export const MAX_DELIVERY_KEYS = 10_000;

export function deliveryKey(kind: 'wa' | 'bsuid', value: string): string {
  return `${kind}|${value}`;
}

export function deliveryKeys(body: Uint8Array): string[] {
  // latin1 maps each byte to one character: the ASCII the patterns look for reads the same as in
  // UTF-8, without decoding the whole body.
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1');
  const keys = new Set<string>();
  for (const [, v] of text.matchAll(WA_ID)) keys.add(deliveryKey('wa', v!));
  for (const [, v] of text.matchAll(BSUID)) keys.add(deliveryKey('bsuid', v!));
  return [...keys].slice(0, MAX_DELIVERY_KEYS);
}
