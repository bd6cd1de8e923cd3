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

export function decodeCursor(token: string, field = 'page_token'): Cursor {
  try {
    const c = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<Cursor>;
    const keyOk = c.k === null || typeof c.k === 'string' || typeof c.k === 'number';
    if (typeof c.id === 'string' && keyOk) return c as Cursor;
  } catch {
    // fall through to the uniform error
  }
  throw AppError.invalid(field, 'malformed or foreign page token');
}
