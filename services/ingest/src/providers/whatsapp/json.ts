// The one reader of provider JSON (the worker reads with readJson, the webhook endpoint checks
// with jsonProblem: same decoding, depth bound and parse, so what the endpoint accepts the worker
// can read), and defensive access to what it returns: ids
// stay strings, numbers are checked, and a field named by the provider is looked up only as an
// own property (never "constructor" or "__proto__" from Object.prototype).

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

/**
 * Deepest nesting of arrays and objects read. Real deliveries nest about 12 levels (a contacts
 * card); V8's JSON.parse takes far deeper input, but the reviver below, JSON.stringify of a
 * fragment and every recursive reader after it would overflow the stack.
 */
export const MAX_JSON_DEPTH = 64;

export type JsonRead = { ok: true; value: Json } | { ok: false; problem: string };

type Reviver = (key: string, value: unknown, context?: { source?: string }) => unknown;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isExponent = (c: number): boolean => c === 0x65 || c === 0x45;

export interface JsonScan {
  /** Arrays/objects nest deeper than the bound asked for (brackets in strings do not count). */
  tooDeep: boolean;
  /** Some number may be an integer beyond 2^53 (16+ digits, or an exponent). */
  bigNumbers: boolean;
}

/** One pass over the text, before any parsing: how deep it nests, whether numbers need care. */
export function scanJson(text: string, maxDepth: number): JsonScan {
  let depth = 0;
  let digits = 0;
  let bigNumbers = false;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (isDigit(c)) {
      if (++digits >= 16) bigNumbers = true;
      continue;
    }
    if (digits > 0 && isExponent(c)) bigNumbers = true;
    digits = 0;
    if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) return { tooDeep: true, bigNumbers };
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return { tooDeep: false, bigNumbers };
}

const keepBigInts: Reviver = (_key, value, context) =>
  typeof value === 'number' &&
  Number.isInteger(value) &&
  !Number.isSafeInteger(value) &&
  context?.source
    ? context.source
    : value;

/**
 * JSON.parse, except that an integer too large for a double comes back as its exact source
 * text (17-digit media or ad ids sent unquoted would otherwise lose digits). Throws.
 */
export function parseJsonKeepingBigInts(text: string): Json {
  return JSON.parse(text, keepBigInts) as Json;
}

type Text = { ok: true; text: string; scan: JsonScan } | { ok: false; problem: string };

function decode(input: Uint8Array | string): Text {
  let text: string;
  try {
    text =
      typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: true }).decode(input);
  } catch {
    return { ok: false, problem: 'not UTF-8' };
  }
  const scan = scanJson(text, MAX_JSON_DEPTH);
  if (scan.tooDeep) return { ok: false, problem: `nested deeper than ${MAX_JSON_DEPTH} levels` };
  return { ok: true, text, scan };
}

/** Bytes (strict UTF-8) or text → JSON nested at most MAX_JSON_DEPTH deep. Never throws. */
export function readJson(input: Uint8Array | string): JsonRead {
  const d = decode(input);
  if (!d.ok) return d;
  try {
    // The reviver costs far more than the parse itself: only when a number may need it.
    const value = d.scan.bigNumbers
      ? parseJsonKeepingBigInts(d.text)
      : (JSON.parse(d.text) as Json);
    return { ok: true, value };
  } catch {
    return { ok: false, problem: 'not JSON' };
  }
}

/**
 * Why readJson would refuse this input, or undefined when it would read it: the same decoding,
 * depth bound and parse, without building the big-integer-exact values (the endpoint's check).
 */
export function jsonProblem(input: Uint8Array | string): string | undefined {
  const d = decode(input);
  if (!d.ok) return d.problem;
  try {
    JSON.parse(d.text);
    return undefined;
  } catch {
    return 'not JSON';
  }
}

export function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function obj(v: Json | undefined): JsonObject | undefined {
  return isObject(v) ? v : undefined;
}

/** o[key] for a key the provider chose (a message type names its content object). */
export function field(o: JsonObject, key: string): Json | undefined {
  return Object.hasOwn(o, key) ? o[key] : undefined;
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

/** A finite number (JSON's 1e999 is Infinity), or 0. */
export function num(v: Json | undefined): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : 0;
}

const INT32_MAX = 2 ** 31 - 1;

/** An integer that fits a proto int32 (an error code), or 0. */
export function int32(v: Json | undefined): number {
  const n = Math.trunc(num(v));
  return n >= -INT32_MAX - 1 && n <= INT32_MAX ? n : 0;
}

export function bool(v: Json | undefined): boolean {
  return v === true || v === 'true';
}

/** Latest time profiles keeps (9999-12-31T23:59:59Z), in unix seconds. */
const MAX_UNIX_SECONDS = 253_402_300_799;

/** Unix seconds (string or number) as a Date; undefined when absent, not a number or past 9999. */
export function unixTime(v: Json | undefined): Date | undefined {
  const s = str(v);
  if (!/^\d{1,12}(\.\d+)?$/.test(s) || Number(s) > MAX_UNIX_SECONDS) return undefined;
  return new Date(Number(s) * 1000);
}
