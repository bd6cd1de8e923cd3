// UpdateUser: admin/agent changes to status, tags, paused, display name and email. Each change is
// attributed (Change {by, at}) and written to the user's log as a SYSTEM entry.
import { AppError } from '@ue/kit';
import { UserStatus, type Actor, type UpdateUserRequest } from '@ue/proto';
import type { UpdateFilter } from 'mongodb';
import {
  LIMITS,
  normalizeTag,
  optionalString,
  requireString,
  validateEmail,
} from '../domain/limits.js';
import { emailTerms, textTerms } from '../domain/search.js';
import type { UserDoc } from '../adapters/mongo/docs.js';
import type { AppDeps } from './deps.js';
import { actorLabel } from './actors.js';
import { publishUser } from './apply-events.js';
import { insertSystemEntry } from './log.js';

const STATUS_LABEL: Record<number, string> = {
  [UserStatus.UNSPECIFIED]: 'none',
  [UserStatus.IN_PROGRESS]: 'In progress',
  [UserStatus.OPPORTUNITY]: 'Opportunity',
  [UserStatus.POTENTIAL_CUSTOMER]: 'Potential customer',
  [UserStatus.QUOTE_REQUEST]: 'Quote request',
  [UserStatus.FOLLOW_UP]: 'Follow-up',
  [UserStatus.CONTACTED]: 'Contacted',
  [UserStatus.WAITING_RESPONSE]: 'Waiting response',
  [UserStatus.INFO_ONLY]: 'Info only',
  [UserStatus.NOT_INTERESTED]: 'Not interested',
  [UserStatus.SPAM]: 'Spam',
};

export function statusLabel(s: UserStatus): string {
  return STATUS_LABEL[s] ?? String(s);
}

interface Parsed {
  userId: string;
  status?: UserStatus;
  add: string[];
  remove: string[];
  paused?: boolean;
  displayName?: string;
  email?: string;
  reason: string;
}

function parse(req: UpdateUserRequest): Parsed {
  const userId = requireString('user_id', req.userId);
  if (req.status !== undefined && !(req.status in STATUS_LABEL))
    throw AppError.invalid('status', 'unknown status');
  if (req.addTags.length > LIMITS.tagsPerRequest)
    throw AppError.invalid('add_tags', `at most ${LIMITS.tagsPerRequest}`);
  if (req.removeTags.length > LIMITS.tagsPerRequest)
    throw AppError.invalid('remove_tags', `at most ${LIMITS.tagsPerRequest}`);
  const add = [...new Set(req.addTags.map((t, i) => normalizeTag(`add_tags[${i}]`, t)))];
  const remove = [...new Set(req.removeTags.map((t, i) => normalizeTag(`remove_tags[${i}]`, t)))];
  if (add.some((t) => remove.includes(t)))
    throw AppError.invalid('remove_tags', 'a tag cannot be added and removed at once');
  return {
    userId,
    status: req.status,
    add,
    remove,
    paused: req.paused,
    displayName:
      req.displayName === undefined
        ? undefined
        : optionalString('display_name', req.displayName.trim(), LIMITS.nameLength),
    email: req.email === undefined ? undefined : validateEmail('email', req.email),
    reason: optionalString('reason', req.reason, 500),
  };
}

export async function updateUser(
  deps: AppDeps,
  req: UpdateUserRequest,
  actor: Actor,
): Promise<UserDoc> {
  const p = parse(req);
  const now = deps.now();
  const change = { by: actor, at: now };
  const set: Record<string, unknown> = { updatedAt: now };
  if (p.status !== undefined) Object.assign(set, { status: p.status, statusChanged: change });
  if (p.paused !== undefined) Object.assign(set, { paused: p.paused, pausedChanged: change });
  // An empty display name or email clears the correction.
  const unset: Record<string, ''> = {};
  if (p.displayName) set['profile.displayName'] = p.displayName;
  else if (p.displayName === '') unset['profile.displayName'] = '';
  if (p.email) set['profile.email'] = p.email;
  else if (p.email === '') unset['profile.email'] = '';
  const terms = [...textTerms(p.displayName ?? ''), ...emailTerms(p.email ?? '')];
  const update: UpdateFilter<UserDoc> = { $set: set };
  if (Object.keys(unset).length) update.$unset = unset;
  if (p.add.length || terms.length)
    update.$addToSet = {
      ...(p.add.length ? { tags: { $each: p.add } } : {}),
      ...(terms.length ? { searchTerms: { $each: terms } } : {}),
    } as never;
  const before = await deps.users.users.findOneAndUpdate(
    { _id: p.userId, erasedAt: { $exists: false } },
    update,
    { returnDocument: 'before' },
  );
  if (!before) throw AppError.notFound('user');
  if (p.remove.length)
    await deps.users.users.updateOne({ _id: p.userId }, { $pullAll: { tags: p.remove } });
  await enforceTagLimit(deps, p.userId, p.add);
  await logChanges(deps, before, p, actor);
  await publishUser(deps, p.userId);
  const after = await deps.users.findById(p.userId);
  if (!after) throw AppError.notFound('user');
  return after;
}

/** Over the per-user limit after a concurrent add: take this request's tags back and refuse. */
async function enforceTagLimit(deps: AppDeps, userId: string, added: string[]): Promise<void> {
  if (added.length === 0) return;
  const u = await deps.users.users.findOne({ _id: userId }, { projection: { tags: 1 } });
  if ((u?.tags.length ?? 0) <= LIMITS.tagsPerUser) return;
  await deps.users.users.updateOne({ _id: userId }, { $pullAll: { tags: added } });
  throw AppError.invalid('add_tags', `a user has at most ${LIMITS.tagsPerUser} tags`);
}

async function logChanges(deps: AppDeps, before: UserDoc, p: Parsed, actor: Actor): Promise<void> {
  const who = actorLabel(actor);
  const why = p.reason ? ` (${p.reason})` : '';
  const lines: string[] = [];
  if (p.status !== undefined && p.status !== before.status) {
    lines.push(
      `Status changed from ${statusLabel(before.status)} to ${statusLabel(p.status)} by ${who}${why}`,
    );
  }
  if (p.paused !== undefined && p.paused !== before.paused) {
    lines.push(`${p.paused ? 'Agent paused (human takeover)' : 'Agent resumed'} by ${who}${why}`);
  }
  const tagsBefore = before.tags ?? [];
  const added = p.add.filter((t) => !tagsBefore.includes(t));
  const removed = p.remove.filter((t) => tagsBefore.includes(t));
  if (added.length) lines.push(`Tags added by ${who}: ${added.join(', ')}`);
  if (removed.length) lines.push(`Tags removed by ${who}: ${removed.join(', ')}`);
  if (p.displayName !== undefined && p.displayName !== (before.profile?.displayName ?? '')) {
    lines.push(
      p.displayName
        ? `Display name set to "${p.displayName}" by ${who}`
        : `Display name cleared by ${who}`,
    );
  }
  if (p.email !== undefined && p.email !== (before.profile?.email ?? '')) {
    lines.push(p.email ? `Email set to "${p.email}" by ${who}` : `Email cleared by ${who}`);
  }
  for (const text of lines)
    await insertSystemEntry(deps, before._id, before.accountId, text, actor);
}
