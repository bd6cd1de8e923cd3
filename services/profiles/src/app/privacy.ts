// ExportUser (everything stored about one user) and EraseUser (delete content, keep anonymous
// counters, record an audit entry). Raw provider deliveries are audit records keyed by content
// hash and are not touched here (see docs/agents.md).
import { AppError } from '@ue/kit';
import { EventKind, type Actor, type EraseUserRequest, type EraseUserResponse } from '@ue/proto';

import { optionalString, requireString } from '../domain/limits.js';
import type { ChangePayload, Ports } from './ports.js';

export async function exportUser(
  deps: Pick<Ports, 'users' | 'messages' | 'facts' | 'log'>,
  req: { userId: string; cancelled: () => boolean },
  write: (part: ChangePayload) => Promise<void>,
): Promise<void> {
  const userId = requireString('user_id', req.userId);
  const user = await deps.users.findById(userId);
  if (!user) throw AppError.notFound('user');
  await write({ $case: 'user', user });
  for await (const message of deps.messages.allOf(userId)) {
    if (req.cancelled()) return;
    await write({ $case: 'message', message });
  }
  for await (const fact of deps.facts.allOf(userId)) {
    if (req.cancelled()) return;
    await write({ $case: 'fact', fact });
  }
  for await (const logEntry of deps.log.allOf(userId)) {
    if (req.cancelled()) return;
    await write({ $case: 'logEntry', logEntry });
  }
}

export async function eraseUser(
  deps: Pick<Ports, 'users' | 'messages' | 'facts' | 'log' | 'audit' | 'events' | 'now'>,
  req: EraseUserRequest,
  actor: Actor,
): Promise<EraseUserResponse> {
  const userId = requireString('user_id', req.userId);
  const reason = optionalString('reason', req.reason, 500);
  const user = await deps.users.findById(userId);
  if (!user) throw AppError.notFound('user');
  const now = deps.now();
  // Mark first: from here on the user is hidden from lists and cannot receive new writes.
  await deps.users.erase(userId, now);
  const counts = {
    messagesErased: await deps.messages.eraseForUser(userId),
    factsErased: await deps.facts.eraseForUser(userId),
    logEntriesErased: await deps.log.eraseForUser(userId),
  };
  await deps.events.eraseForUser(userId);
  await deps.audit.record({ kind: 'user_erased', userId, actor, reason, at: now, counts });
  const after = await deps.users.findById(userId);
  if (after) {
    await deps.events.publish({
      kind: EventKind.USER_ERASED,
      userId,
      accountId: after.accountId,
      payload: { $case: 'user', user: after },
    });
  }
  return counts;
}
