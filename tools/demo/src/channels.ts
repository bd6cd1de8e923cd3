// The demo's accounts and its Messenger and Instagram conversations. Accounts are named first
// (before any webhook: an account's business decides which WhatsApp identities join one person
// by phone), then Messenger and Instagram traffic arrives as signed webhooks shaped like Meta's
// Messenger Platform (object "page" / "instagram"), and carol links the one customer who wrote
// on WhatsApp and on Messenger. Deterministic ids: loading again adds nothing.
import { Channel } from '@ue/proto';
import { ACCOUNTS } from './dataset.js';
import { DEMO_MEDIA, type DemoMedia } from './media.js';

export const PAGE_ID = '1029384756';
export const IG_ID = '17841400000000001';
const BUSINESS = 'acme-retail';

export interface DemoAccount {
  id: string;
  channel: Channel;
  name: string;
  displayId: string;
  businessId: string;
  /** Days; 0 keeps. */
  retention: {
    messagesDays: number;
    mediaDays: number;
    deliveriesDays: number;
    reviewTextsDays: number;
  };
}

const KEEP = { messagesDays: 0, mediaDays: 0, deliveriesDays: 0, reviewTextsDays: 0 };

/** Both WhatsApp numbers belong to one business: the same phone on both is one person. */
export const DEMO_ACCOUNTS: DemoAccount[] = [
  {
    id: ACCOUNTS.A.id,
    channel: Channel.WHATSAPP,
    name: 'Berlin store',
    displayId: '+1 555-012-3401',
    businessId: BUSINESS,
    retention: KEEP,
  },
  {
    id: ACCOUNTS.B.id,
    channel: Channel.WHATSAPP,
    name: 'London store',
    displayId: '+44 20 7946 0123',
    businessId: BUSINESS,
    // One account with a policy, so the pages show what retention looks like.
    retention: { messagesDays: 365, mediaDays: 90, deliveriesDays: 30, reviewTextsDays: 365 },
  },
  {
    id: PAGE_ID,
    channel: Channel.MESSENGER,
    name: 'Acme Shop',
    displayId: 'facebook.com/acmeshop',
    businessId: BUSINESS,
    retention: KEEP,
  },
  {
    id: IG_ID,
    channel: Channel.INSTAGRAM,
    name: 'Acme Shop Instagram',
    displayId: '@acme.shop',
    businessId: BUSINESS,
    retention: KEEP,
  },
];

export type MetaChannel = 'messenger' | 'instagram';

export interface MetaPersona {
  key: string;
  channel: MetaChannel;
  /** PSID (Messenger) or IGSID (Instagram). */
  scopedId: string;
  /**
   * Messenger and Instagram webhooks carry no name: ingest asks Meta's User Profile API, which
   * the provider sandbox answers with this name (scripts/provider-sandbox.mjs has the same table).
   */
  name: string;
  facts: Array<{ key: string; value: string }>;
  /** Lines alternating customer / page, the customer's first. */
  lines: string[];
  /** The WhatsApp persona (dataset.ts key) carol knows is the same customer. */
  sameAs?: string;
  /** A quick reply button the customer taps after the first reply. */
  quickReply?: { title: string; payload: string };
  /** The customer reacts to the page's last reply. */
  reaction?: string;
  /** A photo the customer sends right after their first line (fetched from the sandbox's CDN). */
  photo?: DemoMedia;
}

export const META_PERSONAS: MetaPersona[] = [
  {
    key: 'm00',
    channel: 'messenger',
    scopedId: '6500000000000101',
    name: 'Anna Schneider',
    facts: [{ key: 'email', value: 'anna.schneider@example.com' }],
    lines: [
      'Hallo! Ich hatte schon auf WhatsApp geschrieben – gibt es Neuigkeiten zu meiner Bestellung?',
      'Hallo Anna, ja: das Paket ist seit heute Morgen unterwegs. Soll ich dir den Link schicken?',
      'Ja, bitte',
      'Hier ist er: https://example.com/track/4713 – Zustellung morgen zwischen 10 und 14 Uhr.',
    ],
    sameAs: 'p01',
    quickReply: { title: 'Ja, bitte', payload: 'TRACKING_LINK' },
    reaction: '❤️',
  },
  {
    key: 'm01',
    channel: 'messenger',
    scopedId: '6500000000000102',
    name: 'Marco Rossi',
    facts: [{ key: 'size', value: 'M' }],
    photo: DEMO_MEDIA.photos[2],
    lines: [
      'Ciao, avete la giacca blu in taglia M?',
      'Ciao Marco! Sì, la taglia M è disponibile. Vuoi che la mettiamo da parte?',
      'Perfetto, passo sabato.',
    ],
  },
  {
    key: 'm02',
    channel: 'messenger',
    scopedId: '6500000000000103',
    name: 'Sarah Miller',
    facts: [],
    lines: [
      'Hi, is the store open on Sunday?',
      'Hi Sarah, we are open 11:00–17:00 on Sundays.',
      'Great, thanks!',
      'You are welcome, see you then.',
    ],
    reaction: '👍',
  },
  {
    key: 'i00',
    channel: 'instagram',
    scopedId: '17841400000000201',
    name: 'Chloé Dubois',
    // The same number she writes from on WhatsApp: an admin is offered the join.
    facts: [{ key: 'phone', value: '+33 6 12 34 56 78' }],
    lines: [
      'Bonjour ! Le sac de votre dernière story existe en bleu ?',
      'Bonjour Chloé, oui, en bleu marine. Je vous envoie le lien ?',
      'Oui merci 😊',
    ],
  },
  {
    key: 'i01',
    channel: 'instagram',
    scopedId: '17841400000000202',
    name: 'Kenji Sato',
    facts: [{ key: 'city', value: 'Osaka' }],
    lines: ['Do you ship to Osaka?', 'Yes, we ship to Japan in 5–7 days.'],
  },
];

