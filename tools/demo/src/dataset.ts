// The demo data set: ~40 users on two business numbers, several days of conversations in a
// dozen languages ending "now". Pure and deterministic: the same `now` gives the same plan, and
// every id (wamid, client_id) depends only on the persona and position, never on `now`, so
// loading it again adds nothing.
import { UserStatus } from '@ue/proto';
import { DEMO_MEDIA, webhookMedia, type DemoMedia } from './media.js';
import { PHRASES, type Lang } from './phrases.js';

export const ACCOUNTS = {
  A: { id: '117733559900011', waba: '104857600112233', display: '15550123401' },
  B: { id: '228844661100022', waba: '209876543210987', display: '442079460123' },
} as const;
export type AccountKey = keyof typeof ACCOUNTS;

export interface Persona {
  key: string;
  name?: string;
  username?: string;
  waId?: string;
  bsuid?: string;
  lang: Lang;
  account: AccountKey;
}

// [name, wa_id or "bsuid:<id>", language, account]
const PEOPLE: Array<[string | undefined, string, Lang, AccountKey]> = [
  ['Jürgen Weiß', '4915112345678', 'de', 'A'],
  ['Anna Schneider', '4917612345001', 'de', 'A'],
  ['Lukas Becker', '4915223456002', 'de', 'B'],
  ['Sophie Wagner', '4916098765003', 'de', 'A'],
  ['Mehmet Yılmaz', '4917645678004', 'de', 'B'],
  ['María José Núñez', '5215512345678', 'es', 'A'],
  ['Carlos Ortega', '34612345005', 'es', 'A'],
  ['Lucía Fernández', '34699887006', 'es', 'B'],
  ['Diego Ramírez', '5215598765007', 'es', 'A'],
  ['Valentina Rojas', '56912345008', 'es', 'B'],
  ['Chloé Dubois', '33612345678', 'fr', 'A'],
  ['Julien Moreau', '33698765009', 'fr', 'A'],
  ['Camille Laurent', '33711223010', 'fr', 'B'],
  ['Amélie Girard', '32470123011', 'fr', 'A'],
  ['Hugo Lefèvre', '41781234012', 'fr', 'B'],
  ['田中 愛子', '819012345678', 'ja', 'A'],
  ['佐藤 健', '819098765013', 'ja', 'A'],
  ['鈴木 花子', '818012345014', 'ja', 'B'],
  ['高橋 大輔', '817012345015', 'ja', 'A'],
  ['فاطمة الزهراء', '971501234567', 'ar', 'A'],
  ['محمد العلي', '966501234016', 'ar', 'B'],
  ['نور حسن', '201001234017', 'ar', 'A'],
  ['أحمد منصور', '962791234018', 'ar', 'A'],
  ['Lucas M.', 'bsuid:BR.8734521098765432101', 'pt', 'A'],
  ['Ana Souza', '5511987654019', 'pt', 'B'],
  ['João Pereira', '351912345020', 'pt', 'A'],
  ['Beatriz Costa', '5521998765021', 'pt', 'A'],
  ['Rafael Lima', '5531987654022', 'pt', 'B'],
  ['Tomás Ó Briain', '353871234567', 'en', 'A'],
  ['Emily Carter', '447700900024', 'en', 'B'],
  ["James O'Connor", '14155550125', 'en', 'A'],
  ['Priya Sharma', '919812340026', 'en', 'A'],
  ['Olivia Smith', '61412345027', 'en', 'B'],
  [undefined, '12125550128', 'en', 'A'],
  ['Giulia Romano', '393471234029', 'it', 'B'],
  ['Nguyễn Thị Hoa', '84912345678', 'vi', 'A'],
  ['Катерина Шевченко', '380671234567', 'uk', 'A'],
  ['Zoë Ångström', '46701234567', 'sv', 'B'],
  ['Elif Kaya', '905321234030', 'tr', 'A'],
  // The same customer also writes to the second number: a separate conversation there.
  ['Jürgen Weiß', '4915112345678', 'de', 'B'],
];

export const PERSONAS: Persona[] = PEOPLE.map(([name, id, lang, account], i) => ({
  key: `p${String(i).padStart(2, '0')}`,
  ...(name ? { name } : {}),
  ...(id.startsWith('bsuid:') ? { bsuid: id.slice(6), username: '@lucas.m' } : { waId: id }),
  lang,
  account,
}));

export interface InboundPlan {
  persona: Persona;
  at: number;
  /** A Cloud API message object (as in value.messages[]). */
  message: Record<string, unknown>;
}

