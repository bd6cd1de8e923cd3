// Synchronizer-token CSRF check: the token the server issued for this session must come back
// in a header (htmx, via hx-headers on <body>) or a form field (plain forms).
import { timingSafeEqual } from 'node:crypto';

export const CSRF_HEADER = 'x-csrf-token';
export const CSRF_FIELD = '_csrf';

export function tokensMatch(expected: string, given: string | undefined | null): boolean {
  if (!given || !expected) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function isStateChanging(method: string): boolean {
  return !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
}
