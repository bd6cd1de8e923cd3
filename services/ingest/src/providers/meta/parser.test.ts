import { Channel, DeliveryStatus, MessageType, type WebhookEvent } from '@ue/proto';
import { describe, expect, it } from 'vitest';
import { metaFixture, metaFixtureNames, type MetaFolder } from '../../../test/meta-fixtures.js';
import { profilesRefusal } from '../../../test/profiles-rules.js';
import type { ParsedDelivery } from '../whatsapp/delivery-scope.js';
import { parseMetaDelivery } from './parser.js';

const RECEIVED = new Date('2026-11-06T12:00:00Z');
const PAGE = '1029384756';
const IG = '17841400000000001';
const T0 = 1793955600000; // 2026-11-06T09:00:00Z, the fixtures' first item
const at = (seconds: number): Date => new Date(T0 + seconds * 1000);
const tested = new Set<string>();

function parse(folder: MetaFolder, name: string): ParsedDelivery {
  tested.add(`${folder}/${name}`);
  return parseMetaDelivery(metaFixture(folder, name), RECEIVED);
}
const messenger = (name: string) => parse('messenger', name);
const instagram = (name: string) => parse('instagram', name);

type Item = { message?: { mid: string }; postback?: { mid?: string } };
/** The mid of a fixture's messaging item (the fixtures are the source of their ids). */
function midOf(folder: MetaFolder, name: string, index = 0): string {
  const body = JSON.parse(metaFixture(folder, name).toString('utf8')) as {
    entry: Array<{ messaging: Item[] }>;
  };
  const item = body.entry[0]!.messaging[index]!;
  return item.message?.mid ?? item.postback?.mid ?? '';
}

const user = (scopedId: string) => ({ waId: '', bsuid: '', parentBsuid: '', scopedId });
const LENA = user('6500000000000001');
const JONAS = user('6500000000000002');
const SOFIA = user('7700000000000001');

/** The fields every event of a page / IG delivery has. */
const onPage = (seconds: number) => ({
  accountId: PAGE,
  wabaId: '',
  occurredAt: at(seconds),
  channel: Channel.MESSENGER,
  accountDisplay: '',
});
const onIg = (seconds: number) => ({
  ...onPage(seconds),
  accountId: IG,
  channel: Channel.INSTAGRAM,
});

/** An InboundMessageEvent with the defaults of a plain customer message. */
function inbound(o: Record<string, unknown>) {
  return {
    $case: 'inboundMessage',
    inboundMessage: {
      context: undefined,
      referral: undefined,
      errors: [],
      rawJson: '',
      echo: false,
      echoMetadata: '',
      ...o,
    },
  };
}

function content(o: Record<string, unknown>) {
  return {
    type: MessageType.TEXT,
    text: '',
    media: undefined,
    location: undefined,
    contacts: [],
    interactive: undefined,
    button: undefined,
    order: undefined,
    template: undefined,
    system: undefined,
    unsupportedType: '',
    ...o,
  };
}

function media(url: string, filename = '') {
  return {
    mediaId: '',
    mimeType: '',
    sha256: '',
    filename,
    url,
    voice: false,
    animated: false,
    stored: undefined,
  };
}

const clean = (p: ParsedDelivery) => ({
  ignoredFields: p.ignoredFields,
  unknownTypes: p.unknownTypes,
  unsupported: p.unsupported,
  problems: p.problems,
});
const CLEAN = { ignoredFields: [], unknownTypes: [], unsupported: [], problems: [] };

const firstUrl = (p: ParsedDelivery, i = 0): string => {
  const ev = p.events[i]?.event;
  return ev?.$case === 'inboundMessage' ? (ev.inboundMessage.content?.media?.url ?? '') : '';
};

