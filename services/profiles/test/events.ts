// Test-only builders for normalized WebhookEvents (what ingest's parser produces).
import {
  ApplyWebhookEventsRequest,
  DeliveryStatus,
  MessageContent,
  MessageType,
  WebhookEvent,
  type ProviderError,
  type UserRef,
} from '@ue/proto';

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

/** An inbound media message (image, audio, …) naming the provider's media id. */
export function inboundMedia(
  wamid: string,
  from: UserRef,
  m: { type: MessageType; mediaId: string; mimeType: string; filename?: string; caption?: string },
  at: Date,
): WebhookEvent {
  const { type, caption, ...media } = m;
  return WebhookEvent.fromPartial({
    ...base(at),
    event: {
      $case: 'inboundMessage',
      inboundMessage: {
        wamid,
        from,
        content: MessageContent.fromPartial({ type, text: caption ?? '', media }),
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

/** A status FAILED with the provider's errors. */
export function failed(wamid: string, at: Date, errors: ProviderError[]): WebhookEvent {
  return WebhookEvent.fromPartial({
    ...base(at),
    event: { $case: 'status', status: { wamid, status: DeliveryStatus.FAILED, errors } },
  });
}

export const providerError = (code: number, title: string): ProviderError => ({
  code,
  title,
  message: title,
  details: '',
  href: '',
});

/** The user moved to another number (system message "user_changed_number"). */
export function numberChange(
  wamid: string,
  oldUser: UserRef,
  newUser: UserRef,
  at: Date,
): WebhookEvent {
  return WebhookEvent.fromPartial({
    ...base(at),
    event: { $case: 'numberChange', numberChange: { wamid, oldUser, newUser, body: 'changed' } },
  });
}

/** Ingest's sender reports the outcome of a SendMessage job. */
export function sendResult(
  messageId: string,
  r: { wamid?: string; errors?: ProviderError[] },
  at: Date,
): WebhookEvent {
  return WebhookEvent.fromPartial({
    ...base(at),
    event: { $case: 'sendResult', sendResult: { messageId, ...r } },
  });
}

/** An ApplyWebhookEvents request without raw deliveries. */
export const batch = (...events: WebhookEvent[]): ApplyWebhookEventsRequest =>
  ApplyWebhookEventsRequest.fromPartial({ events });

export const t = (minutes: number) => new Date(Date.UTC(2026, 10, 10, 9, 0, 0) + minutes * 60_000);
