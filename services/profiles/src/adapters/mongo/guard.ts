// In-process evaluation of the guard part of a guarded single-document update, used only against
// FerretDB 1.x (see ADR 0006). FerretDB's SQLite backend pushes down to SQL only a filter that is
// exactly {_id}; `{_id, <guard>}` makes it read and decode every document of the collection. So,
// while holding the per-document write lock (FerretDB deployments run one profiles instance, ADR
// 0005), profiles reads the one document by _id, evaluates the guard here, and applies the same
// update operators with a pure {_id} filter. On MongoDB the guarded update is sent as is.
//
// Only the operators profiles' guards use are supported; anything else returns `undefined` and
// the caller falls back to sending the guarded filter to the server unchanged.
import type { Document } from 'mongodb';

type Tri = boolean | undefined;

/** Values found at a dotted path (Mongo semantics: arrays are traversed, numeric segments index). */
function valuesAt(doc: unknown, path: string[]): unknown[] {
  if (path.length === 0) return [doc];
  if (doc === null || typeof doc !== 'object' || doc instanceof Date) return [];
  const [head, ...rest] = path as [string, ...string[]];
  if (Array.isArray(doc)) {
    const out: unknown[] = [];
    if (/^\d+$/.test(head)) {
      const idx = Number(head);
      if (idx < doc.length) out.push(...valuesAt(doc[idx], rest));
    }
    for (const el of doc)
      if (el !== null && typeof el === 'object' && !Array.isArray(el))
        out.push(...valuesAt(el, path));
    return out;
  }
  if (!Object.prototype.hasOwnProperty.call(doc, head)) return [];
  return valuesAt((doc as Record<string, unknown>)[head], rest);
}

/** Leaves: the values themselves plus, for arrays, their elements (equality/range semantics). */
function candidates(values: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    out.push(v);
    if (Array.isArray(v)) out.push(...(v as unknown[]));
  }
  return out;
}

type Scalar = string | number | boolean | Date | null;
function isScalar(v: unknown): v is Scalar {
  return (
    v === null ||
    typeof v === 'string' ||
    typeof v === 'number' ||
    typeof v === 'boolean' ||
    v instanceof Date
  );
}

/** -1/0/1 for comparable values of one type bracket; undefined when MongoDB would not compare them. */
function compare(a: unknown, b: Scalar): number | undefined {
  if (typeof a === 'string' && typeof b === 'string')
    return Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
  if (typeof a === 'number' && typeof b === 'number') return a === b ? 0 : a < b ? -1 : 1;
  if (a instanceof Date && b instanceof Date) return Math.sign(a.getTime() - b.getTime());
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (a === null && b === null) return 0;
  return undefined;
}

function equalsAny(values: unknown[], q: Scalar): boolean {
  if (q === null && values.length === 0) return true; // {f: null} also matches a missing field
  return candidates(values).some((v) => compare(v, q) === 0 || (q === null && v === undefined));
}

function matchOperators(values: unknown[], ops: Record<string, unknown>): Tri {
  for (const [op, arg] of Object.entries(ops)) {
    let ok: boolean;
    if (op === '$exists') {
      if (typeof arg !== 'boolean') return undefined;
      ok = values.length > 0 === arg;
    } else if (op === '$ne' || op === '$eq') {
      if (!isScalar(arg)) return undefined;
      const eq = equalsAny(values, arg);
      ok = op === '$eq' ? eq : !eq;
    } else if (op === '$lt' || op === '$lte' || op === '$gt' || op === '$gte') {
      if (!isScalar(arg) || arg === null) return undefined;
      ok = candidates(values).some((v) => {
        const c = compare(v, arg);
        if (c === undefined) return false;
        return op === '$lt' ? c < 0 : op === '$lte' ? c <= 0 : op === '$gt' ? c > 0 : c >= 0;
      });
    } else return undefined;
    if (!ok) return false;
  }
  return true;
}

function isOperatorObject(v: unknown): v is Record<string, unknown> {
  if (!v || typeof v !== 'object' || Array.isArray(v) || v instanceof Date) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => k.startsWith('$'));
}

/** Does `doc` match `filter`? undefined when the filter uses something not supported here. */
export function matchesFilter(doc: Document, filter: Document): Tri {
  for (const [key, raw] of Object.entries(filter)) {
    let ok: Tri;
    const cond: unknown = raw;
    if (key === '$or' || key === '$and') {
      if (!Array.isArray(cond) || cond.length === 0) return undefined;
      const parts = (cond as unknown[]).map((c) =>
        c && typeof c === 'object' ? matchesFilter(doc, c as Document) : undefined,
      );
      if (parts.some((p) => p === undefined)) return undefined;
      ok = key === '$or' ? parts.some(Boolean) : parts.every(Boolean);
    } else if (key.startsWith('$')) {
      return undefined;
    } else {
      const values = valuesAt(doc, key.split('.'));
      if (isScalar(cond)) ok = equalsAny(values, cond);
      else if (isOperatorObject(cond)) {
        ok = matchOperators(values, cond);
      } else return undefined;
    }
    if (ok === undefined) return undefined;
    if (!ok) return false;
  }
  return true;
}