describe('Messenger: text, replies, edits and deletes', () => {
  it('text-basic: a text from a PSID on the page, at its millisecond timestamp', () => {
    const p = messenger('text-basic.json');
    expect(clean(p)).toEqual(CLEAN);
    expect(p.events).toEqual([
      {
        ...onPage(0),
        event: inbound({
          wamid: midOf('messenger', 'text-basic.json'),
          from: LENA,
          content: content({
            text: 'Hallo! Habt ihr am Samstag geöffnet? Ich würde gern die Winterreifen wechseln lassen 🙂',
          }),
        }),
      },
    ]);
  });

  it('quick-reply: a button reply whose id is our payload and whose title is the text', () => {
    const p = messenger('quick-reply.json');
    expect(p.events).toEqual([
      {
        ...onPage(120),
        event: inbound({
          wamid: midOf('messenger', 'quick-reply.json'),
          from: LENA,
          content: content({
            type: MessageType.INTERACTIVE,
            text: 'Samstag 11:00',
            interactive: {
              kind: 'button_reply',
              id: 'SLOT_2026-11-07T11:00',
              title: 'Samstag 11:00',
              description: '',
              flowName: '',
              flowResponseJson: '',
              flowToken: '',
            },
          }),
        }),
      },
    ]);
  });

  it('text-reply-to: reply_to.mid becomes the quoted message', () => {
    const e = messenger('text-reply-to.json').events[0]!;
    expect(e.event).toMatchObject(
      inbound({
        wamid: midOf('messenger', 'text-reply-to.json'),
        content: content({ text: 'Perfekt, bis Samstag!' }),
        context: { replyToWamid: midOf('messenger', 'echo-with-metadata.json') },
      }),
    );
    expect(e.occurredAt).toEqual(at(180));
  });

  it('message-edit: an edit of the first text, its id <mid>:edit:<num_edit>', () => {
    const target = midOf('messenger', 'text-basic.json');
    expect(messenger('message-edit.json').events).toEqual([
      {
        ...onPage(150),
        event: {
          $case: 'edit',
          edit: {
            wamid: `${target}:edit:1`,
            from: LENA,
            targetWamid: target,
            content: content({
              text: 'Hallo! Habt ihr am Samstag geöffnet? Ich würde gern die Winterreifen wechseln und auswuchten lassen 🙂',
            }),
          },
        },
      },
    ]);
  });

  it('message-deleted: is_deleted revokes that mid', () => {
    const target = midOf('messenger', 'text-reply-to.json');
    expect(messenger('message-deleted.json').events).toEqual([
      {
        ...onPage(200),
        event: {
          $case: 'revoke',
          revoke: { wamid: `delete:${target}`, from: LENA, targetWamid: target },
        },
      },
    ]);
  });
});

describe('Messenger: echoes and receipts', () => {
  it('echo-with-metadata: the page’s message, to the recipient, with its metadata as sent', () => {
    expect(messenger('echo-with-metadata.json').events).toEqual([
      {
        ...onPage(60),
        event: inbound({
          wamid: midOf('messenger', 'echo-with-metadata.json'),
          from: LENA,
          content: content({
            text: 'Ja, samstags von 9 bis 14 Uhr. Soll ich Ihnen einen Termin reservieren?',
          }),
          echo: true,
          echoMetadata: 'crm:ticket=50417;agent=jan',
        }),
      },
    ]);
  });

  it('echo-without-metadata: a reply written in the page inbox, no metadata', () => {
    const [e] = messenger('echo-without-metadata.json').events;
    expect(e).toMatchObject({
      ...onPage(300),
      event: inbound({ from: LENA, echo: true, echoMetadata: '' }),
    });
  });

  it('delivery-with-mids: a delivered watermark and a status per listed mid', () => {
    expect(messenger('delivery-with-mids.json').events).toEqual([
      {
        ...onPage(62),
        event: {
          $case: 'watermark',
          watermark: { user: LENA, status: DeliveryStatus.DELIVERED, watermark: at(61) },
        },
      },
      {
        ...onPage(62),
        event: {
          $case: 'status',
          status: {
            wamid: midOf('messenger', 'echo-with-metadata.json'),
            status: DeliveryStatus.DELIVERED,
            recipient: LENA,
            errors: [],
            pricing: undefined,
            conversationId: '',
            conversationOrigin: '',
            bizOpaqueCallbackData: '',
          },
        },
      },
    ]);
  });

  it('delivery-watermark-only and read-watermark: watermarks, nothing by id', () => {
    expect(messenger('delivery-watermark-only.json').events).toEqual([
      {
        ...onPage(302),
        event: {
          $case: 'watermark',
          watermark: { user: LENA, status: DeliveryStatus.DELIVERED, watermark: at(301) },
        },
      },
    ]);
    expect(messenger('read-watermark.json').events).toEqual([
      {
        ...onPage(95),
        event: {
          $case: 'watermark',
          watermark: { user: LENA, status: DeliveryStatus.READ, watermark: at(94) },
        },
      },
    ]);
  });

  it('reaction and unreaction: the same target, ids from target, user and time', () => {
    const target = midOf('messenger', 'echo-with-metadata.json');
    const reaction = (seconds: number, emoji: string) => ({
      ...onPage(seconds),
      event: {
        $case: 'reaction',
        reaction: {
          wamid: `reaction:${target}:${LENA.scopedId}:${T0 + seconds * 1000}`,
          from: LENA,
          targetWamid: target,
          emoji,
        },
      },
    });
    expect(messenger('reaction.json').events).toEqual([reaction(130, '❤️')]);
    expect(messenger('unreaction.json').events).toEqual([reaction(140, '')]);
  });
});

