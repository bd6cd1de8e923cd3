// Search ("is Carol already talking to Acme Corp?"): name/username prefixes, phone in any
// format, email, message words and fact values, across scripts, via indexed term arrays.
import { ActorKind, ListUsersRequest } from '@ue/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, inboundText, ref, seen, t } from './events.js';
import { call, startHarness, type Harness } from './harness.js';

let h: Harness;
const ids: Record<string, string> = {};
const people: [string, string, string][] = [
  ['4915112345678', 'Jürgen Weiß', 'Hallo! Ist meine Bestellung #4711 schon unterwegs?'],
  ['819012345678', '田中 愛子', '届いた商品が破損していました'],
  ['971501234567', 'فاطمة الزهراء', 'مرحبا'],
  ['380671234567', 'Катерина Шевченко', 'Hi! I saw your ad'],
  ['84912345678', 'Nguyễn Thị Hoa', 'Video hướng dẫn lắp ráp bị lỗi ở bước 3'],
  ['447700900123', 'Sam', '请问你们周末营业吗？营业时间是几点？'],
];

beforeAll(async () => {
  h = await startHarness('search');
  for (const [waId, name, text] of people) {
    await call(h.client, 'applyWebhookEvents', {
      events: [seen(ref(waId), name, t(0)), inboundText(`wamid.${waId}`, ref(waId), text, t(1))],
      deliveries: [],
    });
    ids[waId] = (
      await call(h.client, 'getUser', {
        lookup: { $case: 'accountUser', accountUser: { accountId: ACCOUNT, user: ref(waId) } },
      })
    ).user!.id;
  }
  await call(h.client, 'applyWebhookEvents', {
    events: [
      {
        ...seen(ref('', 'BR.8734521098765432101'), 'Lucas M.', t(2)),
        event: {
          $case: 'userSeen',
          userSeen: {
            user: ref('', 'BR.8734521098765432101'),
            name: 'Lucas M.',
            username: '@lucas.m',
            referral: undefined,
          },
        },
      },
    ],
    deliveries: [],
  });
  const actor = { kind: ActorKind.ADMIN, id: 'ana', displayName: 'Ana' };
  await call(h.client, 'updateUser', {
    userId: ids['447700900123']!,
    actor,
    email: 'sam.jones@acme-corp.com',
    addTags: [],
    removeTags: [],
    reason: '',
  });
  await call(h.client, 'upsertFacts', {
    userId: ids['84912345678']!,
    author: actor,
    facts: [
      {
        key: 'company',
        value: 'Acme Corp Vietnam',
        confidence: 0.9,
        sourceMessageId: '',
        retract: false,
      },
    ],
  });
});
afterAll(() => h.close());

async function search(query: string): Promise<string[]> {
  const r = await call(
    h.client,
    'listUsers',
    ListUsersRequest.fromPartial({ query, pageSize: 50 }),
  );
  return r.users.map((u) => u.waId || u.bsuid);
}

describe('ListUsers query', () => {
  it.each([
    ['jürg', '4915112345678'],
    ['JURGEN weiss', '4915112345678'],
    ['Weiß', '4915112345678'],
    ['田中', '819012345678'],
    ['愛子', '819012345678'],
    ['فاطمة', '971501234567'],
    ['катер', '380671234567'],
    ['nguyen hoa', '84912345678'],
    ['Thị', '84912345678'],
  ])('finds names by prefix in any script: %s', async (q, waId) => {
    expect(await search(q)).toEqual([waId]);
  });

  it('finds a username without a phone', async () => {
    expect(await search('@lucas')).toEqual(['BR.8734521098765432101']);
  });

  it.each([
    '+49 151 1234-5678',
    '0151 12345678',
    '004915112345678',
    '4915112345678',
    '(0151) 1234 5678',
  ])('finds a phone number written as %s', async (q) => {
    expect(await search(q)).toEqual(['4915112345678']);
  });

  it('finds words in message texts, including CJK and order numbers', async () => {
    expect(await search('bestellung')).toEqual(['4915112345678']);
    expect(await search('4711')).toEqual(['4915112345678']);
    expect(await search('营业')).toEqual(['447700900123']);
    expect(await search('huong dan')).toEqual(['84912345678']);
  });

  it('finds an email and a company in fact values (ANDed words)', async () => {
    expect(await search('sam.jones@acme-corp.com')).toEqual(['447700900123']);
    expect((await search('acme')).sort()).toEqual(['447700900123', '84912345678']);
    expect(await search('acme corp vietnam')).toEqual(['84912345678']);
    expect(await search('acme zebra')).toEqual([]);
  });

  it('treats regex characters in a query as plain text', async () => {
    expect(await search('.*')).toEqual([]);
    expect(await search('(zq+)+$')).toEqual([]);
    expect(await search('[')).toEqual([]);
  });
});
