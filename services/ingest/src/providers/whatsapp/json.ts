// Defensive access to untrusted provider JSON: ids stay strings, numbers are checked.

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

type Reviver = (key: string, value: unknown, context?: { source?: string }) => unknown;

/**
 * JSON.parse, except that an integer too large for a double comes back as its exact source
 * text (17-digit media or ad ids sent unquoted would otherwise lose digits).
 */
export function parseJsonKeepingBigInts(text: string): Json {
  const reviver: Reviver = (_key, value, context) =>
    typeof value === 'number' &&
    Number.isInteger(value) &&
    !Number.isSafeInteger(value) &&
    context?.source
      ? context.source
      : value;
  return JSON.parse(text, reviver) as Json;
}

export function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function obj(v: Json | undefined): JsonObject | undefined {
  return isObject(v) ? v : undefined;
}

export function arr(v: Json | undefined): Json[] {
  return Array.isArray(v) ? v : [];
}

/** A string field; numbers (ids sent unquoted) become their decimal text. */
export function str(v: Json | undefined): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return '';
}

/** A non-empty string, or undefined (for optional proto fields). */
export function optStr(v: Json | undefined): string | undefined {
  const s = str(v);
  return s === '' ? undefined : s;
}

export function num(v: Json | undefined): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return 0;
}

export function bool(v: Json | undefined): boolean {
  return v === true || v === 'true';
}

/** Unix seconds (string or number) as a Date; undefined when absent or not a number. */
export function unixTime(v: Json | undefined): Date | undefined {
  const s = str(v);
  if (!/^\d{1,12}(\.\d+)?$/.test(s)) return undefined;
  return new Date(Number(s) * 1000);
}
