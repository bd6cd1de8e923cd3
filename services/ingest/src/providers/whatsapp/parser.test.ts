import { DeliveryStatus, MessageType, type WebhookEvent } from '@ue/proto';
import { fixture, fixtureNames } from '@ue/testing';
import { describe, expect, it } from 'vitest';
import { parseWhatsappDelivery, type ParsedDelivery } from './parser.js';

const RECEIVED = new Date('2026-11-05T12:30:00Z');
const text = (name: string): string => fixture(name).toString('utf8');
const tested = new Set<string>();

function parse(name: string): ParsedDelivery {
  tested.add(name);
  return parseWhatsappDelivery(text(name), RECEIVED);
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
          user: {
            waId: '4917640286153',
            bsuid: 'DE.5830194726350817264',
            parentBsuid: '',
            scopedId: '',
          },
          name: 'Björn Großkreutz',
          username: undefined,
          referral: undefined,
        },
      ],
    ]);
    const m = inbound(p);
    expect(m.wamid).toBe('wamid.HBgNNDkxNzY0MDI4NjE1MxUCABIYFDNBNjAxNTgyOUFGRkZEQjhBN0ZCAA==');
    expect(m.content).toMatchObject({
      type: MessageType.TEXT,
      text: 'Guten Tag! Wann wird mein Paket #5820 geliefert? Viele Grüße aus Düsseldorf',
    });
    expect(m.from).toEqual({
      waId: '4917640286153',
      bsuid: 'DE.5830194726350817264',
      parentBsuid: '',
      scopedId: '',
    });
    expect(m.at).toEqual(at(1793877015));
    expect(m.accountId).toBe(A);
  });

  it('text-reply-with-context: the quoted wamid, Mexican 521 wa_id kept as sent', () => {
    const m = inbound(parse('text-reply-with-context.json'));
    expect(m.from?.waId).toBe('5213316480275');
    expect(m.content?.text).toBe('Claro, ahí estaré el martes a las 16:00 🙌');
    expect(m.context).toMatchObject({
      replyToWamid: 'wamid.HBgNNTIxMzMxNjQ4MDI3NRUCABEYEkIyQjJDM0I2NDA5MkU5MzQ0QwA=',
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
      user: { waId: '', bsuid: 'BR.5092837461029384756', parentBsuid: '', scopedId: '' },
      name: 'Rafa Oliveira',
      username: '@rafa.oliv',
      referral: undefined,
    });
    const m = inbound(p);
    expect(m.from).toEqual({
      waId: '',
      bsuid: 'BR.5092837461029384756',
      parentBsuid: '',
      scopedId: '',
    });
    expect(m.content?.text).toBe('Olá! Vocês fazem entrega em Florianópolis?');
  });

  it('location-pin: older shape without BSUID; coordinates as numbers', () => {
    const p = parse('location-pin.json');
    expect(all(p, 'userSeen')[0]?.event.userSeen).toMatchObject({
      user: { waId: '353867041295', bsuid: '' },
      name: 'Siobhán Ní Dhónaill',
    });
    expect(inbound(p).content).toMatchObject({
      type: MessageType.LOCATION,
      location: { latitude: 53.2743394, longitude: -9.0514163, name: '' },
    });
  });

  it('referral-click-to-whatsapp-ad: the ad attribution travels with the message', () => {
    const m = inbound(parse('referral-click-to-whatsapp-ad.json'));
    expect(m.content?.text).toBe('Добрий день! Бачила вашу рекламу — знижка на кросівки ще діє?');
    expect(m.referral).toMatchObject({
      sourceId: '120215530981274466',
      sourceType: 'ad',
      ctwaClid: 'ARBxmcMEb7oZ9AFZ1_icq35_XopR77vgnuerkNFmPUexDUk-Tsb0lSda',
      welcomeMessageText: 'Вітаємо! Чим можемо допомогти?',
      headline: 'Напишіть нам',
      mediaType: 'video',
      videoUrl: expect.stringMatching(/^https:\/\/video\./) as string,
      thumbnailUrl: expect.stringMatching(/\.jpg$/) as string,
    });
  });

  it('wire-format-escaped-unicode: \\u escapes and \\/ decode to the real text', () => {
    const p = parse('wire-format-escaped-unicode.json');
    expect(all(p, 'userSeen')[0]?.event.userSeen.name).toBe('Øyvind Sæther');
    const m = inbound(p);
    expect(m.content).toMatchObject({
      type: MessageType.IMAGE,
      text: 'Kan jeg hente 12 skillingsboller på lørdag? 🥐🙂 Pris: 25 kr/stk',
    });
    expect(m.content?.media?.mimeType).toBe('image/jpeg');
  });
});

