// Accounts: registered by the webhooks that name them (channel, display, WABA, defaults), their
// health (last delivery, latest error), their users' counts, UpdateAccount's checks and
// ListAccounts' order and channel filter.
import { status as Code } from '@grpc/grpc-js';
import {
  ActorKind,
  Channel,
  MessageContent,
  MessageType,
  UpdateAccountRequest,
  type Account,
} from '@ue/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCOUNT,
  ACCOUNT_B,
  echo,
  IG,
  inboundText,
  on,
  PAGE,
  providerError,
  providerErrorEvent,
  ref,
  scoped,
  sendResult,
  t,
} from './events.js';
import { call, callError, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('accounts');
});
afterAll(() => h.close());

const ADMIN = { kind: ActorKind.ADMIN, id: 'ana', displayName: 'Ana Admin' };
const list = async (channel = Channel.UNSPECIFIED): Promise<Account[]> =>
  (await call(h.client, 'listAccounts', { channel })).accounts;
const accountOf = async (id: string) => (await list()).find((a) => a.id === id);
const update = (req: Partial<UpdateAccountRequest>) =>
  call(h.client, 'updateAccount', UpdateAccountRequest.fromPartial({ actor: ADMIN, ...req }));
const refusal = async (req: Partial<UpdateAccountRequest>) => {
  const e = await callError(
    h.client,
    'updateAccount',
    UpdateAccountRequest.fromPartial({ actor: ADMIN, ...req }),
  );
  return { code: e.code, field: e.details.split(':')[0] };
};

describe('accounts seen in webhooks', () => {
  it('are registered with their channel, display and defaults, and counted from their users', async () => {
    await call(h.client, 'applyWebhookEvents', {
      events: [
        {
          ...inboundText('wamid.A1', ref('4915112345678'), 'Hallo', t(1)),
          accountDisplay: '+49 30 1234567',
        },
        inboundText('wamid.A2', ref('4915112345679'), 'Hi', t(2)),
        on(PAGE, inboundText('m_A3', scoped('6100000000000001'), 'Hey', t(3))),
        on(PAGE, echo('m_A4', scoped('6100000000000001'), 'Hi there', t(4))),
        on(IG, inboundText('m_A5', scoped('17841400000000001'), 'yo', t(5))),
      ],
      deliveries: [],
    });
    const wa = await accountOf(ACCOUNT);
    expect(wa).toMatchObject({
      channel: Channel.WHATSAPP,
      name: '',
      displayId: '+49 30 1234567',
      wabaId: '104857600112233',
      businessId: '104857600112233',
      credentialsRef: 'WHATSAPP_ACCESS_TOKEN',
      retention: { messagesDays: 0, mediaDays: 0, deliveriesDays: 0, reviewTextsDays: 0 },
      users: 2,
      inboundMessages: 2,
      outboundMessages: 0,
      lastActivityAt: t(2),
    });
    expect(wa?.health?.lastDeliveryAt).toBeInstanceOf(Date);
    expect(wa?.createdAt).toBeInstanceOf(Date);
    expect(await accountOf(PAGE.accountId)).toMatchObject({
      channel: Channel.MESSENGER,
      displayId: 'Casa Lena',
      wabaId: '',
      businessId: PAGE.accountId,
      credentialsRef: `MESSENGER_PAGE_TOKENS:${PAGE.accountId}`,
      users: 1,
      inboundMessages: 1,
      outboundMessages: 1,
      lastActivityAt: t(4),
    });
    expect(await accountOf(IG.accountId)).toMatchObject({
      channel: Channel.INSTAGRAM,
      credentialsRef: `INSTAGRAM_TOKENS:${IG.accountId}`,
    });
  });

  it('keep the latest provider error and refused send as their health, codes and titles only', async () => {
    const quota = { ...providerError(131056, 'Pair rate limit hit'), details: 'to +4915112345678' };
    await call(h.client, 'applyWebhookEvents', {
      events: [providerErrorEvent([quota], t(10))],
      deliveries: [],
    });
    expect((await accountOf(ACCOUNT))?.health).toMatchObject({
      lastErrorAt: t(10),
      lastError: '131056 Pair rate limit hit',
    });
    const pending = await call(h.client, 'recordOutboundMessage', {
      userId: '',
      recipient: { accountId: ACCOUNT, user: ref('4915112345678') },
      wamid: '',
      clientId: 'refused-1',
      content: MessageContent.fromPartial({ type: MessageType.TEXT, text: 'Ihr Code: 4711' }),
      author: ADMIN,
      sentAt: t(11),
      bizOpaqueCallbackData: '',
    });
    const refused = providerError(131047, 'Re-engagement message');
    await call(h.client, 'applyWebhookEvents', {
      events: [
        sendResult(pending.message!.id, { errors: [refused] }, t(12)),
        // An older error arriving later does not replace the latest.
        providerErrorEvent([providerError(130429, 'Rate limit hit')], t(9)),
      ],
      deliveries: [],
    });
    const health = (await accountOf(ACCOUNT))?.health;
    expect(health).toMatchObject({ lastErrorAt: t(12), lastError: '131047 Re-engagement message' });
    expect(health?.lastError).not.toContain('4711');
  });

  it('stored before accounts had documents are listed as WhatsApp numbers without a name', async () => {
    await call(h.client, 'applyWebhookEvents', {
      events: [inboundText('wamid.L1', ref('4915100000001'), 'alt', t(20), 'legacy-number')],
      deliveries: [],
    });
    // What data from before this change looks like: no account document, users without a channel.
    await h.mongo.cols.accounts.deleteOne({ _id: 'legacy-number' });
    await h.mongo.cols.users.updateMany(
      { accountId: 'legacy-number' },
      { $unset: { channel: '', scopedId: '' } },
    );
    expect(await accountOf('legacy-number')).toMatchObject({
      channel: Channel.WHATSAPP,
      name: '',
      wabaId: '104857600112233',
      users: 1,
      inboundMessages: 1,
    });
    const user = await call(h.client, 'getUser', {
      lookup: {
        $case: 'accountUser',
        accountUser: { accountId: 'legacy-number', user: ref('4915100000001') },
      },
    });
    expect(user.user?.channel).toBe(Channel.WHATSAPP);
  });
});

