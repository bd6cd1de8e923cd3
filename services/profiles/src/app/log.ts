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
import type { Filter, UpdateFilter } from 'mongodb';
import { cursorTime, decodeCursor, encodeCursor } from '../domain/cursor.js';
import { newId } from '../domain/ids.js';
import { LIMITS, optionalString, pageSize, requireString } from '../domain/limits.js';
import { isDuplicateKey } from '../adapters/mongo/db.js';
import type { LogEntryDoc, UserDoc } from '../adapters/mongo/docs.js';
import { logEntryToProto } from '../adapters/mongo/to-proto.js';
import type { AppDeps } from './deps.js';
import { publishUser } from './apply-events.js';

const DUE_KINDS = [LogEntryKind.FOLLOW_UP, LogEntryKind.PROACTIVE];

async function publishEntry(deps: AppDeps, e: LogEntryDoc): Promise<void> {
  await deps.events.publish({
    kind: EventKind.LOG_ENTRY_CHANGED,
    userId: e.userId,
    accountId: e.accountId,
    payload: { $case: 'logEntry', logEntry: logEntryToProto(e) },
  });
}

/** Recount open follow-ups / reminders and the earliest due time for one user. */
export async function refreshFollowUps(deps: AppDeps, userId: string): Promise<void> {
  const { users, logEntries } = deps.cols;
  await users.updateOne({ _id: userId }, { $inc: { followUpsVersion: 1 } });
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const u = await users.findOne({ _id: userId }, { projection: { followUpsVersion: 1 } });
    if (!u) return;
    const version = (u as unknown as { followUpsVersion?: number }).followUpsVersion ?? 0;
    const open = await logEntries
      .find(
        { userId, state: LogEntryState.OPEN, kind: { $in: DUE_KINDS } },
        { projection: { dueAt: 1 } },
      )
      .toArray();
    const dues = open
      .map((e) => e.dueAt)
      .filter((d): d is Date => d instanceof Date)
      .sort((a, b) => a.getTime() - b.getTime());
    const update: UpdateFilter<UserDoc> = dues[0]
      ? { $set: { 'counters.openFollowUps': open.length, nextFollowUpDueAt: dues[0] } }
      : {
          $set: { 'counters.openFollowUps': open.length },
          $unset: { nextFollowUpDueAt: '' as const },
        };
    const res = await users.updateOne({ _id: userId, followUpsVersion: version }, update);
    if (res.matchedCount > 0) return;
  }
}

export async function insertSystemEntry(
  deps: AppDeps,
  userId: string,
  accountId: string,
  text: string,
  author: Actor,
) {
  const now = deps.now();
  const _id = newId('l');
  const doc: LogEntryDoc = {
    _id,
    userId,
    accountId,
    kind: LogEntryKind.SYSTEM,
    text,
    author,
    dueAt: undefined,
    state: LogEntryState.UNSPECIFIED,
    createdAt: now,
    updatedAt: now,
    stateChanged: undefined,
    clientId: '',
    clientKey: `id:${_id}`,
  };
  await deps.cols.logEntries.insertOne(doc);
  await publishEntry(deps, doc);
}