describe('parseWhatsappDelivery: media', () => {
  it('image-with-caption: media id, sha256, url and CJK caption', () => {
    const m = inbound(parse('image-with-caption.json'));
    expect(m.wamid).toBe('wamid.HBgMODE3MDM0NTYxMjg5FQIAEhgUM0EzN0Y4Rjk5NkQ4REU1MjczM0UA');
    expect(m.content).toMatchObject({
      type: MessageType.IMAGE,
      text: '箱がつぶれて中身が割れていました 😢📦',
    });
    expect(m.content?.media).toMatchObject({
      mediaId: '1730928465019273',
      sha256: 'J7pwP+fWHB5UDz32qVodb2vX85r6hcbH6GeQ6ChdeJM=',
    });
    expect(m.content?.media?.url).toMatch(/^https:\/\/lookaside\.fbsbx\.com\//);
  });

  it('audio-voice-note: a voice note', () => {
    const m = inbound(parse('audio-voice-note.json'));
    expect(m.content).toMatchObject({
      type: MessageType.AUDIO,
      media: { mediaId: '613870294415528', voice: true, mimeType: 'audio/ogg; codecs=opus' },
    });
  });

  it('video-with-caption: combining diacritics survive', () => {
    const m = inbound(parse('video-with-caption.json'));
    expect(m.content).toMatchObject({
      type: MessageType.VIDEO,
      text: 'Máy lọc nước kêu rất to khi khởi động, mời xem video',
      media: { mediaId: '2409817736650193' },
    });
  });

  it('document-pdf: filename, caption and a 17-digit media id as an exact string', () => {
    const m = inbound(parse('document-pdf.json'));
    expect(m.content).toMatchObject({
      type: MessageType.DOCUMENT,
      text: 'Lieferschein anbei – bei Position 2 fehlen drei Stück',
    });
    expect(m.content?.media).toMatchObject({
      mediaId: '38815270463390217',
      filename: 'Lieferschein_2026-11-04.pdf',
      mimeType: 'application/pdf',
    });
  });

  it('keeps an unquoted id above 2^53 exact too', () => {
    const body = text('document-pdf.json').replace(
      '"id": "38815270463390217"',
      '"id": 38815270463390217',
    );
    const m = inbound({ ...parseWhatsappDelivery(body, RECEIVED) });
    expect(m.content?.media?.mediaId).toBe('38815270463390217');
  });

  it('sticker-animated: animated webp sticker', () => {
    const m = inbound(parse('sticker-animated.json'));
    expect(m.content).toMatchObject({
      type: MessageType.STICKER,
      text: '',
      media: { mediaId: '880134726650918', animated: true, mimeType: 'image/webp' },
    });
  });
});

describe('parseWhatsappDelivery: structured replies', () => {
  it('contacts-vcard: cards are content, never users', () => {
    const p = parse('contacts-vcard.json');
    expect(all(p, 'userSeen').map((e) => e.event.userSeen.user?.waId)).toEqual(['919845012376']);
    const m = inbound(p);
    expect(m.content?.type).toBe(MessageType.CONTACTS);
    expect(
      m.content?.contacts.map((c) => [c.formattedName, c.phones.map((ph) => ph.waId)]),
    ).toEqual([
      ['Prof. Lakshmi Venkatesh', ['919900417263']],
      ['Anil', ['']],
    ]);
    expect(m.content?.contacts[0]).toMatchObject({
      company: 'Sri Ranga Institute',
      title: 'Professor',
      emails: [{ email: 'lakshmi.venkatesh@example.net', type: 'WORK' }],
    });
    expect(JSON.parse(m.rawJson)).toMatchObject({ type: 'contacts' });
  });

  it('interactive-button-reply: id, title and the message it answers', () => {
    const m = inbound(parse('interactive-button-reply.json'));
    expect(m.content?.interactive).toMatchObject({
      kind: 'button_reply',
      id: 'move_slot_yes',
      title: 'Sí, otro día',
    });
    expect(m.context?.replyToWamid).toBe(
      'wamid.HBgNNTIxMzMxNjQ4MDI3NRUCABEYEjU3ODUzMDgzNzFBOThENEQxRQA=',
    );
  });

  it('interactive-list-reply: the chosen row', () => {
    const m = inbound(parse('interactive-list-reply.json'));
    expect(m.content?.interactive).toMatchObject({
      kind: 'list_reply',
      id: 'slot_2026-11-14T14:30',
      title: 'Thứ Bảy 14:30',
      description: 'Cửa hàng Quận 3',
    });
  });

  it('interactive-nfm-reply-flow: response_json decoded once, flow_token extracted', () => {
    const i = inbound(parse('interactive-nfm-reply-flow.json')).content?.interactive;
    expect(i).toMatchObject({
      kind: 'nfm_reply',
      flowName: 'flow',
      flowToken: 'ft_3d9b7a41-return-survey',
    });
    expect(JSON.parse(i?.flowResponseJson ?? '')).toEqual({
      flow_token: 'ft_3d9b7a41-return-survey',
      reason: 'zu_gross',
      rating: '5',
      comment: 'Rücksendung lief reibungslos',
      contact_ok: false,
    });
  });

  it('button-template-quick-reply: text and payload of the tapped template button', () => {
    const m = inbound(parse('button-template-quick-reply.json'));
    expect(m.content).toMatchObject({
      type: MessageType.BUTTON,
      button: { text: 'Unsubscribe', payload: 'OPT_OUT_MARKETING' },
    });
    expect(m.context?.replyToWamid).toBe(
      'wamid.HBgMMzUzODY3MDQxMjk1FQIAERgSRUI0MERGNTk3RjA3MjhFQzQzAA==',
    );
  });

  it('order-catalog: items with fractional prices', () => {
    const o = inbound(parse('order-catalog.json')).content?.order;
    expect(o).toEqual({
      catalogId: '905512348876031',
      text: 'Merci de sonner deux fois, l’interphone est en panne',
      items: [
        { productRetailerId: 'SKU-BRIOCHE-6', quantity: 2, itemPrice: 7.4, currency: 'EUR' },
        { productRetailerId: 'SKU-CONF-ABRICOT', quantity: 1, itemPrice: 5.25, currency: 'EUR' },
      ],
    });
  });
});

describe('parseWhatsappDelivery: reactions, edits, revokes, system, unsupported', () => {
  const target = 'wamid.HBgMODE3MDM0NTYxMjg5FQIAERgSRjA0NjMxNDE2RUVFMzdGMzUxAA==';

  it('reaction-added: its own wamid, the target and the emoji, not an inbound message', () => {
    const p = parse('reaction-added.json');
    expect(all(p, 'inboundMessage')).toEqual([]);
    expect(all(p, 'reaction')[0]?.event.reaction).toMatchObject({
      wamid: 'wamid.HBgMODE3MDM0NTYxMjg5FQIAEhgUM0E2OTVBNzBEQzJERUY5N0VBMjAA',
      targetWamid: target,
      emoji: '❤️‍🔥',
    });
  });

  it('reaction-removed: empty emoji, and a missing emoji key, both mean removed', () => {
    expect(all(parse('reaction-removed.json'), 'reaction')[0]?.event.reaction).toMatchObject({
      targetWamid: target,
      emoji: '',
    });
    const omitted = text('reaction-removed.json').replace(/,\s*"emoji": ""/, '');
    expect(omitted).not.toContain('"emoji"');
    expect(all(parseWhatsappDelivery(omitted, RECEIVED), 'reaction')[0]?.event.reaction.emoji).toBe(
      '',
    );
  });

  it('edit-and-revoke: an edit with new content, a text, and a revoke of that text', () => {
    const p = parse('edit-and-revoke.json');
    expect(all(p, 'edit')[0]?.event.edit).toMatchObject({
      wamid: 'wamid.HBgNNTIxMzMxNjQ4MDI3NRUCABIYFDNBMjU3NTU5ODREM0ZEQkVEODdFAA==',
      targetWamid: 'wamid.HBgNNTIxMzMxNjQ4MDI3NRUCABIYFDNBMDAyODI3RDkwMjQ2QUVEOEREAA==',
      content: { type: MessageType.TEXT, text: 'Claro, ahí estaré el martes a las 16:30 🙌' },
    });
    expect(inbound(p).wamid).toBe(
      'wamid.HBgNNTIxMzMxNjQ4MDI3NRUCABIYFDNBN0YyNDJDMEQ1QTAzNjJCOTA1AA==',
    );
    expect(all(p, 'revoke')[0]?.event.revoke).toMatchObject({
      targetWamid: 'wamid.HBgNNTIxMzMxNjQ4MDI3NRUCABIYFDNBN0YyNDJDMEQ1QTAzNjJCOTA1AA==',
    });
  });

  it('system-user-changed-number: old identity → new wa_id, no contacts, no chat message', () => {
    const p = parse('system-user-changed-number.json');
    expect(all(p, 'userSeen')).toEqual([]);
    expect(all(p, 'inboundMessage')).toEqual([]);
    expect(all(p, 'numberChange')[0]?.event.numberChange).toMatchObject({
      wamid: 'wamid.HBgMOTE5ODQ1MDEyMzc2FQIAEhgUM0E3NjhGNDkwRDk4MkNGQjA5Q0IA',
      oldUser: { waId: '919845012376' },
      newUser: { waId: '917760213984' },
      body: 'User Karthik Subramanian changed from 919845012376 to 917760213984',
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
                    from: '919845012376',
                    from_user_id: 'IN.1',
                    from_parent_user_id: 'IN.ENT.1',
                    id: 'wamid.S1',
                    timestamp: '1793879545',
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
      oldUser: { waId: '919845012376', bsuid: 'IN.1', parentBsuid: 'IN.ENT.1' },
      newUser: { waId: '919845012376', bsuid: 'IN.2', parentBsuid: 'IN.ENT.2' },
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
        details: 'Polls cannot be received through the Cloud API yet.',
        href: '',
      },
    ]);
    expect(JSON.parse(m.rawJson)).toMatchObject({ unsupported: { type: 'poll_creation' } });
  });

  it('a future message type is kept as unsupported with its name and raw JSON', () => {
    const body = text('text-basic.json')
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
    const body = text('text-basic.json')
      .replace('"type": "text"', '"type": "request_welcome"')
      .replace(/,\s*"text": \{[^}]*\}/, '');
    expect(inbound(parseWhatsappDelivery(body, RECEIVED)).content?.type).toBe(
      MessageType.REQUEST_WELCOME,
    );
  });
});

