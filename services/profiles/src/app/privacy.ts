// ExportUser (everything stored about one user) and EraseUser (delete content, keep anonymous
// counters, record an audit entry). Raw provider deliveries are audit records keyed by content
// hash and are not touched here (see docs/agents.md).
import { AppError } from '@ue/kit';
import {
  EventKind,
  type Actor,
  type EraseUserRequest,
  type EraseUserResponse,
  type ExportUserResponse,
} from '@ue/proto';
import { newId } from '../domain/ids.js';
import { optionalString, requireString } from '../domain/limits.js';
import {
  factToProto,
  logEntryToProto,
  messageToProto,
  userToProto,
} from '../adapters/mongo/to-proto.js';
import type { AppDeps } from './deps.js';

export async function exportUser(
  deps: AppDeps,
  rawUserId: string,
  write: (r: ExportUserResponse) => Promise<void>,
  cancelled: () => boolean,
): Promise<void> {
  const userId = requireString('user_id', rawUserId);
  const user = await deps.users.findById(userId);
  if (!user) throw AppError.notFound('user');
  await write({ part: { $case: 'user', user: userToProto(user) } });
  for await (const m of deps.cols.messages.find({ userId }).sort({ sentAt: 1, _id: 1 })) {
    if (cancelled()) return;
    await write({ part: { $case: 'message', message: messageToProto(m) } });
  }
  for await (const f of deps.cols.facts.find({ userId }).sort({ key: 1, version: 1 })) {
    if (cancelled()) return;
    await write({ part: { $case: 'fact', fact: factToProto(f) } });
  }
  for await (const l of deps.cols.logEntries.find({ userId }).sort({ createdAt: 1, _id: 1 })) {
    if (cancelled()) return;
    await write({ part: { $case: 'logEntry', logEntry: logEntryToProto(l) } });
  }
}

export async function eraseUser(
  deps: AppDeps,
  req: EraseUserRequest,
  actor: Actor,
): Promise<EraseUserResponse> {
  const userId = requireString('user_id', req.userId);
  const reason = optionalString('reason', req.reason, 500);
  const user = await deps.users.findById(userId);
  if (!user) throw AppError.notFound('user');
  const now = deps.now();
  // Mark first: from here on the user is hidden from lists and cannot receive new writes.
  await deps.users.users.updateOne(
    { _id: userId },
    {
      $set: {
        erasedAt: user.erasedAt ?? now,
        updatedAt: now,
        waId: '',
        bsuid: '',
        parentBsuid: '',
        previousWaIds: [],
        profile: {},
        tags: [],
        searchTerms: [],
        needsReply: false,
        paused: false,
      },
      $unset: {
        referral: '',
        lastMessage: '',
        lastMessageKey: '',
        nameAt: '',
        statusChanged: '',
        pausedChanged: '',
        nextFollowUpDueAt: '',
      },
    },
  );
  const messages = await deps.cols.messages.deleteMany({ userId });
  const facts = await deps.cols.facts.deleteMany({ userId });
  await deps.cols.factHeads.deleteMany({ _id: { $regex: `^${userId}\\|` } });
  const log = await deps.cols.logEntries.deleteMany({ userId });
  await deps.cols.identities.deleteMany({ userId });
  await deps.cols.outbox.deleteMany({ userId });
  await deps.users.users.updateOne({ _id: userId }, { $set: { 'counters.openFollowUps': 0 } });
  const counts = {
    messagesErased: messages.deletedCount,
    factsErased: facts.deletedCount,
    logEntriesErased: log.deletedCount,
  };
  await deps.cols.audit.insertOne({
    _id: newId('a'),
    kind: 'user_erased',
    userId,
    actor,
    reason,
    at: now,
    counts,
  });
  const after = await deps.users.findById(userId);
  if (after) {
    await deps.events.publish({
      kind: EventKind.USER_ERASED,
      userId,
      accountId: after.accountId,
      payload: { $case: 'user', user: userToProto(after) },
    });
  }
  return counts;
}
