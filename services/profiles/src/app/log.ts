// Log entries: notes, follow-ups, proactive reminders and system entries. The user's open
// follow-up count and earliest due time are recomputed under a version guard, so concurrent
// changes never leave a stale value behind.
import { AppError } from '@ue/kit';
import {
  EventKind,
  LogEntryKind,
  LogEntryState,
  type Actor,
  type AddLogEntryRequest,
  type ListLogEntriesRequest,
  type UpdateLogEntryRequest,
} from '@ue/proto';
import { cursorTime, decodeCursor, encodeCursor } from '../domain/cursor.js';
import { newId } from '../domain/ids.js';
import { LIMITS, optionalString, optionalTime, pageSize, requireString } from '../domain/limits.js';
import { checkEnum, ENUMS } from './enums.js';
import type { Ports } from './ports.js';
import { publishUser } from './publish.js';
import type { LogEntryRecord } from './records.js';

type LogPorts = Pick<Ports, 'users' | 'log' | 'events' | 'now'>;

const DUE_KINDS = [LogEntryKind.FOLLOW_UP, LogEntryKind.PROACTIVE];
const KINDS = [
  LogEntryKind.NOTE,
  LogEntryKind.FOLLOW_UP,
  LogEntryKind.PROACTIVE,
  LogEntryKind.SYSTEM,
];
const STATES = [LogEntryState.OPEN, LogEntryState.DONE, LogEntryState.CANCELLED];

async function publishEntry(deps: Pick<Ports, 'events'>, e: LogEntryRecord): Promise<void> {
  await deps.events.publish({
    kind: EventKind.LOG_ENTRY_CHANGED,
    userId: e.userId,
    accountId: e.accountId,
    payload: { $case: 'logEntry', logEntry: e },
  });
}

/** Recount open follow-ups / reminders and the earliest due time for one user. */
export async function refreshFollowUps(
  deps: Pick<Ports, 'users' | 'log'>,
  userId: string,
): Promise<void> {
  await deps.users.refreshFollowUps(userId, () => deps.log.openDue(userId));
}

export async function insertSystemEntry(
  deps: Pick<Ports, 'log' | 'events' | 'now'>,
  e: { userId: string; accountId: string; text: string },
  author: Actor,
): Promise<void> {
  const now = deps.now();
  const _id = newId('l');
  const { entry } = await deps.log.insert({
    _id,
    userId: e.userId,
    accountId: e.accountId,
    kind: LogEntryKind.SYSTEM,
    text: e.text,
    author,
    dueAt: undefined,
    state: LogEntryState.UNSPECIFIED,
    createdAt: now,
    updatedAt: now,
    stateChanged: undefined,
    clientId: '',
    clientKey: `id:${_id}`,
  });
  await publishEntry(deps, entry);
}

export async function addLogEntry(
  deps: LogPorts,
  req: AddLogEntryRequest,
  author: Actor,
): Promise<LogEntryRecord> {
  const userId = requireString('user_id', req.userId);
  const kind = checkEnum('kind', ENUMS.logEntryKind, req.kind);
  if (!KINDS.includes(kind)) {
    throw AppError.invalid('kind', 'one of NOTE, FOLLOW_UP, PROACTIVE, SYSTEM required');
  }
  const text = requireString('text', req.text, LIMITS.logTextLength);
  const clientId = optionalString('client_id', req.clientId, 128);
  optionalTime('due_at', req.dueAt);
  if (DUE_KINDS.includes(kind) && !req.dueAt)
    throw AppError.invalid('due_at', 'required for follow-ups and reminders');
  if (!DUE_KINDS.includes(kind) && req.dueAt)
    throw AppError.invalid('due_at', 'only follow-ups and reminders have a due time');
  const user = await deps.users.findById(userId);
  if (!user || user.erasedAt) throw AppError.notFound('user');
  if (clientId) {
    const existing = await deps.log.findByClientId(userId, clientId);
    if (existing) return existing;
  }
  const now = deps.now();
  const _id = newId('l');
  const doc: LogEntryRecord = {
    _id,
    userId,
    accountId: user.accountId,
    kind,
    text,
    author,
    dueAt: req.dueAt,
    state: DUE_KINDS.includes(kind) ? LogEntryState.OPEN : LogEntryState.UNSPECIFIED,
    createdAt: now,
    updatedAt: now,
    stateChanged: undefined,
    clientId,
    clientKey: clientId || `id:${_id}`,
  };
  const { entry, created } = await deps.log.insert(doc);
  if (created) await afterChange(deps, entry);
  return entry;
}

