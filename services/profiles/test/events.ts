// Test-only builders for normalized WebhookEvents (what ingest's parser produces).
import {
  ApplyWebhookEventsRequest,
  Channel,
  DeliveryStatus,
  MessageContent,
  MessageType,
  WebhookEvent,
  type ProviderError,
  type Referral,
  type UserRef,
} from '@ue/proto';

export const ACCOUNT = '117733559900011';
export const ACCOUNT_B = '228844661100022';

export const ref = (waId: string, bsuid = ''): UserRef => ({
  waId,
  bsuid,
  parentBsuid: '',
  scopedId: '',
});

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

// ---- Messenger and Instagram ------------------------------------------------------------------

/** A Facebook Page and an Instagram professional account (the accounts of those channels). */
export const PAGE = {
  accountId: '104200000000001',
  channel: Channel.MESSENGER,
  display: 'Casa Lena',
};
export const IG = {
  accountId: '178400000000002',
  channel: Channel.INSTAGRAM,
  display: '@casalena',
};

/** A user by scoped id (Messenger PSID, Instagram IGSID). */
export const scoped = (scopedId: string): UserRef => ({
  waId: '',
  bsuid: '',
  parentBsuid: '',
  scopedId,
});

/** The event as it arrives for a Page or an Instagram account (no WABA there). */
export function on(
  account: { accountId: string; channel: Channel; display?: string },
  e: WebhookEvent,
): WebhookEvent {
  return {
    ...e,
    accountId: account.accountId,
    wabaId: '',
    channel: account.channel,
    accountDisplay: account.display ?? '',
  };
}

/** The page's own message to `to` (`is_echo`); `metadata` "ue:<message id>" when we sent it. */
export function echo(
  mid: string,
  to: UserRef,
  text: string,
  at: Date,
  metadata = '',
): WebhookEvent {
  return WebhookEvent.fromPartial({
    ...base(at),
    event: {
      $case: 'inboundMessage',
      inboundMessage: {
        wamid: mid,
        from: to,
        content: MessageContent.fromPartial({ type: MessageType.TEXT, text }),
        echo: true,
        echoMetadata: metadata,
      },
    },
  });
}

/** A delivery (DELIVERED) or read (READ) receipt covering what was sent up to `mark`. */
export function watermark(
  user: UserRef,
  s: DeliveryStatus,
  mark: Date,
  at: Date = mark,
): WebhookEvent {
  return WebhookEvent.fromPartial({
    ...base(at),
    event: { $case: 'watermark', watermark: { user, status: s, watermark: mark } },
  });
}

/** A referral without a message (an m.me link, an ad, the chat plugin). */
export function referralSeen(user: UserRef, referral: Partial<Referral>, at: Date): WebhookEvent {
  return WebhookEvent.fromPartial({
    ...base(at),
    event: { $case: 'userSeen', userSeen: { user, referral } },
  });
}

/** A provider error without a message (value.errors). */
export function providerErrorEvent(errors: ProviderError[], at: Date, accountId = ACCOUNT) {
  return WebhookEvent.fromPartial({
    ...base(at, accountId),
    event: { $case: 'providerError', providerError: { errors } },
  });
}
