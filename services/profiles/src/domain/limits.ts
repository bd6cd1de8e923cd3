// Input limits. Everything a caller sends is bounded; violations name the field.
import { AppError } from '@ue/kit';

export const LIMITS = {
  idLength: 128,
  textLength: 4096,
  nameLength: 256,
  emailLength: 254,
  tagLength: 48,
  tagsPerUser: 50,
  tagsPerRequest: 20,
  factKeyLength: 64,
  factValueLength: 2000,
  factsPerRequest: 50,
  logTextLength: 4000,
  eventsPerBatch: 500,
  deliveriesPerBatch: 50,
  deliveryBytes: 3 * 1024 * 1024,
  rawJsonLength: 64 * 1024,
  queryLength: 200,
  pageSizeMax: 200,
  pageSizeDefault: 50,
  statsBucketsMax: 2000,
  bizOpaqueLength: 512,
} as const;

export function requireString(
  field: string,
  value: string | undefined,
  max: number = LIMITS.idLength,
): string {
  const v = (value ?? '').trim();
  if (!v) throw AppError.invalid(field, 'required');
  if (v.length > max) throw AppError.invalid(field, `longer than ${max} characters`);
  return v;
}

export function optionalString(field: string, value: string | undefined, max: number): string {
  const v = value ?? '';
  if (v.length > max) throw AppError.invalid(field, `longer than ${max} characters`);
  return v;
}

/**
 * Times a caller may send: 1970-01-01T00:00:00Z up to 9999-12-31T23:59:59.999Z. What MongoDB
 * dates, ISO 8601 strings and the dashboard all hold; a time outside it is a caller's bug (an
 * unset field read as 0 sits at the lower bound and stays valid). An Invalid Date (a Timestamp
 * beyond what a Date holds) is refused the same way.
 */
export const TIME_RANGE = { min: Date.UTC(1970, 0, 1), max: Date.UTC(10_000, 0, 1) - 1 } as const;

export function optionalTime(field: string, value: Date | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : Number.NaN;
  if (!(ms >= TIME_RANGE.min && ms <= TIME_RANGE.max))
    throw AppError.invalid(field, 'a time from 1970-01-01 to 9999-12-31 (UTC) expected');
  return value;
}

export function requireTime(field: string, value: Date | undefined): Date {
  if (value === undefined) throw AppError.invalid(field, 'required');
  return optionalTime(field, value)!;
}

export function pageSize(
  field: string,
  value: number | undefined,
  bounds: { max: number; fallback: number } = {
    max: LIMITS.pageSizeMax,
    fallback: LIMITS.pageSizeDefault,
  },
): number {
  if (!value) return bounds.fallback;
  if (!Number.isInteger(value) || value < 1 || value > bounds.max) {
    throw AppError.invalid(field, `must be between 1 and ${bounds.max}`);
  }
  return value;
}

const TAG = /^[\p{L}\p{N}][\p{L}\p{N} _.:\-/]*$/u;

/** Tags are trimmed and lowercased so "VIP" and "vip " are one tag. */
export function normalizeTag(field: string, tag: string): string {
  const t = tag.trim().toLowerCase();
  if (!t) throw AppError.invalid(field, 'empty tag');
  if (t.length > LIMITS.tagLength)
    throw AppError.invalid(field, `longer than ${LIMITS.tagLength} characters`);
  if (!TAG.test(t)) throw AppError.invalid(field, 'letters, digits, space and _ . : - / only');
  return t;
}

const FACT_KEY = /^[a-z][a-z0-9_.-]*$/;

export function validateFactKey(field: string, key: string): string {
  if (!key) throw AppError.invalid(field, 'required');
  if (key.length > LIMITS.factKeyLength)
    throw AppError.invalid(field, `longer than ${LIMITS.factKeyLength} characters`);
  if (!FACT_KEY.test(key))
    throw AppError.invalid(field, 'must match [a-z][a-z0-9_.-]* (e.g. "company")');
  return key;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function validateEmail(field: string, email: string): string {
  const e = email.trim();
  if (e === '') return '';
  if (e.length > LIMITS.emailLength || !EMAIL.test(e))
    throw AppError.invalid(field, 'not an email address');
  return e;
}

/** WhatsApp's customer service window: free text may be sent this long after the user wrote. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Bound on a user's search terms fed by message texts (distinct words; names and facts always count). */
export const MAX_USER_TERMS = 3000;