async function afterChange(deps: LogPorts, doc: LogEntryRecord): Promise<void> {
  if (DUE_KINDS.includes(doc.kind)) {
    await refreshFollowUps(deps, doc.userId);
    await publishUser(deps, doc.userId);
  }
  await publishEntry(deps, doc);
}

export async function updateLogEntry(
  deps: LogPorts,
  req: UpdateLogEntryRequest,
  actor: Actor,
): Promise<LogEntryRecord> {
  const id = requireString('id', req.id);
  optionalTime('due_at', req.dueAt);
  const state = checkEnum('state', ENUMS.logEntryState, req.state);
  const text =
    req.text === undefined ? undefined : requireString('text', req.text, LIMITS.logTextLength);
  const current = await deps.log.findById(id);
  if (!current) throw AppError.notFound('log entry');
  if (current.kind === LogEntryKind.SYSTEM)
    throw new AppError('FAILED_PRECONDITION', 'system entries cannot be changed');
  const now = deps.now();
  const set: Partial<LogEntryRecord> = { updatedAt: now };
  if (text !== undefined) set.text = text;
  if (req.dueAt) {
    if (!DUE_KINDS.includes(current.kind))
      throw AppError.invalid('due_at', 'only follow-ups and reminders have a due time');
    set.dueAt = req.dueAt;
  }
  let expectedState: LogEntryState | undefined;
  if (state !== LogEntryState.UNSPECIFIED) {
    if (!STATES.includes(state)) throw AppError.invalid('state', 'unknown state');
    if (!DUE_KINDS.includes(current.kind)) throw AppError.invalid('state', 'notes have no state');
    if (state !== current.state) {
      // Guarded by the state we read: a concurrent transition makes this one fail loudly.
      expectedState = current.state;
      set.state = state;
      set.stateChanged = { by: actor, at: now };
    }
  }
  const res = await deps.log.update(id, set, expectedState);
  if (!res)
    throw new AppError('FAILED_PRECONDITION', 'log entry changed concurrently; read it again');
  await afterChange(deps, res);
  return res;
}

export async function listLogEntries(
  deps: Pick<Ports, 'log' | 'now'>,
  req: ListLogEntriesRequest,
): Promise<{ docs: LogEntryRecord[]; next: string }> {
  const limit = pageSize('page_size', req.pageSize);
  req.kinds.forEach((k, i) => {
    if (!KINDS.includes(k)) throw AppError.invalid(`kinds[${i}]`, 'unknown kind');
  });
  req.states.forEach((st, i) => checkEnum(`states[${i}]`, ENUMS.logEntryState, st));
  const dueBefore = optionalTime('due_before', req.dueBefore);
  const order = req.overdueOnly || req.dueBefore !== undefined ? 'due' : 'created';
  const field = order === 'due' ? 'dueAt' : 'createdAt';
  let after: { at: Date; id: string } | undefined;
  if (req.pageToken) {
    const c = decodeCursor(req.pageToken);
    if (c.f !== field || typeof c.k !== 'string')
      throw AppError.invalid('page_token', 'token belongs to another listing');
    after = { at: cursorTime(c), id: c.id };
  }
  const docs = await deps.log.list({
    userId: req.userId ? optionalString('user_id', req.userId, LIMITS.idLength) : undefined,
    accountId: req.accountId ? optionalString('account_id', req.accountId, 64) : undefined,
    kinds: req.kinds,
    states: req.states,
    overdueAt: req.overdueOnly ? deps.now() : undefined,
    dueBefore,
    order,
    after,
    limit: limit + 1,
  });
  const page = docs.slice(0, limit);
  const last = page[page.length - 1];
  const next =
    docs.length > limit && last
      ? encodeCursor({ k: (last[field] ?? new Date(0)).toISOString(), id: last._id, f: field })
      : '';
  return { docs: page, next };
}