export interface StatusPlan {
  status: 'sent' | 'delivered' | 'read' | 'failed';
  at: number;
  error?: { code: number; title: string; details: string };
}

export interface OutboundPlan {
  persona: Persona;
  wamid: string;
  text: string;
  at: number;
  statuses: StatusPlan[];
}

export interface UserPlan {
  persona: Persona;
  status?: UserStatus;
  tags: string[];
  paused: boolean;
  facts: Array<{ key: string; value: string; confidence: number; sourceWamid: string }>;
  logs: Array<{ clientId: string; kind: 'note' | 'follow_up'; text: string; dueAt?: number }>;
}

export interface DemoPlan {
  inbound: InboundPlan[];
  outbound: OutboundPlan[];
  users: UserPlan[];
}

const wamid = (p: Persona, what: string): string =>
  `wamid.${Buffer.from(`ue-demo-v1:${ACCOUNTS[p.account].id}:${p.waId ?? p.bsuid}:${what}`).toString('base64')}`;

const firstName = (p: Persona): string =>
  (p.name ?? 'there').split(' ')[p.lang === 'ja' ? 1 : 0] ?? 'there';

const FAILURES = [
  {
    code: 131026,
    title: 'Message undeliverable',
    details: 'Unable to deliver message. The recipient may be using an old WhatsApp version.',
  },
  {
    code: 131047,
    title: 'Re-engagement message',
    details:
      'More than 24 hours have passed since the recipient last replied, so only a template can be sent.',
  },
];
const EMOJI = ['👍', '❤️', '🙏', '😂'];
const STATUS_CYCLE: Array<UserStatus | undefined> = [
  UserStatus.IN_PROGRESS,
  UserStatus.OPPORTUNITY,
  UserStatus.QUOTE_REQUEST,
  UserStatus.FOLLOW_UP,
  UserStatus.CONTACTED,
  UserStatus.WAITING_RESPONSE,
  UserStatus.POTENTIAL_CUSTOMER,
  UserStatus.INFO_ONLY,
  undefined,
  UserStatus.NOT_INTERESTED,
];

function extras(p: Persona, i: number, at: number): InboundPlan[] {
  const bank = PHRASES[p.lang];
  // Real files (src/media.ts): the provider sandbox serves them by these ids.
  const media = (kind: string, file: DemoMedia, body: Record<string, unknown>): InboundPlan => ({
    persona: p,
    at,
    message: {
      id: wamid(p, kind),
      timestamp: String(at),
      type: kind,
      [kind]: { ...webhookMedia(file), ...body },
    },
  });
  const out: InboundPlan[] = [];
  if (i % 5 === 0)
    out.push(media('image', DEMO_MEDIA.photos[(i / 5) % 3]!, { caption: bank.caption }));
  if (i % 7 === 1)
    out.push(
      media('document', DEMO_MEDIA.invoice, {
        filename: `Rechnung_${4700 + i * 13}.pdf`,
        caption: bank.docCaption,
      }),
    );
  if (i % 6 === 2) out.push(media('audio', DEMO_MEDIA.voiceNote, { voice: true }));
  if (i % 9 === 6) out.push(media('sticker', DEMO_MEDIA.sticker, { animated: false }));
  if (i % 8 === 3)
    out.push({
      persona: p,
      at,
      message: {
        id: wamid(p, 'location'),
        timestamp: String(at),
        type: 'location',
        location: {
          latitude: 48.1 + i / 100,
          longitude: 11.5 + i / 100,
          name: bank.city,
          address: `${bank.city} ${i}`,
        },
      },
    });
  if (i === 13)
    out.push({
      persona: p,
      at,
      message: {
        id: wamid(p, 'poll'),
        timestamp: String(at),
        type: 'unsupported',
        unsupported: { type: 'poll_creation' },
        errors: [
          {
            code: 131051,
            title: 'Message type unknown',
            message: 'Message type unknown',
            error_data: { details: 'Message type is currently not supported.' },
          },
        ],
      },
    });
  if (i === 9)
    out.push({
      persona: p,
      at,
      message: {
        id: wamid(p, 'fwd'),
        timestamp: String(at),
        type: 'text',
        text: { body: 'https://example.com/promo?code=DEMO26' },
        context: { forwarded: true },
      },
    });
  return out;
}

