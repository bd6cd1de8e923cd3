// X-Hub-Signature-256 check as the baseline receiver does it: HMAC-SHA256 of the raw bytes with
// the app secret, compared in constant time.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function signatureValid(body: Buffer, header: string | undefined, secret: string): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const given = Buffer.from(header.slice(7), 'hex');
  const expected = createHmac('sha256', secret).update(body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}
