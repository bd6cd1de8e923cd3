// Test-only: turn the WhatsApp fixture bodies of @ue/testing into the normalized events a correct
// parser (ingest's job in production) would produce. Deliberately small; follows the fixtures'
// README (packages/testing/fixtures/whatsapp/README.md).
import { createHash } from 'node:crypto';
import {
  DeliveryStatus,
  MessageContent,
  MessageType,
  WebhookEvent,
  type ProviderError,
  type RawDelivery,
  type UserRef,
} from '@ue/proto';
import { fixture } from '@ue/testing';

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call */

export { fixtureNames } from '@ue/testing';

export interface FixtureBatch {
  name: string;
  events: WebhookEvent[];
  delivery: RawDelivery;
}

const STATUS: Record<string, DeliveryStatus> = {
  sent: DeliveryStatus.SENT,
  delivered: DeliveryStatus.DELIVERED,
  read: DeliveryStatus.READ,
  played: DeliveryStatus.PLAYED,
  failed: DeliveryStatus.FAILED,
};
const MEDIA: Record<string, MessageType> = {
  image: MessageType.IMAGE,
  audio: MessageType.AUDIO,
  video: MessageType.VIDEO,
  document: MessageType.DOCUMENT,
  sticker: MessageType.STICKER,
};

const time = (ts: string | undefined) => new Date(Number(ts ?? 0) * 1000);
const errorsOf = (errs: any[] | undefined): ProviderError[] =>
  (errs ?? []).map((e) => ({
    code: e.code ?? 0,
    title: e.title ?? '',
    message: e.message ?? '',
    details: e.error_data?.details ?? '',
    href: e.href ?? '',
  }));

function contentOf(m: any): MessageContent {
  const type = m.type as string;
  if (type === 'text')
    return MessageContent.fromPartial({ type: MessageType.TEXT, text: m.text?.body ?? '' });
  if (MEDIA[type]) {
    const x = m[type] ?? {};
    return MessageContent.fromPartial({
      type: MEDIA[type],
      text: x.caption ?? '',
      media: {
        mediaId: String(x.id ?? ''),
        mimeType: x.mime_type ?? '',
        sha256: x.sha256 ?? '',
        filename: x.filename ?? '',
        url: x.url ?? '',
        voice: !!x.voice,
        animated: !!x.animated,
      },
    });
  }
  if (type === 'location') {
    const l = m.location;
    return MessageContent.fromPartial({
      type: MessageType.LOCATION,
      location: {
        latitude: l.latitude,
        longitude: l.longitude,
        name: l.name ?? '',
        address: l.address ?? '',
        url: l.url ?? '',
      },
    });
  }
  if (type === 'contacts') {
    return MessageContent.fromPartial({
      type: MessageType.CONTACTS,
      contacts: (m.contacts ?? []).map((c: any) => ({
        formattedName: c.name?.formatted_name ?? '',
        firstName: c.name?.first_name ?? '',
        lastName: c.name?.last_name ?? '',
        phones: (c.phones ?? []).map((p: any) => ({
          phone: p.phone ?? '',
          waId: p.wa_id ?? '',
          type: p.type ?? '',
        })),
        emails: (c.emails ?? []).map((e: any) => ({ email: e.email ?? '', type: e.type ?? '' })),
        company: c.org?.company ?? '',
        title: c.org?.title ?? '',
      })),
    });
  }
  if (type === 'interactive') {
    const i = m.interactive;
    const r = i[i.type] ?? {};
    const flow =
      i.type === 'nfm_reply'
        ? (JSON.parse(r.response_json ?? '{}') as Record<string, unknown>)
        : {};
    return MessageContent.fromPartial({
      type: MessageType.INTERACTIVE,
      interactive: {
        kind: i.type,
        id: r.id ?? '',
        title: r.title ?? '',
        description: r.description ?? '',
        flowName: r.name ?? '',
        flowResponseJson: r.response_json ?? '',
        flowToken: typeof flow.flow_token === 'string' ? flow.flow_token : '',
      },
    });
  }
  if (type === 'button')
    return MessageContent.fromPartial({
      type: MessageType.BUTTON,
      button: { text: m.button.text, payload: m.button.payload },
    });
  if (type === 'order') {
    const o = m.order;
    return MessageContent.fromPartial({
      type: MessageType.ORDER,
      order: {
        catalogId: o.catalog_id,
        text: o.text ?? '',
        items: o.product_items.map((p: any) => ({
          productRetailerId: p.product_retailer_id,
          quantity: p.quantity,
          itemPrice: p.item_price,
          currency: p.currency,
        })),
      },
    });
  }
  return MessageContent.fromPartial({
    type: MessageType.UNSUPPORTED,
    unsupportedType: m.unsupported?.type ?? type,
  });
}

