// Webhook templates from the project's fixtures (packages/testing/fixtures/whatsapp): each body
// is parsed once, its identities, ids and times replaced by holes, and printed back the way the
// files are (two-space JSON, 1–2 KB). Rendering fills the holes with fresh values, so every body
// is unique and still has the provider's shape.

/** A hole: the user in slot `slot` (wa_id, BSUID or name), a new wamid, a status id, the time. */
export type Hole =
  | { kind: 'waId' | 'bsuid' | 'name'; slot: number }
  | { kind: 'wamid' | 'statusId'; index: number }
  | { kind: 'time' };

export interface Template {
  name: string;
  /** Text between the holes: parts.length === holes.length + 1. */
  parts: string[];
  holes: Hole[];
  /** Users the body names (slots). */
  users: number;
  /** Inbound message items (each becomes a stored message). */
  messages: number;
  /** Status items. */
  statuses: number;
  /** Slots that have no wa_id (users known only by BSUID). */
  bsuidOnly: number[];
}

const WA_KEYS = new Set(['wa_id', 'from', 'recipient_id']);
const BSUID_KEYS = new Set(['user_id', 'from_user_id', 'recipient_user_id']);
const token = (i: number): string => `@@hole${i}@@`;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

interface Walk {
  holes: Hole[];
  waSlots: Map<string, number>;
  bsuidSlots: Map<string, number>;
  slots: { wa: boolean }[];
  messages: number;
  statuses: number;
}

function hole(w: Walk, h: Hole): string {
  w.holes.push(h);
  return token(w.holes.length - 1);
}

/** The slot of the person an object names, pairing its wa_id and BSUID keys. */
function slotOf(w: Walk, obj: Record<string, Json>): number | undefined {
  const wa = Object.entries(obj).find(([k, v]) => WA_KEYS.has(k) && typeof v === 'string');
  const bs = Object.entries(obj).find(([k, v]) => BSUID_KEYS.has(k) && typeof v === 'string');
  const waVal = wa?.[1] as string | undefined;
  const bsVal = bs?.[1] as string | undefined;
  let slot = waVal !== undefined ? w.waSlots.get(waVal) : undefined;
  if (slot === undefined && bsVal !== undefined) slot = w.bsuidSlots.get(bsVal);
  if (slot === undefined && (waVal || bsVal)) {
    slot = w.slots.length;
    w.slots.push({ wa: false });
  }
  if (slot === undefined) return undefined;
  if (waVal) {
    w.waSlots.set(waVal, slot);
    w.slots[slot]!.wa = true;
  }
  if (bsVal) w.bsuidSlots.set(bsVal, slot);
  return slot;
}

function walk(w: Walk, node: Json, parentKey: string): Json {
  if (Array.isArray(node)) return node.map((n) => walk(w, n, parentKey));
  if (node === null || typeof node !== 'object') return node;
  // A quoted message's `from` is our own display number, not a person.
  const slot = parentKey === 'context' ? undefined : slotOf(w, node);
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(node)) {
    if (slot !== undefined && WA_KEYS.has(k) && typeof v === 'string')
      out[k] = hole(w, { kind: 'waId', slot });
    else if (slot !== undefined && BSUID_KEYS.has(k) && typeof v === 'string')
      out[k] = hole(w, { kind: 'bsuid', slot });
    else if (k === 'timestamp' && typeof v === 'string') out[k] = hole(w, { kind: 'time' });
    else if (k === 'id' && parentKey === 'messages' && typeof v === 'string')
      out[k] = hole(w, { kind: 'wamid', index: w.messages++ });
    else if (k === 'id' && parentKey === 'statuses' && typeof v === 'string')
      out[k] = hole(w, { kind: 'statusId', index: w.statuses++ });
    else if (k === 'profile' && slot !== undefined && v && typeof v === 'object') {
      const profile = { ...(v as Record<string, Json>) };
      if (typeof profile.name === 'string') profile.name = hole(w, { kind: 'name', slot });
      out[k] = walk(w, profile, k);
    } else out[k] = walk(w, v, k);
  }
  return out;
}

/** Compile one fixture body into a template. */
export function compileTemplate(name: string, body: string): Template {
  const w: Walk = {
    holes: [],
    waSlots: new Map(),
    bsuidSlots: new Map(),
    slots: [],
    messages: 0,
    statuses: 0,
  };
  const json = JSON.stringify(walk(w, JSON.parse(body) as Json, ''), null, 2);
  const parts: string[] = [];
  const holes: Hole[] = [];
  let rest = json;
  for (let i = 0; i < w.holes.length; i++) {
    const t = `"${token(i)}"`;
    const at = rest.indexOf(t);
    if (at < 0) throw new Error(`template ${name}: hole ${i} not found`);
    parts.push(rest.slice(0, at));
    holes.push(w.holes[i]!);
    rest = rest.slice(at + t.length);
  }
  parts.push(rest);
  const bsuidOnly = w.slots.flatMap((s, i) => (s.wa ? [] : [i]));
  return {
    name,
    parts,
    holes,
    users: w.slots.length,
    messages: w.messages,
    statuses: w.statuses,
    bsuidOnly,
  };
}

export interface BodyUser {
  waId: string;
  bsuid: string;
  name: string;
}

export interface BodyValues {
  users: BodyUser[];
  wamids: string[];
  statusIds: string[];
  /** Unix seconds. */
  time: number;
}

function valueOf(h: Hole, v: BodyValues): string {
  switch (h.kind) {
    case 'waId':
      return v.users[h.slot]!.waId;
    case 'bsuid':
      return v.users[h.slot]!.bsuid;
    case 'name':
      return v.users[h.slot]!.name;
    case 'wamid':
      return v.wamids[h.index]!;
    case 'statusId':
      return v.statusIds[h.index]!;
    case 'time':
      return String(v.time);
  }
}

export function render(t: Template, v: BodyValues): string {
  let out = t.parts[0]!;
  for (let i = 0; i < t.holes.length; i++) {
    out += JSON.stringify(valueOf(t.holes[i]!, v)) + t.parts[i + 1]!;
  }
  return out;
}