export async function addLogEntry(
  deps: AppDeps,
  req: AddLogEntryRequest,
  author: Actor,
): Promise<LogEntryDoc> {
  const userId = requireString('user_id', req.userId);
  const kind = req.kind;
  if (
    ![
      LogEntryKind.NOTE,
      LogEntryKind.FOLLOW_UP,
      LogEntryKind.PROACTIVE,
      LogEntryKind.SYSTEM,
    ].includes(kind)
  ) {
    throw AppError.invalid('kind', 'one of NOTE, FOLLOW_UP, PROACTIVE, SYSTEM required');
  }
  const text = requireString('text', req.text, LIMITS.logTextLength);
  const clientId = optionalString('client_id', req.clientId, 128);
  if (DUE_KINDS.includes(kind) && !req.dueAt)
    throw AppError.invalid('due_at', 'required for follow-ups and reminders');
  if (!DUE_KINDS.includes(kind) && req.dueAt)
    throw AppError.invalid('due_at', 'only follow-ups and reminders have a due time');
  const user = await deps.users.findById(userId);
  if (!user || user.erasedAt) throw AppError.notFound('user');
  if (clientId) {
    const existing = await deps.cols.logEntries.findOne({ userId, clientKey: clientId });
    if (existing) return existing;
  }
  const now = deps.now();
  const _id = newId('l');
  const doc: LogEntryDoc = {
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
  try {
    await deps.cols.logEntries.insertOne(doc);
  } catch (e) {
    if (!isDuplicateKey(e)) throw e;
    const existing = await deps.cols.logEntries.findOne({ userId, clientKey: clientId });
    if (existing) return existing;
    throw e;
  }
  await afterChange(deps, doc);
  return doc;
}

async function afterChange(deps: AppDeps, doc: LogEntryDoc): Promise<void> {
  if (DUE_KINDS.includes(doc.kind)) {
    await refreshFollowUps(deps, doc.userId);
    await publishUser(deps, doc.userId);
  }
  await publishEntry(deps, doc);
}

const STATES = [LogEntryState.OPEN, LogEntryState.DONE, LogEntryState.CANCELLED];

export async function updateLogEntry(
  deps: AppDeps,
  req: UpdateLogEntryRequest,
  actor: Actor,
): Promise<LogEntryDoc> {
  const id = requireString('id', req.id);
  const current = await deps.cols.logEntries.findOne({ _id: id });
  if (!current) throw AppError.notFound('log entry');
  if (current.kind === LogEntryKind.SYSTEM)
    throw new AppError('FAILED_PRECONDITION', 'system entries cannot be changed');
  const now = deps.now();
  const set: Partial<LogEntryDoc> = { updatedAt: now };
  if (req.text !== undefined) set.text = requireString('text', req.text, LIMITS.logTextLength);
  if (req.dueAt) {
    if (!DUE_KINDS.includes(current.kind))
      throw AppError.invalid('due_at', 'only follow-ups and reminders have a due time');
    set.dueAt = req.dueAt;
  }
  const filter: Filter<LogEntryDoc> = { _id: id };
  if (req.state !== LogEntryState.UNSPECIFIED) {
    if (!STATES.includes(req.state)) throw AppError.invalid('state', 'unknown state');
    if (!DUE_KINDS.includes(current.kind)) throw AppError.invalid('state', 'notes have no state');
    if (req.state !== current.state) {
      // Guarded by the state we read: a concurrent transition makes this one fail loudly.
      filter.state = current.state;
      set.state = req.state;
      set.stateChanged = { by: actor, at: now };
    }
  }
  const res = await deps.cols.logEntries.findOneAndUpdate(
    filter,
    { $set: set },
    { returnDocument: 'after' },
  );
  if (!res)
    throw new AppError('FAILED_PRECONDITION', 'log entry changed concurrently; read it again');
  await afterChange(deps, res);
  return res;
}

export async function listLogEntries(
  deps: AppDeps,
  req: ListLogEntriesRequest,
): Promise<{ docs: LogEntryDoc[]; next: string }> {
  const limit = pageSize('page_size', req.pageSize);
  const and: Filter<LogEntryDoc>[] = [];
  if (req.userId) and.push({ userId: optionalString('user_id', req.userId, LIMITS.idLength) });
  if (req.accountId) and.push({ accountId: optionalString('account_id', req.accountId, 64) });
  if (req.kinds.length) and.push({ kind: { $in: req.kinds } });
  if (req.states.length) and.push({ state: { $in: req.states } });
  const byDue = req.overdueOnly || req.dueBefore !== undefined;
  if (req.overdueOnly)
    and.push({ state: LogEntryState.OPEN, kind: { $in: DUE_KINDS }, dueAt: { $lt: deps.now() } });
  if (req.dueBefore) and.push({ dueAt: { $lt: req.dueBefore } });
  const field = byDue ? 'dueAt' : 'createdAt';
  const dir = byDue ? 1 : -1;
  if (req.pageToken) {
    const c = decodeCursor(req.pageToken);
    if (c.f !== field || typeof c.k !== 'string')
      throw AppError.invalid('page_token', 'token belongs to another listing');
    const op = dir === 1 ? '$gt' : '$lt';
    const k = cursorTime(c);
    and.push({ $or: [{ [field]: { [op]: k } }, { [field]: k, _id: { [op]: c.id } }] });
  }
  const docs = await deps.cols.logEntries
    .find(and.length ? { $and: and } : {})
    .sort({ [field]: dir, _id: dir })
    .limit(limit + 1)
    .toArray();
  const page = docs.slice(0, limit);
  const last = page[page.length - 1];
  const next =
    docs.length > limit && last
      ? encodeCursor({ k: (last[field] ?? new Date(0)).toISOString(), id: last._id, f: field })
      : '';
  return { docs: page, next };
}