export const metaAccountOf = (p: MetaPersona): string =>
  p.channel === 'messenger' ? PAGE_ID : IG_ID;

const mid = (p: MetaPersona, what: string): string =>
  `m_${Buffer.from(`ue-demo-v1:${p.channel}:${p.scopedId}:${what}`).toString('base64url')}`;

export interface MetaLine {
  persona: MetaPersona;
  mid: string;
  fromCustomer: boolean;
  text: string;
  /** Unix ms. */
  at: number;
  /** A photo instead of text (customers only). */
  photo?: DemoMedia;
}

/** The conversation lines of every persona, ending within the last few hours before `now`. */
export function metaLines(now: number): MetaLine[] {
  return META_PERSONAS.flatMap((p, i) => {
    const gap = 240_000 + i * 60_000;
    const end = now * 1000 - (i * 45 + 20) * 60_000;
    const start = end - p.lines.length * gap;
    const lines: MetaLine[] = p.lines.map((text, k) => ({
      persona: p,
      mid: mid(p, `line:${k}`),
      fromCustomer: k % 2 === 0,
      text,
      at: start + k * gap,
    }));
    if (p.photo)
      lines.splice(1, 0, {
        persona: p,
        mid: mid(p, 'photo'),
        fromCustomer: true,
        text: '',
        at: start + 30_000,
        photo: p.photo,
      });
    return lines;
  });
}

type Messaging = Record<string, unknown>;

function envelope(p: MetaPersona, at: number, items: Messaging[]): unknown {
  return {
    object: p.channel === 'messenger' ? 'page' : 'instagram',
    entry: [{ id: metaAccountOf(p), time: at, messaging: items }],
  };
}

const fromCustomer = (p: MetaPersona, at: number) => ({
  sender: { id: p.scopedId },
  recipient: { id: metaAccountOf(p) },
  timestamp: at,
});

/** The customer's message as its webhook delivery; `cdn`: where the sandbox serves files. */
export function customerBody(l: MetaLine, cdn: string): unknown {
  const quick =
    l.persona.quickReply && l.text === l.persona.lines[2]
      ? { quick_reply: { payload: l.persona.quickReply.payload } }
      : {};
  // Meta's attachment URLs expire; the sandbox honours `exp` like Meta's CDN (a fixed one keeps
  // the body the same on every run).
  const message = l.photo
    ? {
        mid: l.mid,
        attachments: [
          {
            type: 'image',
            payload: { url: `${cdn.replace(/\/+$/, '')}/meta-cdn/${l.photo.id}?exp=4102444800000` },
          },
        ],
      }
    : { mid: l.mid, text: l.text, ...quick };
  return envelope(l.persona, l.at, [{ ...fromCustomer(l.persona, l.at), message }]);
}

/**
 * What follows the page's replies: the delivery and read watermarks (read a minute after the
 * last reply) and, where planned, the customer's reaction to the last reply.
 */
export function receiptBodies(
  lines: MetaLine[],
  now: number,
): { body: unknown; channel: MetaChannel }[] {
  const out: unknown[] = [];
  for (const p of META_PERSONAS) {
    const replies = lines.filter((l) => l.persona === p && !l.fromCustomer);
    const last = replies.at(-1);
    if (!last) continue;
    const readAt = Math.min(now * 1000 - 1000, last.at + 60_000);
    out.push(
      envelope(p, last.at + 5000, [
        { ...fromCustomer(p, last.at + 5000), delivery: { watermark: last.at } },
      ]),
      envelope(p, readAt, [{ ...fromCustomer(p, readAt), read: { watermark: last.at } }]),
    );
    if (p.reaction)
      out.push(
        envelope(p, readAt, [
          {
            ...fromCustomer(p, readAt),
            reaction: { mid: last.mid, action: 'react', reaction: 'other', emoji: p.reaction },
          },
        ]),
      );
  }
  return out.map((body) => ({
    body,
    channel: (body as { object: string }).object === 'page' ? 'messenger' : 'instagram',
  }));
}