describe('Messenger: attachments', () => {
  it('attachment-image, -video, -audio: one media message each, url kept, no media id', () => {
    const cases = [
      ['attachment-image.json', MessageType.IMAGE, 400],
      ['attachment-video.json', MessageType.VIDEO, 410],
      ['attachment-audio.json', MessageType.AUDIO, 420],
    ] as const;
    for (const [name, type, seconds] of cases) {
      const p = messenger(name);
      expect(clean(p), name).toEqual(CLEAN);
      expect(p.events, name).toEqual([
        {
          ...onPage(seconds),
          event: inbound({
            wamid: midOf('messenger', name),
            from: JONAS,
            content: content({ type, media: media(firstUrl(p)) }),
          }),
        },
      ]);
      expect(firstUrl(p), name).toMatch(
        /^https:\/\/[a-z.]+fbcdn\.net\/|^https:\/\/cdn\.fbsbx\.com\//,
      );
    }
  });

  it('attachment-file: a document named by the last segment of its URL, decoded', () => {
    const p = messenger('attachment-file.json');
    const e = p.events[0]!.event;
    expect(e).toEqual(
      inbound({
        wamid: midOf('messenger', 'attachment-file.json'),
        from: JONAS,
        content: content({
          type: MessageType.DOCUMENT,
          media: media(firstUrl(p), 'Angebot_Küchenfront_2026.pdf'),
        }),
      }),
    );
  });

  it('attachments-several: one message per attachment, <mid>#2, #3, the text with the first', () => {
    const p = messenger('attachments-several.json');
    const mid = midOf('messenger', 'attachments-several.json');
    expect(p.events.map((e) => e.event)).toEqual([
      inbound({
        wamid: mid,
        from: JONAS,
        content: content({
          type: MessageType.IMAGE,
          text: 'Drei Fotos vom Steinschlag auf der Frontscheibe',
          media: media(firstUrl(p, 0)),
        }),
      }),
      inbound({
        wamid: `${mid}#2`,
        from: JONAS,
        content: content({ type: MessageType.IMAGE, media: media(firstUrl(p, 1)) }),
      }),
      inbound({
        wamid: `${mid}#3`,
        from: JONAS,
        content: content({ type: MessageType.IMAGE, media: media(firstUrl(p, 2)) }),
      }),
    ]);
    expect(new Set([0, 1, 2].map((i) => firstUrl(p, i))).size).toBe(3);
  });

  it('sticker-like: the like button is a sticker, its raw JSON kept for the sticker id', () => {
    const p = messenger('sticker-like.json');
    const ev = p.events[0]!.event;
    expect(ev).toMatchObject(
      inbound({
        content: content({ type: MessageType.STICKER, media: media(firstUrl(p)) }),
        rawJson: expect.any(String) as string,
      }),
    );
    const raw = ev?.$case === 'inboundMessage' ? ev.inboundMessage.rawJson : '';
    expect(JSON.parse(raw)).toMatchObject({ sticker_id: 369239263222822 });
  });

  it('attachment-location, -fallback: unsupported under Meta’s name, raw JSON, text kept', () => {
    const loc = messenger('attachment-location.json');
    const fb = messenger('attachment-fallback.json');
    expect([clean(loc), clean(fb)]).toEqual([CLEAN, CLEAN]);
    expect(loc.events[0]!.event).toMatchObject(
      inbound({
        content: content({ type: MessageType.UNSUPPORTED, unsupportedType: 'location' }),
        rawJson: expect.stringContaining('"coordinates":{"lat":52.52,"long":13.405}') as string,
      }),
    );
    expect(fb.events[0]!.event).toMatchObject(
      inbound({
        content: content({
          type: MessageType.UNSUPPORTED,
          unsupportedType: 'fallback',
          text: 'Ist das hier euer Angebot? https://example.com/angebote/winter',
        }),
        rawJson: expect.stringContaining('Winterangebote') as string,
      }),
    );
  });

  it('attachment-unknown-type: unsupported, raw JSON kept, and listed as unknown', () => {
    const p = messenger('attachment-unknown-type.json');
    expect(p.unknownTypes).toEqual(['attachment:hologram']);
    expect(p.events[0]!.event).toMatchObject(
      inbound({
        content: content({ type: MessageType.UNSUPPORTED, unsupportedType: 'hologram' }),
        rawJson: expect.stringContaining('"type":"hologram"') as string,
      }),
    );
  });
});

