// Opaque keyset cursors: base64url JSON of the sort key values and the _id tie-breaker.
import { AppError } from '@ue/kit';

export interface Cursor {
  /** Sort key (ISO time or number), then the document id. */
  k: string | number | null;
  id: string;
  /** Direction for two-way lists: "older" (next page) or "newer" (previous page). */
  d?: 'older' | 'newer';
  /** A fingerprint of the filters the cursor belongs to. */
  f?: string;
}

/** The time key of a cursor; a tampered one is INVALID_ARGUMENT, not a database error. */
export function cursorTime(c: Cursor, field = 'page_token'): Date {
  const d = typeof c.k === 'string' ? new Date(c.k) : new Date(NaN);
  if (Number.isNaN(d.getTime())) throw AppError.invalid(field, 'malformed or foreign page token');
  return d;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
}

const CURSOR_FIELDS = new Set(['k', 'id', 'd', 'f']);
const DIRECTIONS = new Set(['older', 'newer']);

/** True for exactly the shape encodeCursor writes: nothing missing, extra or of another type. */
function isCursor(c: unknown): c is Cursor {
  if (typeof c !== 'object' || c === null || Array.isArray(c)) return false;
  const o = c as Record<string, unknown>;
  const keyOk = o.k === null || typeof o.k === 'string' || typeof o.k === 'number';
  return (
    Object.keys(o).every((k) => CURSOR_FIELDS.has(k)) &&
    keyOk &&
    typeof o.id === 'string' &&
    o.id.length <= 256 &&
    (o.d === undefined || (typeof o.d === 'string' && DIRECTIONS.has(o.d))) &&
    (o.f === undefined || typeof o.f === 'string')
  );
}

export function decodeCursor(token: string, field = 'page_token'): Cursor {
  if (token.length <= 2048) {
    try {
      const c: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
      if (isCursor(c)) return c;
    } catch {
      // fall through to the uniform error
    }
  }
  throw AppError.invalid(field, 'malformed or foreign page token');
}
