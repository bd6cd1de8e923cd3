// Channel identities: the keys a Messenger / Instagram user is linked and erased by, the echo
// records, which webhooks register an account, and what an account's health keeps of errors.
import { Channel, DeliveryStatus, Direction, MessageType, WebhookEvent } from '@ue/proto';
import type { AppError } from '@ue/kit';
import { describe, expect, it } from 'vitest';
import { createFakePorts } from '../../test/fakes.js';
import {
  echo,
  IG,
  inboundText,
  on,
  PAGE,
  providerError,
  ref,
  scoped,
  sendResult,
  t,
} from '../../test/events.js';
import { accountSightings, errorSummary } from './accounts.js';
import { applyBatch } from './apply-batch.js';
import { identitiesOf, identitiesOfUser, identityOf } from './identity.js';
import { echoDoc, ourMessageId } from './inbound-doc.js';
import { identityKeys, newUserRecord, userIdOf } from './new-user.js';

const lena = scoped('6100000000000001');

describe('scoped identities', () => {
  it('are linked by psid on Messenger and igsid on Instagram, per account', () => {
    const fb = identityOf(on(PAGE, inboundText('m_1', lena, 'hi', t(0))), lena);
    const ig = identityOf(on(IG, inboundText('m_2', lena, 'hi', t(0))), lena);
    expect(identityKeys(fb)).toEqual([`${PAGE.accountId}|psid|6100000000000001`]);
    expect(identityKeys(ig)).toEqual([`${IG.accountId}|igsid|6100000000000001`]);
    expect(userIdOf(fb)).not.toBe(userIdOf(ig));
    // WhatsApp ids keep their keys and user ids.
    const wa = identityOf(
      inboundText('wamid.1', ref('4915112345678'), 'hi', t(0)),
      ref('4915112345678'),
    );
    expect(identityKeys(wa)).toEqual(['117733559900011|wa|4915112345678']);
    expect(wa.channel).toBe(Channel.WHATSAPP);
  });

  it('make users of their channel, without a phone, searchable by the scoped id', () => {
    const u = newUserRecord(
      'u_1',
      identityOf(on(IG, inboundText('m', lena, 'x', t(0))), lena),
      t(0),
    );
    expect(u).toMatchObject({
      channel: Channel.INSTAGRAM,
      scopedId: '6100000000000001',
      sourcePlatform: 'instagram',
      waId: '',
      profile: { phoneE164: undefined },
    });
    expect(u.searchTerms).toEqual(['6100000000000001']);
  });

  it('are found again for erasure from the user and from the events naming it', () => {
    const user = { accountId: PAGE.accountId, waId: '', previousWaIds: [], bsuid: '' };
    const keys = identitiesOfUser({ ...user, channel: Channel.MESSENGER, scopedId: '61' }, [
      `${PAGE.accountId}|psid|61`,
      `${IG.accountId}|igsid|62`,
    ]);
    expect(keys).toEqual([
      { accountId: PAGE.accountId, kind: 'psid', value: '61' },
      { accountId: IG.accountId, kind: 'igsid', value: '62' },
    ]);
    const mark = on(
      IG,
      WebhookEvent.fromPartial({
        accountId: IG.accountId,
        event: { $case: 'watermark', watermark: { user: lena, status: DeliveryStatus.READ } },
      }),
    );
    expect(identitiesOf(mark)).toEqual([
      { accountId: IG.accountId, kind: 'igsid', value: '6100000000000001' },
    ]);
  });
});