describe('Messenger: postbacks and referrals', () => {
  const aylin = user('6500000000000003');
  const button = (title: string, payload: string) =>
    content({ type: MessageType.BUTTON, text: title, button: { text: title, payload } });

  it('postback-with-mid: a button message under the postback’s mid', () => {
    expect(messenger('postback-with-mid.json').events).toEqual([
      {
        ...onPage(500),
        event: inbound({
          wamid: midOf('messenger', 'postback-with-mid.json'),
          from: aylin,
          content: button('Loslegen', 'GET_STARTED'),
        }),
      },
    ]);
  });

  it('postback-without-mid: an id from sender, time and payload, the same on every parse', () => {
    const first = messenger('postback-without-mid.json').events;
    const again = messenger('postback-without-mid.json').events;
    expect(first).toEqual(again);
    expect(first).toEqual([
      {
        ...onPage(510),
        event: inbound({
          wamid: expect.stringMatching(
            new RegExp(`^postback:${aylin.scopedId}:${T0 + 510_000}:[0-9a-f]{16}$`),
          ) as string,
          from: aylin,
          content: button('Öffnungszeiten', '{"menu":"opening_hours","lang":"de"}'),
        }),
      },
    ]);
  });

  it('postback-referral: the m.me link’s ref and source on the message', () => {
    const ev = messenger('postback-referral.json').events[0]!.event;
    expect(ev).toMatchObject(
      inbound({
        from: user('6500000000000005'),
        content: button('Loslegen', 'GET_STARTED'),
        referral: {
          sourceType: 'shortlink',
          sourceId: 'herbst_aktion_2026',
          sourceUrl: '',
          headline: '',
        },
      }),
    );
  });

  it('referral-alone: a sighting of the user with the ad’s referral', () => {
    expect(messenger('referral-alone.json').events).toEqual([
      {
        ...onPage(530),
        event: {
          $case: 'userSeen',
          userSeen: {
            user: user('6500000000000004'),
            name: undefined,
            username: undefined,
            referral: {
              sourceUrl: '',
              sourceId: '120210000000000001',
              sourceType: 'ad',
              headline: 'Winterreifen-Check – jetzt 20 % günstiger',
              body: '',
              mediaType: 'image',
              imageUrl:
                'https://scontent.xx.fbcdn.net/v/t45.1600-4/465000021_n.jpg?stp=dst-jpg&_nc_cat=1&oh=00_Q7cG1&oe=6930A218',
              videoUrl: '',
              thumbnailUrl: '',
              ctwaClid: '',
              welcomeMessageText: '',
            },
          },
        },
      },
    ]);
  });
});

