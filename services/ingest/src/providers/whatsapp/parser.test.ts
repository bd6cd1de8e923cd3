import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DeliveryStatus, MessageType, type WebhookEvent } from '@ue/proto';
import { describe, expect, it } from 'vitest';
import { parseWhatsappDelivery, type ParsedDelivery } from './parser.js';

const FIXTURES = fileURLToPath(
  new URL('../../../../../../shared/fixtures/whatsapp/', import.meta.url),
);
const RECEIVED = new Date('2026-11-10T12:00:00Z');
const tested = new Set<string>();

function parse(name: string): ParsedDelivery {
  tested.add(name);
  return parseWhatsappDelivery(readFileSync(FIXTURES + name, 'utf8'), RECEIVED);
}

type Case = NonNullable<WebhookEvent['event']>['$case'];
type Of<C extends Case> = Extract<NonNullable<WebhookEvent['event']>, { $case: C }>;

function all<C extends Case>(p: ParsedDelivery, c: C): Array<WebhookEvent & { event: Of<C> }> {
  return p.events.filter((e): e is WebhookEvent & { event: Of<C> } => e.event?.$case === c);
}

function inbound(p: ParsedDelivery, i = 0) {
  const e = all(p, 'inboundMessage')[i];
  if (!e) throw new Error(`no inbound message #${i}`);
  return { ...e.event.inboundMessage, accountId: e.accountId, wabaId: e.wabaId, at: e.occurredAt };
}

const at = (unix: number) => new Date(unix * 1000);
const A = '117733559900011';
const B = '228844661100022';

describe('parseWhatsappDelivery: text and identity', () => {
  it('text-basic: the user (with BSUID) and their text, on number A', () => {
    const p = parse('text-basic.json');
    expect(p.problems).toEqual([]);
    expect(all(p, 'userSeen').map((e) => [e.accountId, e.wabaId, e.event.userSeen])).toEqual([
      [
        A,
        '104857600112233',
        {
          user: { waId: '4915112345678', bsuid: 'DE.7120934857612093485', parentBsuid: '' },
          name: 'Jürgen Weiß',
          username: undefined,
        },
      ],
    ]);
    const m = inbound(p);
    expect(m.wamid).toBe('wamid.HBgNNDkxNTExMjM0NTY3OBUCABIYFDNBQUVGRERGRkUwNjhFQ0ZFODVBAA==');
    expect(m.content).toMatchObject({
      type: MessageType.TEXT,
      text: 'Hallo! Ist meine Bestellung #4711 schon unterwegs? Grüße aus Köln',
    });
    expect(m.from).toEqual({
      waId: '4915112345678',
      bsuid: 'DE.7120934857612093485',
      parentBsuid: '',
    });
    expect(m.at).toEqual(at(1794301200));
    expect(m.accountId).toBe(A);
  });

  it('text-reply-with-context: the quoted wamid, Mexican 521 wa_id kept as sent', () => {
    const m = inbound(parse('text-reply-with-context.json'));
    expect(m.from?.waId).toBe('5215512345678');
    expect(m.content?.text).toBe('Sí, confirmo la cita del jueves a las 10:30 👍');
    expect(m.context).toMatchObject({
      replyToWamid: 'wamid.HBgNNTIxNTUxMjM0NTY3OBUCABEYEjJEOEFFMkM2NEU1REVGRDgxQQA=',
      forwarded: false,
    });
  });

  it('text-forwarded: two messages, forwarded and frequently forwarded, no quoted id', () => {
    const p = parse('text-forwarded.json');
    expect(all(p, 'inboundMessage')).toHaveLength(2);
    expect(inbound(p, 0).context).toMatchObject({
      forwarded: true,
      frequentlyForwarded: false,
      replyToWamid: '',
    });
    expect(inbound(p, 1).context).toMatchObject({
      forwarded: false,
      frequentlyForwarded: true,
      replyToWamid: '',
    });
    expect(all(p, 'userSeen')).toHaveLength(1);
  });

  it('text-bsuid-username-no-phone: a user known only by BSUID, with username', () => {
    const p = parse('text-bsuid-username-no-phone.json');
    expect(all(p, 'userSeen')[0]?.event.userSeen).toEqual({
      user: { waId: '', bsuid: 'BR.8734521098765432101', parentBsuid: '' },
      name: 'Lucas M.',
      username: '@lucas.m',
    });
    const m = inbound(p);
    expect(m.from).toEqual({ waId: '', bsuid: 'BR.8734521098765432101', parentBsuid: '' });
    expect(m.content?.text).toBe('Oi! Vocês entregam em Curitiba?');
  });

  it('location-pin: older shape without BSUID; coordinates as numbers', () => {
    const p = parse('location-pin.json');
    expect(all(p, 'userSeen')[0]?.event.userSeen).toMatchObject({
      user: { waId: '353871234567', bsuid: '' },
      name: 'Tomás Ó Briain',
    });
    expect(inbound(p).content).toMatchObject({
      type: MessageType.LOCATION,
      location: { latitude: 53.3438053, longitude: -6.2545913, name: '' },
    });
  });

  it('referral-click-to-whatsapp-ad: the ad attribution travels with the message', () => {
    const m = inbound(parse('referral-click-to-whatsapp-ad.json'));
    expect(m.content?.text).toBe('Hi! I saw your ad — is the winter sale still on?');
    expect(m.referral).toMatchObject({
      sourceId: '120244556677889900',
      sourceType: 'ad',
      ctwaClid: 'ARAkLmX7c2VjcmV0LWNsaWNrLWlkLWZvci1hdHRyaWJ1dGlvbi0yMDI2',
      welcomeMessageText: 'Hi there! How can we help you today?',
      headline: 'Chat with us',
    });
  });

  it('wire-format-escaped-unicode: \\u escapes and \\/ decode to the real text', () => {
    const p = parse('wire-format-escaped-unicode.json');
    expect(all(p, 'userSeen')[0]?.event.userSeen.name).toBe('Zoë Ångström');
    const m = inbound(p);
    expect(m.content).toMatchObject({
      type: MessageType.IMAGE,
      text: 'Smörgåstårta för 12 personer? 🎂 Pris: 450 kr/st',
    });
    expect(m.content?.media?.mimeType).toBe('image/jpeg');
  });
});

