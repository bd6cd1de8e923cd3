// CSV cells a spreadsheet could run as a formula get a leading quote, after OWASP "CSV Injection"
// (https://owasp.org/www-community/attacks/CSV_Injection). Spreadsheets skip leading blanks and
// fold full-width and small forms, so the test is made on what the cell starts with once those
// are out of the way. Quoting of separators, quotes and line breaks is csv-stringify's.
import { stringify } from 'csv-stringify/sync';

/** Whitespace, controls and invisible format characters (zero-width, bidi marks, BOM, fillers). */
const LEADING_NOISE = /^[\s\p{Z}\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]+/u;
const STARTS_WITH_CONTROL = /^\p{Cc}/u;
/**
 * Formula triggers after NFKC folding, which maps the full-width (＝ ＋ － ＠), small (﹦ ﹢ ﹣ ﹫),
 * superscript and subscript forms onto = + - @; U+2212 MINUS SIGN does not fold, so it is listed.
 */
const TRIGGERS = new Set(['=', '+', '-', '@', '\u2212']);

/** True when a spreadsheet could read the text as a formula (or a control-led cell, per OWASP). */
function looksLikeFormula(s: string): boolean {
  if (STARTS_WITH_CONTROL.test(s)) return true;
  const first = s.replace(LEADING_NOISE, '').codePointAt(0);
  if (first === undefined) return false;
  const folded = String.fromCodePoint(first).normalize('NFKC');
  return TRIGGERS.has(String.fromCodePoint(folded.codePointAt(0)!));
}

/**
 * One cell as text: dates as ISO 8601, finite numbers as they are (our own values, never text a
 * user typed: -5 stays the number -5), text prefixed with `'` when it looks like a formula.
 */
export function neutraliseCell(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return String(v);
  if (typeof v !== 'string') return '';
  return looksLikeFormula(v) ? `'${v}` : v;
}

export function csvRows(rows: unknown[][]): string {
  return stringify(rows.map((r) => r.map(neutraliseCell)));
}
