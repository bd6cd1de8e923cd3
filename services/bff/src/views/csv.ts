// CSV cells that a spreadsheet could run as a formula (=, +, -, @, tab, CR) get a leading
// quote (OWASP "CSV injection").
import { stringify } from 'csv-stringify/sync';

export function neutraliseCell(v: unknown): string {
  const s =
    v instanceof Date
      ? v.toISOString()
      : typeof v === 'string'
        ? v
        : typeof v === 'number' || typeof v === 'boolean'
          ? String(v)
          : '';
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

export function csvRows(rows: unknown[][]): string {
  return stringify(rows.map((r) => r.map(neutraliseCell)));
}
