// X-Hub-Signature-256 verification, per shared/docs/whatsapp-webhooks.md §7: HMAC-SHA256 of the
// raw body bytes keyed with the app secret, "sha256=" + lowercase hex, compared in constant time.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureProblem = 'missing' | 'malformed' | 'mismatch';

const HEADER = /^sha256=([0-9a-fA-F]{64})$/;

/** null when one of the secrets produced the header's digest; otherwise why not. */
export function checkSignature(
  body: Uint8Array,
  header: string | undefined,
  secrets: readonly string[],
): SignatureProblem | null {
  if (!header) return 'missing';
  const m = HEADER.exec(header.trim());
  if (!m?.[1]) return 'malformed';
  const given = Buffer.from(m[1].toLowerCase(), 'hex');
  let ok = false;
  // Check every secret (no early exit) so timing does not reveal which one matched.
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret).update(body).digest();
    if (expected.length === given.length && timingSafeEqual(expected, given)) ok = true;
  }
  return ok ? null : 'mismatch';
}

export function sign(body: Uint8Array, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