describe('UpdateAccount', () => {
  it('refuses malformed fields, naming each, and writes nothing', async () => {
    const long = (n: number) => 'x'.repeat(n);
    const cases: [Partial<UpdateAccountRequest>, string][] = [
      [{ accountId: '', channel: Channel.WHATSAPP }, 'account_id'],
      [{ accountId: long(65), channel: Channel.WHATSAPP }, 'account_id'],
      [{ accountId: 'new-number' }, 'channel'],
      [{ accountId: 'new-number', channel: 99 as Channel }, 'channel'],
      [{ accountId: ACCOUNT, name: long(81) }, 'name'],
      [{ accountId: ACCOUNT, displayId: long(201) }, 'display_id'],
      [{ accountId: ACCOUNT, businessId: long(201) }, 'business_id'],
      [{ accountId: ACCOUNT, credentialsRef: long(201) }, 'credentials_ref'],
      [
        {
          accountId: ACCOUNT,
          retention: { messagesDays: 36_501, mediaDays: 0, deliveriesDays: 0, reviewTextsDays: 0 },
        },
        'retention.messages_days',
      ],
      [
        {
          accountId: ACCOUNT,
          retention: { messagesDays: 0, mediaDays: -1, deliveriesDays: 0, reviewTextsDays: 0 },
        },
        'retention.media_days',
      ],
      [
        {
          accountId: ACCOUNT,
          retention: { messagesDays: 0, mediaDays: 0, deliveriesDays: 0, reviewTextsDays: 40_000 },
        },
        'retention.review_texts_days',
      ],
      [
        { accountId: ACCOUNT, actor: { kind: 42 as ActorKind, id: '', displayName: '' } },
        'actor.kind',
      ],
    ];
    const before = await accountOf(ACCOUNT);
    for (const [req, field] of cases)
      expect(await refusal(req), field).toEqual({ code: Code.INVALID_ARGUMENT, field });
    expect(await accountOf(ACCOUNT)).toEqual(before);
    expect(await accountOf('new-number')).toBeUndefined();
  });

  it('never changes the channel of an account', async () => {
    expect(await refusal({ accountId: PAGE.accountId, channel: Channel.INSTAGRAM })).toEqual({
      code: Code.FAILED_PRECONDITION,
      field: 'the channel of an account cannot change (it is MESSENGER)',
    });
    // The same channel, or none, is fine.
    await update({ accountId: PAGE.accountId, channel: Channel.MESSENGER, name: 'Casa Lena' });
    await update({ accountId: PAGE.accountId, name: 'Casa Lena Mitte' });
    expect((await accountOf(PAGE.accountId))?.name).toBe('Casa Lena Mitte');
  });

  it('changes only the given fields, records who did it, and publishes no event', async () => {
    const events = await h.redis.xlen(h.stream);
    const r = await update({
      accountId: ACCOUNT,
      name: '  Zürich  ',
      credentialsRef: 'WHATSAPP_TOKEN_ZH',
      retention: { messagesDays: 365, mediaDays: 90, deliveriesDays: 30, reviewTextsDays: 0 },
    });
    expect(r.account).toMatchObject({
      id: ACCOUNT,
      channel: Channel.WHATSAPP,
      name: 'Zürich',
      displayId: '+49 30 1234567',
      credentialsRef: 'WHATSAPP_TOKEN_ZH',
      retention: { messagesDays: 365, mediaDays: 90, deliveriesDays: 30, reviewTextsDays: 0 },
      users: 2,
      changed: { by: ADMIN },
    });
    expect(r.account?.changed?.at).toBeInstanceOf(Date);
    // Retention is replaced as a whole; absent fields stay.
    await update({
      accountId: ACCOUNT,
      retention: { messagesDays: 0, mediaDays: 7, deliveriesDays: 0, reviewTextsDays: 0 },
    });
    expect(await accountOf(ACCOUNT)).toMatchObject({
      name: 'Zürich',
      credentialsRef: 'WHATSAPP_TOKEN_ZH',
      retention: { messagesDays: 0, mediaDays: 7, deliveriesDays: 0, reviewTextsDays: 0 },
    });
    expect(await h.redis.xlen(h.stream)).toBe(events);
  });

  it('creates an account before its first webhook, which then fills in what it knows', async () => {
    const r = await update({ accountId: ACCOUNT_B, channel: Channel.WHATSAPP, name: 'Berlin' });
    expect(r.account).toMatchObject({
      channel: Channel.WHATSAPP,
      name: 'Berlin',
      displayId: '',
      wabaId: '',
      businessId: ACCOUNT_B,
      credentialsRef: 'WHATSAPP_ACCESS_TOKEN',
      users: 0,
    });
    await call(h.client, 'applyWebhookEvents', {
      events: [
        {
          ...inboundText('wamid.B1', ref('4915122223333'), 'Moin', t(30), ACCOUNT_B),
          accountDisplay: '+49 30 7654321',
        },
      ],
      deliveries: [],
    });
    expect(await accountOf(ACCOUNT_B)).toMatchObject({
      name: 'Berlin',
      displayId: '+49 30 7654321',
      wabaId: '104857600112233',
      businessId: '104857600112233',
      users: 1,
    });
  });
});

describe('ListAccounts', () => {
  it('orders by channel, then name, then id, and filters by channel', async () => {
    const all = await list();
    expect(all.map((a) => [a.channel, a.name, a.id])).toEqual([
      [Channel.WHATSAPP, '', 'legacy-number'],
      [Channel.WHATSAPP, 'Berlin', ACCOUNT_B],
      [Channel.WHATSAPP, 'Zürich', ACCOUNT],
      [Channel.MESSENGER, 'Casa Lena Mitte', PAGE.accountId],
      [Channel.INSTAGRAM, '', IG.accountId],
    ]);
    expect((await list(Channel.MESSENGER)).map((a) => a.id)).toEqual([PAGE.accountId]);
    expect((await list(Channel.WHATSAPP)).map((a) => a.id)).toEqual([
      'legacy-number',
      ACCOUNT_B,
      ACCOUNT,
    ]);
    const bad = await callError(h.client, 'listAccounts', { channel: 7 as Channel });
    expect(bad.code).toBe(Code.INVALID_ARGUMENT);
    expect(bad.details).toMatch(/^channel: /);
  });
});
