// Live-feed events for stored changes (WatchEvents). Published after the change is stored; the
// adapter keeps what Redis refuses in an outbox, so a failing feed never fails the write.
import { EventKind } from '@ue/proto';
import type { Ports } from './ports.js';
import type { MessageRecord, UserView } from './records.js';

export async function publishUser(
  deps: Pick<Ports, 'users' | 'events'>,
  userId: string,
  record?: UserView | null,
): Promise<void> {
  const u = record ?? (await deps.users.findById(userId));
  if (u)
    await deps.events.publish({
      kind: EventKind.USER_UPDATED,
      userId,
      accountId: u.accountId,
      payload: { $case: 'user', user: u },
    });
}

export async function publishMessage(
  deps: Pick<Ports, 'messages' | 'events'>,
  kind: EventKind,
  message: MessageRecord | string,
): Promise<void> {
  const m = typeof message === 'string' ? await deps.messages.findById(message) : message;
  if (m)
    await deps.events.publish({
      kind,
      userId: m.userId,
      accountId: m.accountId,
      payload: { $case: 'message', message: m },
    });
}