/** Everything the demo loads, for one value of "now" (unix seconds). */
export function demoPlan(now: number): DemoPlan {
  const plan: DemoPlan = { inbound: [], outbound: [], users: [] };
  PERSONAS.forEach((p, i) => {
    const bank = PHRASES[p.lang];
    const lines = bank.topics[i % bank.topics.length]!.slice(0, 5);
    // Some conversations stop on the user's line: they need a reply.
    const n =
      i % 4 === 0
        ? lines.length - (lines.length % 2 === 0 ? 1 : 0)
        : Math.max(2, lines.length - (i % 3));
    const gap = 180 + ((i * 97) % 20) * 60;
    const daysAgo = i % 7;
    const end = now - (i < 5 ? 60 + i * 120 : daysAgo * 86_400 + 1800 + ((i * 53) % 480) * 60);
    const start = end - n * gap;
    const display = ACCOUNTS[p.account].display;
    const fill = (s: string): string =>
      s.replace('{first}', firstName(p)).replace('{order}', String(4700 + i * 13));
    let lastOut: OutboundPlan | undefined;
    let firstOut: OutboundPlan | undefined;
    let inboundCount = 0;
    for (let k = 0; k < n; k++) {
      const at = start + k * gap;
      if (k % 2 === 0) {
        const context =
          inboundCount === 1 && firstOut ? { context: { from: display, id: firstOut.wamid } } : {};
        plan.inbound.push({
          persona: p,
          at,
          message: {
            id: wamid(p, `in:${k}`),
            timestamp: String(at),
            type: 'text',
            text: { body: fill(lines[k]!) },
            ...context,
          },
        });
        if (k === 0) plan.inbound.push(...extras(p, i, at + 30));
        inboundCount++;
      } else {
        const o: OutboundPlan = {
          persona: p,
          wamid: wamid(p, `out:${k}`),
          text: fill(lines[k]!),
          at,
          statuses: [],
        };
        const isLast = k === n - 1 || k === n - 2;
        const failure =
          isLast && i % 9 === 4 ? FAILURES[0] : isLast && i % 11 === 5 ? FAILURES[1] : undefined;
        // Recording the send already makes it "sent"; the provider's webhooks bring the rest.
        if (failure) o.statuses.push({ status: 'failed', at: at + 5, error: failure });
        else {
          o.statuses.push({ status: 'delivered', at: at + 20 });
          if (at + gap - 30 < now && !(isLast && i % 5 === 3))
            o.statuses.push({ status: 'read', at: Math.min(now - 5, at + gap - 30) });
        }
        plan.outbound.push(o);
        firstOut ??= o;
        lastOut = o;
      }
    }
    if (i % 3 === 0 && lastOut && lastOut.at + 60 < now) {
      plan.inbound.push({
        persona: p,
        at: lastOut.at + 60,
        message: {
          id: wamid(p, 'reaction'),
          timestamp: String(lastOut.at + 60),
          type: 'reaction',
          reaction: { message_id: lastOut.wamid, emoji: EMOJI[i % EMOJI.length] },
        },
      });
    }
    const first = wamid(p, 'in:0');
    const tags = [
      i % 6 === 0 && 'vip',
      i % 5 === 1 && 'b2b',
      i % 7 === 2 && 'returns',
      i % 4 === 3 && 'newsletter',
      i % 9 === 4 && 'complaint',
    ].filter((t): t is string => Boolean(t));
    const facts = [
      { key: 'preferred_language', value: p.lang, confidence: 0.95, sourceWamid: first },
      ...(i % 2 === 0
        ? [{ key: 'city', value: bank.city, confidence: 0.8, sourceWamid: first }]
        : []),
      ...(lines[0]!.includes('{order}')
        ? [
            {
              key: 'order_number',
              value: String(4700 + i * 13),
              confidence: 0.9,
              sourceWamid: first,
            },
          ]
        : []),
    ];
    const logs: UserPlan['logs'] = [];
    if (i % 3 === 1)
      logs.push({
        clientId: `ue-demo-v1:${p.key}:follow-up`,
        kind: 'follow_up',
        text: i % 2 === 1 ? 'Check that the replacement arrived' : 'Send the quote we promised',
        dueAt: i % 2 === 1 ? now - 86_400 - i * 600 : now + 2 * 86_400,
      });
    if (i % 4 === 0)
      logs.push({
        clientId: `ue-demo-v1:${p.key}:note`,
        kind: 'note',
        text: 'Prefers short answers; usually replies in the evening.',
      });
    plan.users.push({
      persona: p,
      status: STATUS_CYCLE[i % STATUS_CYCLE.length],
      tags,
      paused: i % 10 === 7,
      facts,
      logs,
    });
  });
  return plan;
}