describe('echoes', () => {
  it('are ours only with our metadata prefix', () => {
    const m = (e: WebhookEvent) =>
      (e.event?.$case === 'inboundMessage' ? e.event.inboundMessage : undefined)!;
    expect(ourMessageId(m(echo('m_1', lena, 'x', t(0), 'ue:m_abc')))).toBe('m_abc');
    expect(ourMessageId(m(echo('m_1', lena, 'x', t(0), 'crm:42')))).toBeUndefined();
    expect(ourMessageId(m(echo('m_1', lena, 'x', t(0))))).toBeUndefined();
    // Metadata on a message the person wrote is not an echo.
    expect(
      ourMessageId({ ...m(inboundText('m_2', lena, 'x', t(0))), echoMetadata: 'ue:m_abc' }),
    ).toBeUndefined();
  });

  it('are stored as sent outbound messages from the page inbox', () => {
    const e = on(PAGE, echo('m_1', lena, 'Bis gleich!', t(3)));
    const inbound = e.event?.$case === 'inboundMessage' ? e.event.inboundMessage : undefined;
    const doc = echoDoc({ e, at: t(3) }, inbound!, { userId: 'u_1', now: t(4) });
    expect(doc).toMatchObject({
      direction: Direction.OUTBOUND,
      status: DeliveryStatus.SENT,
      statusTimes: { sentAt: t(3) },
      wamid: 'm_1',
      wamidKey: 'm_1',
      author: { id: 'page', displayName: 'Page inbox' },
      content: { type: MessageType.TEXT, text: 'Bis gleich!' },
    });
  });
});

describe('accounts named by a batch', () => {
  it('are listed once each with their channel, WABA and display; send reports are not deliveries', () => {
    const seen = accountSightings([
      inboundText('wamid.1', ref('4915112345678'), 'a', t(0)),
      { ...inboundText('wamid.2', ref('4915112345678'), 'b', t(1)), accountDisplay: '+49 30 1' },
      on(PAGE, inboundText('m_1', lena, 'c', t(2))),
      { ...sendResult('m_x', { wamid: 'wamid.9' }, t(3)), accountId: 'only-sends' },
    ]);
    expect(seen).toEqual([
      {
        accountId: '117733559900011',
        channel: Channel.WHATSAPP,
        wabaId: '104857600112233',
        display: '+49 30 1',
      },
      { accountId: PAGE.accountId, channel: Channel.MESSENGER, wabaId: '', display: 'Casa Lena' },
    ]);
  });

  it('keep codes and titles of errors, never their messages or details', () => {
    const e = {
      ...providerError(131047, 'Re-engagement message'),
      message: 'to +4915112345678',
      details: 'Ihr Code 4711',
    };
    expect(errorSummary([e, providerError(100, 'Invalid parameter')])).toBe(
      '131047 Re-engagement message; 100 Invalid parameter',
    );
  });
});

describe('events on Messenger and Instagram', () => {
  const refused = async (e: WebhookEvent) => {
    const fx = createFakePorts();
    const err = await applyBatch(fx, { events: [e], deliveries: [] }).then(
      () => undefined,
      (x: unknown) => x as AppError,
    );
    expect(fx.inspect.users()).toEqual([]);
    return err?.field;
  };
  const mark = (status: DeliveryStatus, at?: Date) =>
    on(
      PAGE,
      WebhookEvent.fromPartial({
        event: { $case: 'watermark', watermark: { user: lena, status, watermark: at } },
      }),
    );

  it('are refused before anything is written when an identity or a receipt is malformed', async () => {
    expect(await refused(on(PAGE, inboundText('m_1', ref('4915112345678'), 'x', t(0))))).toBe(
      'events[0].inbound_message.from.scoped_id',
    );
    expect(
      await refused(on(PAGE, inboundText('m_1', { ...lena, waId: '4915112345678' }, 'x', t(0)))),
    ).toBe('events[0].inbound_message.from.wa_id');
    expect(await refused(inboundText('wamid.1', lena, 'x', t(0)))).toBe(
      'events[0].inbound_message.from.scoped_id',
    );
    expect(
      await refused({
        ...inboundText('wamid.1', ref('4915112345678'), 'x', t(0)),
        channel: 9 as Channel,
      }),
    ).toBe('events[0].channel');
    expect(await refused(mark(DeliveryStatus.SENT, t(1)))).toBe('events[0].watermark.status');
    expect(await refused(mark(DeliveryStatus.READ))).toBe('events[0].watermark.watermark');
  });
});