describe('Messenger: several items, unknown keys, other objects', () => {
  it('batch-several-items: every item of one entry, each at its own time', () => {
    const p = messenger('batch-several-items.json');
    expect(clean(p)).toEqual(CLEAN);
    expect(p.events.map((e) => [e.event?.$case, e.occurredAt])).toEqual([
      ['inboundMessage', at(700)],
      ['inboundMessage', at(701)],
      ['watermark', at(702)],
    ]);
    expect(p.events[2]!.event).toEqual({
      $case: 'watermark',
      watermark: { user: LENA, status: DeliveryStatus.READ, watermark: at(301) },
    });
  });

  it('unknown-keys: opt-ins, handovers, prior_message and standby are acknowledged and listed', () => {
    const p = messenger('unknown-keys.json');
    expect(p.ignoredFields).toEqual(['optin', 'pass_thread_control', 'prior_message', 'standby']);
    expect(p.problems).toEqual([]);
    // The message beside prior_message is applied; the standby one (another app's) is not.
    expect(p.events.map((e) => e.event)).toEqual([
      inbound({
        wamid: midOf('messenger', 'unknown-keys.json', 2),
        from: user('6500000000000006'),
        content: content({ text: 'Danke für die Info!' }),
      }),
    ]);
  });

  it('object-other: another object is acknowledged as ignored, not a problem', () => {
    const p = messenger('object-other.json');
    expect([p.events, p.ignoredFields, p.problems]).toEqual([[], ['object:user'], []]);
  });
});