describe('parseWhatsappDelivery: media', () => {
  it('image-with-caption: media id, sha256, url and CJK caption', () => {
    const m = inbound(parse('image-with-caption.json'));
    expect(m.wamid).toBe('wamid.HBgMODE5MDEyMzQ1Njc4FQIAEhgUM0FFRjg4MEZFNkRGOTM4MDA2ODUA');
    expect(m.content).toMatchObject({
      type: MessageType.IMAGE,
      text: '届いた商品が破損していました 📦💔',
    });
    expect(m.content?.media).toMatchObject({
      mediaId: '1284467093355120',
      sha256: 'cjEkiGdrox3j0Sk1VkZ57HT0cX8PY19taLbX8bqI6hE=',
    });
    expect(m.content?.media?.url).toMatch(/^https:\/\/lookaside\.fbsbx\.com\//);
  });

  it('audio-voice-note: a voice note', () => {
    const m = inbound(parse('audio-voice-note.json'));
    expect(m.content).toMatchObject({
      type: MessageType.AUDIO,
      media: { mediaId: '904415582273301', voice: true, mimeType: 'audio/ogg; codecs=opus' },
    });
  });

  it('video-with-caption: combining diacritics survive', () => {
    const m = inbound(parse('video-with-caption.json'));
    expect(m.content).toMatchObject({
      type: MessageType.VIDEO,
      text: 'Video hướng dẫn lắp ráp bị lỗi ở bước 3',
      media: { mediaId: '3319025576401982' },
    });
  });

  it('document-pdf: filename, caption and a 17-digit media id as an exact string', () => {
    const m = inbound(parse('document-pdf.json'));
    expect(m.content).toMatchObject({
      type: MessageType.DOCUMENT,
      text: 'Rechnung anbei – bitte prüfen',
    });
    expect(m.content?.media).toMatchObject({
      mediaId: '27251809591113344',
      filename: 'Rechnung_2026-11-03.pdf',
      mimeType: 'application/pdf',
    });
  });

  it('keeps an unquoted id above 2^53 exact too', () => {
    const body = readFileSync(FIXTURES + 'document-pdf.json', 'utf8').replace(
      '"id": "27251809591113344"',
      '"id": 27251809591113344',
    );
    const m = inbound({ ...parseWhatsappDelivery(body, RECEIVED) });
    expect(m.content?.media?.mediaId).toBe('27251809591113344');
  });

  it('sticker-animated: animated webp sticker', () => {
    const m = inbound(parse('sticker-animated.json'));
    expect(m.content).toMatchObject({
      type: MessageType.STICKER,
      text: '',
      media: { mediaId: '771203948812334', animated: true, mimeType: 'image/webp' },
    });
  });
});

describe('parseWhatsappDelivery: structured replies', () => {
  it('contacts-vcard: cards are content, never users', () => {
    const p = parse('contacts-vcard.json');
    expect(all(p, 'userSeen').map((e) => e.event.userSeen.user?.waId)).toEqual(['919876543210']);
    const m = inbound(p);
    expect(m.content?.type).toBe(MessageType.CONTACTS);
    expect(
      m.content?.contacts.map((c) => [c.formattedName, c.phones.map((ph) => ph.waId)]),
    ).toEqual([
      ['Dr. Ananya Iyer', ['919840012345']],
      ['Rahul', ['']],
    ]);
    expect(m.content?.contacts[0]).toMatchObject({
      company: 'Lotus Clinic',
      title: 'Paediatrician',
      emails: [{ email: 'ananya.iyer@example.org', type: 'WORK' }],
    });
    expect(JSON.parse(m.rawJson)).toMatchObject({ type: 'contacts' });
  });

  it('interactive-button-reply: id, title and the message it answers', () => {
    const m = inbound(parse('interactive-button-reply.json'));
    expect(m.content?.interactive).toMatchObject({
      kind: 'button_reply',
      id: 'resched_yes',
      title: 'Sí, reprogramar',
    });
    expect(m.context?.replyToWamid).toBe(
      'wamid.HBgNNTIxNTUxMjM0NTY3OBUCABEYEkE0MzQ5NjJEMDMxRjFDRDIzRgA=',
    );
  });

  it('interactive-list-reply: the chosen row', () => {
    const m = inbound(parse('interactive-list-reply.json'));
    expect(m.content?.interactive).toMatchObject({
      kind: 'list_reply',
      id: 'slot_2026-11-12T09:00',
      title: 'Thứ Năm 09:00',
      description: 'Chi nhánh Quận 1',
    });
  });

  it('interactive-nfm-reply-flow: response_json decoded once, flow_token extracted', () => {
    const i = inbound(parse('interactive-nfm-reply-flow.json')).content?.interactive;
    expect(i).toMatchObject({
      kind: 'nfm_reply',
      flowName: 'flow',
      flowToken: 'ft_8c1e2f0a-delivery-feedback',
    });
    expect(JSON.parse(i?.flowResponseJson ?? '')).toEqual({
      flow_token: 'ft_8c1e2f0a-delivery-feedback',
      rating: '4',
      comment: 'Fahrer war sehr freundlich',
      recommend: true,
    });
  });

  it('button-template-quick-reply: text and payload of the tapped template button', () => {
    const m = inbound(parse('button-template-quick-reply.json'));
    expect(m.content).toMatchObject({
      type: MessageType.BUTTON,
      button: { text: 'Stop promotions', payload: 'STOP_PROMOS' },
    });
    expect(m.context?.replyToWamid).toBe(
      'wamid.HBgMMzUzODcxMjM0NTY3FQIAERgSNzE1RjY3Qzg2REZEQTkwRTg1AA==',
    );
  });

  it('order-catalog: items with fractional prices', () => {
    const o = inbound(parse('order-catalog.json')).content?.order;
    expect(o).toEqual({
      catalogId: '774411223355668',
      text: 'Livraison avant vendredi svp',
      items: [
        { productRetailerId: 'SKU-CROISS-12', quantity: 2, itemPrice: 8.5, currency: 'EUR' },
        { productRetailerId: 'SKU-CAFE-250G', quantity: 1, itemPrice: 12.9, currency: 'EUR' },
      ],
    });
  });
});

describe('parseWhatsappDelivery: reactions, edits, revokes, system, unsupported', () => {
  const target = 'wamid.HBgMODE5MDEyMzQ1Njc4FQIAERgSQTYwQjM0Q0ZEOTYzNTNGNEM4AA==';

  it('reaction-added: its own wamid, the target and the emoji, not an inbound message', () => {
    const p = parse('reaction-added.json');
    expect(all(p, 'inboundMessage')).toEqual([]);
    expect(all(p, 'reaction')[0]?.event.reaction).toMatchObject({
      wamid: 'wamid.HBgMODE5MDEyMzQ1Njc4FQIAEhgUM0E5NTY3RkUzOUM5OTFCMjY2NTEA',
      targetWamid: target,
      emoji: '❤️',
    });
  });

  it('reaction-removed: empty emoji, and a missing emoji key, both mean removed', () => {
    expect(all(parse('reaction-removed.json'), 'reaction')[0]?.event.reaction).toMatchObject({
      targetWamid: target,
      emoji: '',
    });
    const omitted = readFileSync(FIXTURES + 'reaction-removed.json', 'utf8').replace(
      /,\s*"emoji": ""/,
      '',
    );
    expect(omitted).not.toContain('"emoji"');
    expect(all(parseWhatsappDelivery(omitted, RECEIVED), 'reaction')[0]?.event.reaction.emoji).toBe(
      '',
    );
  });

  it('edit-and-revoke: an edit with new content, a text, and a revoke of that text', () => {
    const p = parse('edit-and-revoke.json');
    expect(all(p, 'edit')[0]?.event.edit).toMatchObject({
      wamid: 'wamid.HBgNNTIxNTUxMjM0NTY3OBUCABIYFDNBNTYyNUIxRTNFNDZGQjkyOEZBAA==',
      targetWamid: 'wamid.HBgNNTIxNTUxMjM0NTY3OBUCABIYFDNBRjc1NjU3ODQxOTZDM0VCNzdEAA==',
      content: { type: MessageType.TEXT, text: 'Sí, confirmo la cita del jueves a las 11:00 👍' },
    });
    expect(inbound(p).wamid).toBe(
      'wamid.HBgNNTIxNTUxMjM0NTY3OBUCABIYFDNBMTQ0RUYwMUNDOTcyOUM4OTgzAA==',
    );
    expect(all(p, 'revoke')[0]?.event.revoke).toMatchObject({
      targetWamid: 'wamid.HBgNNTIxNTUxMjM0NTY3OBUCABIYFDNBMTQ0RUYwMUNDOTcyOUM4OTgzAA==',
    });
  });

  it('system-user-changed-number: old identity → new wa_id, no contacts, no chat message', () => {
    const p = parse('system-user-changed-number.json');
    expect(all(p, 'userSeen')).toEqual([]);
    expect(all(p, 'inboundMessage')).toEqual([]);
    expect(all(p, 'numberChange')[0]?.event.numberChange).toMatchObject({
      wamid: 'wamid.HBgMOTE5ODc2NTQzMjEwFQIAEhgUM0E1OUNDRjM5NjFGNTRBNTU1NUQA',
      oldUser: { waId: '919876543210' },
      newUser: { waId: '919812345670' },
      body: 'User Priya Raghunathan changed from 919876543210 to 919812345670',
    });
  });

  it('user_changed_user_id (BSUID era): same number, new BSUIDs', () => {
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'w',
          changes: [
            {
              field: 'messages',
              value: {
                metadata: { phone_number_id: A },
                messages: [
                  {
                    from: '919876543210',
                    from_user_id: 'IN.1',
                    from_parent_user_id: 'IN.ENT.1',
                    id: 'wamid.S1',
                    timestamp: '1794303120',
                    type: 'system',
                    system: {
                      type: 'user_changed_user_id',
                      body: 'changed',
                      user_id: 'IN.2',
                      parent_user_id: 'IN.ENT.2',
                    },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    expect(
      all(parseWhatsappDelivery(body, RECEIVED), 'numberChange')[0]?.event.numberChange,
    ).toMatchObject({
      oldUser: { waId: '919876543210', bsuid: 'IN.1', parentBsuid: 'IN.ENT.1' },
      newUser: { waId: '919876543210', bsuid: 'IN.2', parentBsuid: 'IN.ENT.2' },
    });
  });

  it('unsupported-message: a placeholder with the unsupported type, errors and raw JSON', () => {
    const m = inbound(parse('unsupported-message.json'));
    expect(m.content).toMatchObject({
      type: MessageType.UNSUPPORTED,
      unsupportedType: 'poll_creation',
    });
    expect(m.errors).toEqual([
      {
        code: 131051,
        title: 'Message type unknown',
        message: 'Message type unknown',
        details: 'The user sent a message type that Cloud API does not deliver.',
        href: '',
      },
    ]);
    expect(JSON.parse(m.rawJson)).toMatchObject({ unsupported: { type: 'poll_creation' } });
  });

  it('a future message type is kept as unsupported with its name and raw JSON', () => {
    const body = readFileSync(FIXTURES + 'text-basic.json', 'utf8')
      .replace('"type": "text"', '"type": "hologram"')
      .replace('"text": {', '"hologram": {');
    const p = parseWhatsappDelivery(body, RECEIVED);
    expect(p.unknownTypes).toEqual(['hologram']);
    const m = inbound(p);
    expect(m.content).toMatchObject({ type: MessageType.UNSUPPORTED, unsupportedType: 'hologram' });
    expect(JSON.parse(m.rawJson)).toMatchObject({
      type: 'hologram',
      hologram: { body: expect.any(String) as string },
    });
  });

  it('request_welcome: the user opened the chat', () => {
    const body = readFileSync(FIXTURES + 'text-basic.json', 'utf8')
      .replace('"type": "text"', '"type": "request_welcome"')
      .replace(/,\s*"text": \{[^}]*\}/, '');
    expect(inbound(parseWhatsappDelivery(body, RECEIVED)).content?.type).toBe(
      MessageType.REQUEST_WELCOME,
    );
  });
});

describe('parseWhatsappDelivery: statuses', () => {
  const maria = 'wamid.HBgNNTIxNTUxMjM0NTY3OBUCABEYEjJEOEFFMkM2NEU1REVGRDgxQQA=';

  it('status-sent: conversation, pricing, callback data; the contacts block is only a user sighting', () => {
    const p = parse('status-sent.json');
    expect(all(p, 'inboundMessage')).toEqual([]);
    expect(all(p, 'userSeen')[0]?.event.userSeen.name).toBe('María José Núñez');
    const s = all(p, 'status')[0]!;
    expect(s.occurredAt).toEqual(at(1794300600));
    expect(s.event.status).toEqual({
      wamid: maria,
      status: DeliveryStatus.SENT,
      recipient: { waId: '5215512345678', bsuid: 'MX.5509133777812044110', parentBsuid: '' },
      errors: [],
      pricing: { billable: true, pricingModel: 'PMP', type: 'regular', category: 'utility' },
      conversationId: '05aaa78df673199f5a9454f3aad741bb',
      conversationOrigin: 'utility',
      bizOpaqueCallbackData: 'ticket=88231;agent=42',
    });
  });

  it('status-delivered and status-read: the later states of the same message', () => {
    const d = all(parse('status-delivered.json'), 'status')[0]!;
    expect([
      d.event.status.wamid,
      d.event.status.status,
      d.occurredAt,
      d.event.status.pricing?.category,
    ]).toEqual([maria, DeliveryStatus.DELIVERED, at(1794300660), 'utility']);
    const r = all(parse('status-read.json'), 'status')[0]!;
    expect([
      r.event.status.wamid,
      r.event.status.status,
      r.occurredAt,
      r.event.status.pricing,
    ]).toEqual([maria, DeliveryStatus.READ, at(1794301170), undefined]);
  });

  it('a status to a group has no user wa_id as recipient', () => {
    const body = readFileSync(FIXTURES + 'status-read.json', 'utf8').replace(
      '"recipient_id": "5215512345678",',
      '"recipient_id": "120363025246125486", "recipient_type": "group",',
    );
    const s = all(parseWhatsappDelivery(body, RECEIVED), 'status')[0]?.event.status;
    expect(s?.recipient).toEqual({ waId: '', bsuid: 'MX.5509133777812044110', parentBsuid: '' });
  });

  it('status-failed: the provider error with its details, no BSUID', () => {
    const p = parse('status-failed.json');
    expect(all(p, 'userSeen')).toEqual([]);
    expect(all(p, 'status')[0]?.event.status).toMatchObject({
      wamid: 'wamid.HBgMMzUzODcxMjM0NTY3FQIAERgSQ0IzNjMxMzk1MDZBMjkwNEI0AA==',
      status: DeliveryStatus.FAILED,
      recipient: { waId: '353871234567', bsuid: '' },
      errors: [
        {
          code: 131047,
          title: 'Re-engagement message',
          message: 'Re-engagement message',
          details:
            'More than 24 hours have passed since the recipient last replied, so only a template can be sent.',
          href: 'https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes',
        },
      ],
    });
  });
});

describe('parseWhatsappDelivery: batches and envelope', () => {
  it('batch-3-messages-2-contacts: senders joined by wa_id, not by position; a nameless contact stays nameless', () => {
    const p = parse('batch-3-messages-2-contacts.json');
    const msgs = all(p, 'inboundMessage').map((e) => [
      e.event.inboundMessage.from?.waId,
      e.event.inboundMessage.content?.text,
    ]);
    expect(msgs).toEqual([
      ['971501234567', 'مرحباً، أريد تغيير عنوان التوصيل إلى دبي مارينا، البرج ٣'],
      ['447700900123', '请问你们周末营业吗？营业时间是几点？'],
      ['971501234567', 'شكراً جزيلاً 🌹'],
    ]);
    const seen = all(p, 'userSeen').map((e) => [
      e.event.userSeen.user?.waId,
      e.event.userSeen.name,
      e.occurredAt,
    ]);
    expect(seen).toEqual([
      ['971501234567', 'فاطمة الزهراء', at(1794303731)],
      ['447700900123', undefined, at(1794303722)],
    ]);
  });

  it('batch-multi-entry-multi-number: account and WABA per change; same customer on two numbers', () => {
    const p = parse('batch-multi-entry-multi-number.json');
    expect(
      all(p, 'inboundMessage').map((e) => [
        e.accountId,
        e.wabaId,
        e.event.inboundMessage.content?.type,
        e.event.inboundMessage.from?.waId,
      ]),
    ).toEqual([
      [A, '104857600112233', MessageType.TEXT, '4915112345678'],
      [B, '209876543210987', MessageType.AUDIO, '4915112345678'],
    ]);
    expect(inbound(p, 1).content?.media?.voice).toBe(false);
    expect(
      all(p, 'status').map((e) => [
        e.accountId,
        e.event.status.status,
        e.event.status.recipient?.waId,
      ]),
    ).toEqual([
      [A, DeliveryStatus.DELIVERED, '4915112345678'],
      [A, DeliveryStatus.READ, '33612345678'],
    ]);
    expect(all(p, 'userSeen').map((e) => e.accountId)).toEqual([A, B]);
  });

  it('errors-value-level: one provider error event for the number, nothing user-facing', () => {
    const p = parse('errors-value-level.json');
    expect(p.events.map((e) => e.event?.$case)).toEqual(['providerError']);
    expect(p.events[0]?.accountId).toBe(A);
    expect(p.events[0]?.occurredAt).toEqual(RECEIVED);
    expect(all(p, 'providerError')[0]?.event.providerError.errors[0]).toMatchObject({
      code: 131000,
      title: 'Something went wrong',
    });
  });

  it('acknowledges other webhook fields without applying them', () => {
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        { id: '1', changes: [{ field: 'account_update', value: { event: 'VERIFIED_ACCOUNT' } }] },
      ],
    });
    expect(parseWhatsappDelivery(body, RECEIVED)).toEqual({
      events: [],
      ignoredFields: ['account_update'],
      unknownTypes: [],
      problems: [],
    });
  });

  it('reports what it cannot read instead of throwing', () => {
    expect(parseWhatsappDelivery('{"object":"whatsapp', RECEIVED).problems).toEqual([
      'body is not JSON',
    ]);
    expect(parseWhatsappDelivery('[1,2]', RECEIVED).problems).toHaveLength(1);
    const noId = readFileSync(FIXTURES + 'text-basic.json', 'utf8').replace(
      /"id": "wamid[^"]*",/,
      '',
    );
    const p = parseWhatsappDelivery(noId, RECEIVED);
    expect(p.problems).toEqual([
      'entry[0].changes[0].value.messages[0]: message without id or type',
    ]);
    expect(all(p, 'userSeen')).toHaveLength(1);
  });
});

describe('fixture coverage', () => {
  it('every shared fixture parses cleanly into events and has a test above', () => {
    const names = readdirSync(FIXTURES)
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(names.length).toBeGreaterThanOrEqual(30);
    for (const name of names) {
      const p = parseWhatsappDelivery(readFileSync(FIXTURES + name, 'utf8'), RECEIVED);
      expect({ name, problems: p.problems, unknown: p.unknownTypes }).toEqual({
        name,
        problems: [],
        unknown: [],
      });
      expect(p.events.length, name).toBeGreaterThan(0);
    }
    expect([...tested].sort()).toEqual(names);
  });
});
