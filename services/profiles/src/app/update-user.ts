// UpdateUser: admin/agent changes to status, tags, paused, display name and email. Each change is
// attributed (Change {by, at}) and written to the user's log as a SYSTEM entry.
import { AppError } from '@ue/kit';
import { UserStatus, type Actor, type UpdateUserRequest } from '@ue/proto';
import {
  LIMITS,
  normalizeTag,
  optionalString,
  requireString,
  validateEmail,
} from '../domain/limits.js';
import { emailTerms, textTerms } from '../domain/search.js';
import { actorLabel } from './actors.js';
import { insertSystemEntry } from './log.js';
import type { Ports } from './ports.js';
import { publishUser } from './publish.js';
import type { UserView } from './records.js';

type UpdatePorts = Pick<Ports, 'users' | 'log' | 'events' | 'now'>;

const STATUS_LABEL = new Map<UserStatus, string>([
  [UserStatus.UNSPECIFIED, 'none'],
  [UserStatus.IN_PROGRESS, 'In progress'],
  [UserStatus.OPPORTUNITY, 'Opportunity'],
  [UserStatus.POTENTIAL_CUSTOMER, 'Potential customer'],
  [UserStatus.QUOTE_REQUEST, 'Quote request'],
  [UserStatus.FOLLOW_UP, 'Follow-up'],
  [UserStatus.CONTACTED, 'Contacted'],
  [UserStatus.WAITING_RESPONSE, 'Waiting response'],
  [UserStatus.INFO_ONLY, 'Info only'],
  [UserStatus.NOT_INTERESTED, 'Not interested'],
  [UserStatus.SPAM, 'Spam'],
]);

export function statusLabel(s: UserStatus): string {
  return STATUS_LABEL.get(s) ?? String(s);
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
  if (req.status !== undefined && !STATUS_LABEL.has(req.status))
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
  deps: UpdatePorts,
  req: UpdateUserRequest,
  actor: Actor,
): Promise<UserView> {
  const p = parse(req);
  const now = deps.now();
  const change = { by: actor, at: now };
  const set: Record<string, unknown> = { updatedAt: now };
  if (p.status !== undefined) Object.assign(set, { status: p.status, statusChanged: change });
  if (p.paused !== undefined) Object.assign(set, { paused: p.paused, pausedChanged: change });
  // An empty display name or email clears the correction.
  const unset: string[] = [];
  if (p.displayName) set['profile.displayName'] = p.displayName;
  else if (p.displayName === '') unset.push('profile.displayName');
  if (p.email) set['profile.email'] = p.email;
  else if (p.email === '') unset.push('profile.email');
  const before = await deps.users.change(p.userId, {
    set,
    unset,
    addTags: p.add,
    addTerms: [...textTerms(p.displayName ?? ''), ...emailTerms(p.email ?? '')],
  });
  if (!before) throw AppError.notFound('user');
  await deps.users.removeTags(p.userId, p.remove);
  await enforceTagLimit(deps, p.userId, p.add);
  await logChanges(deps, before, { p, actor });
  await publishUser(deps, p.userId);
  const after = await deps.users.findById(p.userId);
  if (!after) throw AppError.notFound('user');
  return after;
}

/** Over the per-user limit after a concurrent add: take this request's tags back and refuse. */
async function enforceTagLimit(
  deps: Pick<Ports, 'users'>,
  userId: string,
  added: string[],
): Promise<void> {
  if (added.length === 0) return;
  const u = await deps.users.findById(userId);
  if ((u?.tags.length ?? 0) <= LIMITS.tagsPerUser) return;
  await deps.users.removeTags(userId, added);
  throw AppError.invalid('add_tags', `a user has at most ${LIMITS.tagsPerUser} tags`);
}

async function logChanges(
  deps: UpdatePorts,
  before: UserView,
  { p, actor }: { p: Parsed; actor: Actor },
): Promise<void> {
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
    await insertSystemEntry(deps, { userId: before._id, accountId: before.accountId, text }, actor);
}