describe('Instagram', () => {
  it('text-basic and echo-with-metadata: on the Instagram account, channel INSTAGRAM', () => {
    expect(instagram('text-basic.json').events).toEqual([
      {
        ...onIg(1000),
        event: inbound({
          wamid: midOf('instagram', 'text-basic.json'),
          from: SOFIA,
          content: content({ text: 'Ciao! La giacca di velluto blu c’è ancora in taglia M? 😍' }),
        }),
      },
    ]);
    expect(instagram('echo-with-metadata.json').events).toEqual([
      {
        ...onIg(1060),
        event: inbound({
          wamid: midOf('instagram', 'echo-with-metadata.json'),
          from: SOFIA,
          content: content({ text: 'Sì, ne abbiamo ancora due in M. Te ne metto una da parte?' }),
          echo: true,
          echoMetadata: 'crm:ticket=50433',
        }),
      },
    ]);
  });

  it('read-mid: a read status for that mid, no watermark', () => {
    expect(instagram('read-mid.json').events).toEqual([
      {
        ...onIg(1090),
        event: {
          $case: 'status',
          status: {
            wamid: midOf('instagram', 'echo-with-metadata.json'),
            status: DeliveryStatus.READ,
            recipient: SOFIA,
            errors: [],
            pricing: undefined,
            conversationId: '',
            conversationOrigin: '',
            bizOpaqueCallbackData: '',
          },
        },
      },
    ]);
  });

  it('reaction, unreaction, quick-reply, message-edit, text-reply-to, message-deleted', () => {
    const echo = midOf('instagram', 'echo-with-metadata.json');
    const first = midOf('instagram', 'text-basic.json');
    const reply = midOf('instagram', 'text-reply-to.json');
    const cases = (
      [
        'reaction.json',
        'unreaction.json',
        'quick-reply.json',
        'message-edit.json',
        'text-reply-to.json',
        'message-deleted.json',
      ] as const
    ).map((n) => instagram(n).events[0]!);
    expect(cases.map((e) => e.event?.$case)).toEqual([
      'reaction',
      'reaction',
      'inboundMessage',
      'edit',
      'inboundMessage',
      'revoke',
    ]);
    expect(cases[0]!.event).toMatchObject({ reaction: { targetWamid: echo, emoji: '❤️' } });
    expect(cases[1]!.event).toMatchObject({ reaction: { targetWamid: echo, emoji: '' } });
    expect(cases[2]!.event).toMatchObject(
      inbound({
        content: content({
          type: MessageType.INTERACTIVE,
          text: 'Sì, grazie!',
          interactive: expect.objectContaining({ id: 'HOLD_ITEM_YES', title: 'Sì, grazie!' }),
        }),
      }),
    );
    expect(cases[3]!.event).toMatchObject({
      edit: { wamid: `${first}:edit:1`, targetWamid: first, from: SOFIA },
    });
    expect(cases[4]!.event).toMatchObject(inbound({ context: { replyToWamid: echo } }));
    expect(cases[5]!.event).toMatchObject({ revoke: { targetWamid: reply } });
    expect(cases.map((e) => e.channel)).toEqual(Array(6).fill(Channel.INSTAGRAM));
  });

  it('story-reply: a text whose context names the story, raw JSON kept with its URL', () => {
    expect(instagram('story-reply.json').events[0]!.event).toMatchObject(
      inbound({
        from: user('7700000000000002'),
        content: content({ text: 'Che bella vetrina! Dove siete esattamente?' }),
        context: { replyToWamid: 'story:18000000000000001' },
        rawJson: expect.stringContaining('asset_id=18000000000000001') as string,
      }),
    );
  });

  it('story-mention, share-post, reel, unsupported: unsupported under Meta’s names', () => {
    const types = ['story-mention.json', 'share-post.json', 'reel.json', 'unsupported.json'].map(
      (n) => {
        const p = instagram(n);
        expect(clean(p), n).toEqual(CLEAN);
        const ev = p.events[0]!.event;
        if (ev?.$case !== 'inboundMessage') throw new Error(n);
        expect(ev.inboundMessage.rawJson, n).not.toBe('');
        return [ev.inboundMessage.content?.type, ev.inboundMessage.content?.unsupportedType];
      },
    );
    expect(types).toEqual([
      [MessageType.UNSUPPORTED, 'story_mention'],
      [MessageType.UNSUPPORTED, 'share'],
      [MessageType.UNSUPPORTED, 'ig_reel'],
      [MessageType.UNSUPPORTED, 'is_unsupported'],
    ]);
  });

  it('attachment-image: an image by URL; postback: a button message under its mid', () => {
    const img = instagram('attachment-image.json');
    expect(img.events[0]!.event).toMatchObject(
      inbound({ content: content({ type: MessageType.IMAGE, media: media(firstUrl(img)) }) }),
    );
    expect(firstUrl(img)).toMatch(/^https:\/\/lookaside\.fbsbx\.com\//);
    expect(instagram('postback.json').events[0]!.event).toMatchObject(
      inbound({
        wamid: midOf('instagram', 'postback.json'),
        content: content({
          type: MessageType.BUTTON,
          text: 'Orari del negozio',
          button: { text: 'Orari del negozio', payload: 'ICEBREAKER_HOURS' },
        }),
      }),
    );
  });

  it('referral-ad: a sighting with the ad (video creative)', () => {
    expect(instagram('referral-ad.json').events[0]!.event).toMatchObject({
      $case: 'userSeen',
      userSeen: {
        user: user('7700000000000004'),
        referral: {
          sourceType: 'ad',
          sourceId: '120210000000000002',
          headline: 'Velluto d’inverno – nuova collezione',
          mediaType: 'video',
        },
      },
    });
  });

  it('changes-comments: comments are acknowledged and listed, nothing applied', () => {
    const p = instagram('changes-comments.json');
    expect([p.events, p.ignoredFields, p.problems]).toEqual([[], ['comments'], []]);
  });
});

describe('either object on either route; malformed input', () => {
  const body = (o: unknown) => JSON.stringify(o);
  const item = (o: Record<string, unknown>) =>
    body({ object: 'page', entry: [{ id: PAGE, time: T0, messaging: [o] }] });

  it('follows the body’s object, not the route', () => {
    const ig = parseMetaDelivery(metaFixture('instagram', 'text-basic.json'), RECEIVED);
    expect(ig.events[0]!.channel).toBe(Channel.INSTAGRAM);
    expect(
      parseMetaDelivery(body({ object: 'whatsapp_business_account', entry: [] }), RECEIVED),
    ).toMatchObject({
      events: [],
      ignoredFields: ['object:whatsapp_business_account'],
      problems: [],
    });
  });

  it('lists what it cannot read; the readable rest still becomes events', () => {
    const ok = { sender: { id: '6500000000000009' }, recipient: { id: PAGE }, timestamp: T0 };
    const p = parseMetaDelivery(
      body({
        object: 'page',
        entry: [
          {
            id: PAGE,
            time: T0,
            messaging: [
              'nope',
              { ...ok, message: { text: 'no mid' } },
              { ...ok, sender: {}, message: { mid: 'm_1', text: 'nobody' } },
              { ...ok, reaction: { action: 'react', emoji: '👍' } },
              { ...ok, delivery: {} },
              { ...ok, message: { mid: 'm_2', text: 'fine' } },
            ],
          },
        ],
      }),
      RECEIVED,
    );
    expect(p.problems).toEqual([
      'entry[0].messaging[0]: not an object',
      'entry[0].messaging[1].message: without a usable mid',
      'entry[0].messaging[2]: without a usable sender.id',
      'entry[0].messaging[3].reaction: without a usable mid',
      'entry[0].messaging[4].delivery: receipt without a watermark or a usable mid',
    ]);
    expect(p.events.map((e) => e.event?.$case)).toEqual(['inboundMessage']);
  });

  it('a chat plugin guest (user_ref only) and the page acting on itself are noted, not problems', () => {
    const p1 = parseMetaDelivery(
      item({ sender: { user_ref: 'abc' }, recipient: { id: PAGE }, timestamp: T0, referral: {} }),
      RECEIVED,
    );
    const p2 = parseMetaDelivery(
      item({
        sender: { id: PAGE },
        recipient: { id: '6500000000000001' },
        timestamp: T0,
        read: { watermark: T0 },
      }),
      RECEIVED,
    );
    expect([p1.problems, p1.unsupported.length, p2.problems, p2.unsupported.length]).toEqual([
      [],
      1,
      [],
      1,
    ]);
  });

  it('keeps oversized items within profiles’ limits, stored as unsupported with their JSON', () => {
    const from = { sender: { id: '6500000000000009' }, recipient: { id: PAGE }, timestamp: T0 };
    const long = 'x'.repeat(70_000);
    const p = parseMetaDelivery(
      body({
        object: 'page',
        entry: [
          {
            id: PAGE,
            messaging: [
              { ...from, message: { mid: 'm_long', text: long } },
              { ...from, message_edit: { mid: 'm_long', text: long, num_edit: 2 } },
              { ...from, reaction: { mid: 'm_long', action: 'react', emoji: '👍'.repeat(40) } },
              { ...from, postback: { title: long, payload: 'P' } },
              {
                ...from,
                message: { mid: 'm_big', is_echo: true, metadata: 'm'.repeat(1001), text: 'hi' },
              },
            ],
          },
        ],
      }),
      RECEIVED,
    );
    expect(p.problems).toEqual([]);
    expect(p.unsupported).toHaveLength(5);
    expect(p.events.map((e) => profilesRefusal(e))).toEqual(Array(5).fill(undefined));
    expect(
      p.events.map((e) =>
        e.event?.$case === 'inboundMessage'
          ? e.event.inboundMessage.content?.unsupportedType
          : e.event?.$case,
      ),
    ).toEqual(['text', 'message_edit', 'reaction', 'postback', '']);
  });

  it('an id too long for profiles becomes a digest of the same parts, stable across parses', () => {
    const mid = `m_${'a'.repeat(250)}`;
    const b = item({
      sender: { id: '6500000000000009' },
      recipient: { id: PAGE },
      timestamp: T0,
      reaction: { mid, action: 'unreact' },
    });
    const ids = [0, 1].map(
      (): WebhookEvent['event'] => parseMetaDelivery(b, RECEIVED).events[0]!.event,
    );
    expect(ids[0]).toEqual(ids[1]);
    expect(ids[0]).toMatchObject({
      reaction: { wamid: expect.stringMatching(/^reaction:[0-9a-f]{64}$/) as string },
    });
  });
});

describe('fixture coverage', () => {
  it('every Messenger and Instagram fixture parses without problems, profiles would take every event, and it has a test above', () => {
    for (const folder of ['messenger', 'instagram'] as const) {
      const names = metaFixtureNames(folder);
      expect(names.length).toBeGreaterThanOrEqual(folder === 'messenger' ? 25 : 15);
      for (const name of names) {
        const p = parseMetaDelivery(metaFixture(folder, name), RECEIVED);
        expect({ name, problems: p.problems, unsupported: p.unsupported }).toEqual({
          name,
          problems: [],
          unsupported: [],
        });
        expect(p.events.map(profilesRefusal).filter(Boolean), name).toEqual([]);
        expect(tested.has(`${folder}/${name}`), `${folder}/${name} has no test`).toBe(true);
      }
    }
  });
});