function messageEvent(m: any, from: UserRef, base: Partial<WebhookEvent>): WebhookEvent {
  const b = { ...base, occurredAt: time(m.timestamp) };
  switch (m.type) {
    case 'reaction':
      return WebhookEvent.fromPartial({
        ...b,
        event: {
          $case: 'reaction',
          reaction: {
            wamid: m.id,
            from,
            targetWamid: m.reaction.message_id,
            emoji: m.reaction.emoji ?? '',
          },
        },
      });
    case 'edit':
      return WebhookEvent.fromPartial({
        ...b,
        event: {
          $case: 'edit',
          edit: {
            wamid: m.id,
            from,
            targetWamid: m.edit.original_message_id,
            content: contentOf(m.edit.message),
          },
        },
      });
    case 'revoke':
      return WebhookEvent.fromPartial({
        ...b,
        event: {
          $case: 'revoke',
          revoke: { wamid: m.id, from, targetWamid: m.revoke.original_message_id },
        },
      });
    case 'system':
      return WebhookEvent.fromPartial({
        ...b,
        event: {
          $case: 'numberChange',
          numberChange: {
            wamid: m.id,
            oldUser: from,
            newUser: { waId: m.system.wa_id ?? '', bsuid: m.system.user_id ?? '' },
            body: m.system.body ?? '',
          },
        },
      });
    default: {
      const c = m.context;
      const r = m.referral;
      const known =
        m.type in MEDIA ||
        ['text', 'location', 'contacts', 'interactive', 'button', 'order'].includes(m.type);
      return WebhookEvent.fromPartial({
        ...b,
        event: {
          $case: 'inboundMessage',
          inboundMessage: {
            wamid: m.id,
            from,
            content: contentOf(m),
            errors: errorsOf(m.errors),
            rawJson: known ? '' : JSON.stringify(m),
            context: c
              ? {
                  replyToWamid: c.id ?? '',
                  forwarded: !!c.forwarded,
                  frequentlyForwarded: !!c.frequently_forwarded,
                }
              : undefined,
            referral: r
              ? {
                  sourceUrl: r.source_url ?? '',
                  sourceId: r.source_id ?? '',
                  sourceType: r.source_type ?? '',
                  headline: r.headline ?? '',
                  body: r.body ?? '',
                  mediaType: r.media_type ?? '',
                  imageUrl: r.image_url ?? '',
                  videoUrl: r.video_url ?? '',
                  thumbnailUrl: r.thumbnail_url ?? '',
                  ctwaClid: r.ctwa_clid ?? '',
                  welcomeMessageText: r.welcome_message?.text ?? '',
                }
              : undefined,
          },
        },
      });
    }
  }
}

function valueEvents(v: any, wabaId: string): WebhookEvent[] {
  const base = { accountId: v.metadata.phone_number_id, wabaId };
  const out: WebhookEvent[] = [];
  const messages: any[] = v.messages ?? [];
  for (const c of v.contacts ?? []) {
    const first = messages.find(
      (m) => (m.from && m.from === c.wa_id) || (m.from_user_id && m.from_user_id === c.user_id),
    );
    if (!first) continue; // contacts on status webhooks are not senders
    out.push(
      WebhookEvent.fromPartial({
        ...base,
        occurredAt: time(first.timestamp),
        event: {
          $case: 'userSeen',
          userSeen: {
            user: { waId: c.wa_id ?? '', bsuid: c.user_id ?? '' },
            name: c.profile?.name,
            username: c.profile?.username,
          },
        },
      }),
    );
  }
  for (const m of messages)
    out.push(
      messageEvent(
        m,
        { waId: m.from ?? '', bsuid: m.from_user_id ?? '', parentBsuid: '', scopedId: '' },
        base,
      ),
    );
  for (const s of v.statuses ?? []) {
    out.push(
      WebhookEvent.fromPartial({
        ...base,
        occurredAt: time(s.timestamp),
        event: {
          $case: 'status',
          status: {
            wamid: s.id,
            status: STATUS[s.status] ?? DeliveryStatus.UNSPECIFIED,
            recipient: { waId: s.recipient_id ?? '', bsuid: s.recipient_user_id ?? '' },
            errors: errorsOf(s.errors),
            pricing: s.pricing
              ? {
                  billable: !!s.pricing.billable,
                  pricingModel: s.pricing.pricing_model ?? '',
                  type: s.pricing.type ?? '',
                  category: s.pricing.category ?? '',
                }
              : undefined,
            conversationId: s.conversation?.id ?? '',
            bizOpaqueCallbackData: s.biz_opaque_callback_data ?? '',
          },
        },
      }),
    );
  }
  if (v.errors)
    out.push(
      WebhookEvent.fromPartial({
        ...base,
        occurredAt: new Date(0),
        event: { $case: 'providerError', providerError: { errors: errorsOf(v.errors) } },
      }),
    );
  return out;
}

export function loadFixture(name: string): FixtureBatch {
  const body = fixture(name);
  const json = JSON.parse(body.toString('utf8'));
  const events = (json.entry as any[]).flatMap((e) =>
    (e.changes as any[]).flatMap((c) => valueEvents(c.value, e.id)),
  );
  const delivery = {
    sha256: createHash('sha256').update(body).digest('hex'),
    body,
    receivedAt: new Date(),
    provider: 'whatsapp',
  };
  return { name, events, delivery };
}