describe('parseWhatsappDelivery: statuses', () => {
  const reminder = 'wamid.HBgNNTIxMzMxNjQ4MDI3NRUCABEYEkIyQjJDM0I2NDA5MkU5MzQ0QwA=';

  it('status-sent: conversation, pricing, callback data; the contacts block is only a user sighting', () => {
    const p = parse('status-sent.json');
    expect(all(p, 'inboundMessage')).toEqual([]);
    expect(all(p, 'userSeen')[0]?.event.userSeen.name).toBe('Guadalupe Ibáñez Peña');
    const s = all(p, 'status')[0]!;
    expect(s.occurredAt).toEqual(at(1793875800));
    expect(s.event.status).toEqual({
      wamid: reminder,
      status: DeliveryStatus.SENT,
      recipient: {
        waId: '5213316480275',
        bsuid: 'MX.2047719386620514983',
        parentBsuid: '',
        scopedId: '',
      },
      errors: [],
      pricing: { billable: true, pricingModel: 'PMP', type: 'regular', category: 'utility' },
      conversationId: '4706bda4d47386631e9f7351629f02c5',
      conversationOrigin: 'utility',
      bizOpaqueCallbackData: 'case=50417;queue=billing',
    });
  });

  it('status-delivered and status-read: the later states of the same message', () => {
    const d = all(parse('status-delivered.json'), 'status')[0]!;
    expect([
      d.event.status.wamid,
      d.event.status.status,
      d.occurredAt,
      d.event.status.pricing?.category,
    ]).toEqual([reminder, DeliveryStatus.DELIVERED, at(1793875845), 'utility']);
    const r = all(parse('status-read.json'), 'status')[0]!;
    expect([
      r.event.status.wamid,
      r.event.status.status,
      r.occurredAt,
      r.event.status.pricing,
    ]).toEqual([reminder, DeliveryStatus.READ, at(1793876790), undefined]);
  });

  it('a status to a group has no user wa_id as recipient', () => {
    const body = text('status-read.json').replace(
      '"recipient_id": "5213316480275",',
      '"recipient_id": "120363025246125486", "recipient_type": "group",',
    );
    const s = all(parseWhatsappDelivery(body, RECEIVED), 'status')[0]?.event.status;
    expect(s?.recipient).toEqual({
      waId: '',
      bsuid: 'MX.2047719386620514983',
      parentBsuid: '',
      scopedId: '',
    });
  });

  it('status-failed: the provider error with its details, no BSUID', () => {
    const p = parse('status-failed.json');
    expect(all(p, 'userSeen')).toEqual([]);
    expect(all(p, 'status')[0]?.event.status).toMatchObject({
      wamid: 'wamid.HBgMMzUzODY3MDQxMjk1FQIAERgSM0I5RjZERUQxNDM4OUNBMkZEAA==',
      status: DeliveryStatus.FAILED,
      recipient: { waId: '353867041295', bsuid: '' },
      errors: [
        {
          code: 131047,
          title: 'Re-engagement message',
          message: 'Re-engagement message',
          details:
            'The customer last wrote more than 24 hours ago; only an approved template can be delivered now.',
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
      ['966503318842', 'السلام عليكم، هل يمكن تأجيل الطلب رقم ٥٧ إلى الأسبوع القادم؟'],
      ['886912470385', '請問星期日有營業嗎？幾點關門？'],
      ['966503318842', 'جزاكم الله خيراً 🌷'],
    ]);
    const seen = all(p, 'userSeen').map((e) => [
      e.event.userSeen.user?.waId,
      e.event.userSeen.name,
      e.occurredAt,
    ]);
    expect(seen).toEqual([
      ['966503318842', 'نورة القحطاني', at(1793880263)],
      ['886912470385', undefined, at(1793880246)],
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
      [A, '104857600112233', MessageType.TEXT, '4917640286153'],
      [B, '209876543210987', MessageType.AUDIO, '4917640286153'],
    ]);
    expect(inbound(p, 1).content?.media?.voice).toBe(false);
    expect(
      all(p, 'status').map((e) => [
        e.accountId,
        e.event.status.status,
        e.event.status.recipient?.waId,
      ]),
    ).toEqual([
      [A, DeliveryStatus.DELIVERED, '4917640286153'],
      [A, DeliveryStatus.READ, '33745812093'],
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
      unsupported: [],
      problems: [],
    });
  });

  it('reports what it cannot read instead of throwing', () => {
    expect(parseWhatsappDelivery('{"object":"whatsapp', RECEIVED).problems).toEqual([
      'body is not JSON',
    ]);
    expect(parseWhatsappDelivery('[1,2]', RECEIVED).problems).toHaveLength(1);
    const noId = text('text-basic.json').replace(/"id": "wamid[^"]*",/, '');
    const p = parseWhatsappDelivery(noId, RECEIVED);
    expect(p.problems).toEqual([
      'entry[0].changes[0].value.messages[0]: message without id or type',
    ]);
    expect(all(p, 'userSeen')).toHaveLength(1);
  });
});

describe('fixture coverage', () => {
  it('every fixture parses cleanly into events and has a test above', () => {
    const names = fixtureNames();
    expect(names.length).toBeGreaterThanOrEqual(30);
    for (const name of names) {
      const p = parseWhatsappDelivery(text(name), RECEIVED);
      expect({
        name,
        problems: p.problems,
        unknown: p.unknownTypes,
        unsupported: p.unsupported,
      }).toEqual({ name, problems: [], unknown: [], unsupported: [] });
      expect(p.events.length, name).toBeGreaterThan(0);
    }
    expect([...tested].sort()).toEqual(names);
  });
});
