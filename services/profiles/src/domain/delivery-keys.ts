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

/**
 * The key a delivery naming this identity is filed under. Messenger PSIDs and Instagram IGSIDs
 * are quoted digit strings in the body, like wa_ids: the body scan cannot tell them apart, so
 * they are found under the same digit key.
 */
export function deliveryKey(kind: 'wa' | 'bsuid' | 'psid' | 'igsid', value: string): string {
  return `${kind === 'bsuid' ? 'bsuid' : 'wa'}|${value}`;
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

/**
 * The accounts a delivery is about, read from the body like its keys (retention removes an
 * account's deliveries by age): WhatsApp names its numbers in `value.metadata.phone_number_id`,
 * Messenger and Instagram name the page or professional account as the entry id. A body that is
 * not such JSON names none (and is then kept until erasure).
 */
export function deliveryAccounts(body: Uint8Array): string[] {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch {
    return [];
  }
  const d = (doc ?? {}) as { object?: unknown; entry?: unknown };
  if (!Array.isArray(d.entry)) return [];
  const ids = new Set<string>();
  for (const entry of d.entry as unknown[]) {
    const e = (entry ?? {}) as { id?: unknown; changes?: unknown };
    if (d.object !== 'whatsapp_business_account') {
      if (typeof e.id === 'string' || typeof e.id === 'number') ids.add(String(e.id));
      continue;
    }
    for (const change of Array.isArray(e.changes) ? (e.changes as unknown[]) : []) {
      const id = (change as { value?: { metadata?: { phone_number_id?: unknown } } } | null)?.value
        ?.metadata?.phone_number_id;
      if (typeof id === 'string' && id) ids.add(id);
    }
  }
  return [...ids].slice(0, 100);
}
