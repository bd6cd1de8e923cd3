// Test-only builders for normalized WebhookEvents (what ingest's parser produces).
import type { DeliveryStatus } from '@ue/proto';
import { MessageContent, MessageType, WebhookEvent, type UserRef } from '@ue/proto';

export const ACCOUNT = '117733559900011';
export const ACCOUNT_B = '228844661100022';

export const ref = (waId: string, bsuid = ''): UserRef => ({ waId, bsuid, parentBsuid: '' });

const base = (at: Date, accountId = ACCOUNT) => ({
  accountId,
  wabaId: '104857600112233',
  occurredAt: at,
});

export function seen(
  user: UserRef,
  name: string | undefined,
  at: Date,
  accountId = ACCOUNT,
): WebhookEvent {
  return WebhookEvent.fromPartial({
    ...base(at, accountId),
    event: { $case: 'userSeen', userSeen: { user, name } },
  });
}

export function inboundText(
  wamid: string,
  from: UserRef,
  text: string,
  at: Date,
  accountId = ACCOUNT,
): WebhookEvent {
  return WebhookEvent.fromPartial({
    ...base(at, accountId),
    event: {
      $case: 'inboundMessage',
      inboundMessage: {
        wamid,
        from,
        content: MessageContent.fromPartial({ type: MessageType.TEXT, text }),
      },
    },
  });
}

export function status(
  wamid: string,
  s: DeliveryStatus,
  at: Date,
  accountId = ACCOUNT,
): WebhookEvent {
  return WebhookEvent.fromPartial({
    ...base(at, accountId),
    event: { $case: 'status', status: { wamid, status: s } },
  });
}

export function reaction(
  wamid: string,
  from: UserRef,
  target: string,
  emoji: string,
  at: Date,
): WebhookEvent {
  return WebhookEvent.fromPartial({
    ...base(at),
    event: { $case: 'reaction', reaction: { wamid, from, targetWamid: target, emoji } },
  });
}

export function edit(
  wamid: string,
  from: UserRef,
  target: string,
  text: string,
  at: Date,
): WebhookEvent {
  return WebhookEvent.fromPartial({
    ...base(at),
    event: {
      $case: 'edit',
      edit: {
        wamid,
        from,
        targetWamid: target,
        content: MessageContent.fromPartial({ type: MessageType.TEXT, text }),
      },
    },
  });
}

export function revoke(wamid: string, from: UserRef, target: string, at: Date): WebhookEvent {
  return WebhookEvent.fromPartial({
    ...base(at),
    event: { $case: 'revoke', revoke: { wamid, from, targetWamid: target } },
  });
}

export const t = (minutes: number) => new Date(Date.UTC(2026, 10, 10, 9, 0, 0) + minutes * 60_000);
