// Acceptance: every fixture, signed and posted to the running ingest service, ends up in
// profiles (a real process over gRPC) exactly as packages/testing/fixtures/whatsapp/README.md says.
import {
  ActorKind,
  DeliveryStatus,
  MessageContent,
  MessageType,
  type Message,
  type User,
} from '@ue/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_SECRET, drained, fixture, fixtureNames, postWebhook, signBody } from './helpers.js';
import { startPipeline, type Pipeline } from './pipeline.js';

const A = '117733559900011';
const B = '228844661100022';
let p: Pipeline;

async function post(name: string): Promise<void> {
  const body = fixture(name);
  const res = await postWebhook(p.ingest.url, body, signBody(body, APP_SECRET));
  expect(res.status, name).toBe(200);
}

async function userOf(account: string, ref: { waId?: string; bsuid?: string }): Promise<User> {
  const u = await p.client.user(account, ref);
  if (!u) throw new Error(`no user ${JSON.stringify(ref)} on ${account}`);
  return u;
}

async function messageOf(
  account: string,
  ref: { waId?: string; bsuid?: string },
  wamid: string,
): Promise<Message> {
  const u = await userOf(account, ref);
  const m = (await p.client.messages(u.id)).find((x) => x.wamid === wamid);
  if (!m) throw new Error(`no message ${wamid} for ${JSON.stringify(ref)}`);
  return m;
}

const at = (unix: number): Date => new Date(unix * 1000);
const carol = { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol' };

/** Our own outbound messages that statuses and reactions in the fixtures refer to. */
const OUTBOUND = [
  {
    waId: '5213316480275',
    wamid: 'wamid.HBgNNTIxMzMxNjQ4MDI3NRUCABEYEkIyQjJDM0I2NDA5MkU5MzQ0QwA=',
    text: 'Recordatorio: su cita es el martes a las 16:00',
    sentAt: 1793875800,
  },
  {
    waId: '353867041295',
    wamid: 'wamid.HBgMMzUzODY3MDQxMjk1FQIAERgSM0I5RjZERUQxNDM4OUNBMkZEAA==',
    text: 'Your order has shipped',
    sentAt: 1793880070,
  },
  {
    waId: '817034561289',
    wamid: 'wamid.HBgMODE3MDM0NTYxMjg5FQIAERgSRjA0NjMxNDE2RUVFMzdGMzUxAA==',
    text: '代わりの商品を本日発送しました',
    sentAt: 1793879140,
  },
  {
    waId: '4917640286153',
    wamid: 'wamid.HBgNNDkxNzY0MDI4NjE1MxUCABEYEkIzNjAzMjgwN0U2NzlEODA2OAA=',
    text: 'Ihre Lieferung kommt heute',
    sentAt: 1793880300,
  },
  {
    waId: '33745812093',
    wamid: 'wamid.HBgLMzM3NDU4MTIwOTMVAgARGBI3MkVBRjFGRjE5OUNGNEVCQzcA',
    text: 'Votre commande est prête',
    sentAt: 1793880312,
  },
];

beforeAll(async () => {
  p = await startPipeline('ingest_fixtures');
  // Every fixture but the reaction removal, in name order; statuses arrive before their
  // messages are known (orphans), as they do when the provider outruns the send API call.
  for (const name of fixtureNames().filter((n) => n !== 'reaction-removed.json')) await post(name);
  await drained(p.queue);
  for (const o of OUTBOUND) {
    await p.client.record({
      recipient: {
        accountId: A,
        user: { waId: o.waId, bsuid: '', parentBsuid: '', scopedId: '' },
      },
      wamid: o.wamid,
      content: MessageContent.fromPartial({ type: MessageType.TEXT, text: o.text }),
      author: carol,
      sentAt: at(o.sentAt),
    });
  }
}, 120_000);

afterAll(() => p?.stop());

describe('every fixture reaches profiles as the README says', () => {
  it('no delivery was dead-lettered', async () => {
    const counts = await p.queue.getJobCounts('failed', 'completed');
    expect(counts).toEqual({ failed: 0, completed: fixtureNames().length - 1 });
  });

  it('text-basic: Björn (wa_id + BSUID) and his text', async () => {
    const u = await userOf(A, { waId: '4917640286153' });
    expect([u.bsuid, u.profile?.name, u.accountId, u.wabaId]).toEqual([
      'DE.5830194726350817264',
      'Björn Großkreutz',
      A,
      '104857600112233',
    ]);
    const m = await messageOf(
      A,
      { waId: '4917640286153' },
      'wamid.HBgNNDkxNzY0MDI4NjE1MxUCABIYFDNBNjAxNTgyOUFGRkZEQjhBN0ZCAA==',
    );
    expect([m.direction, m.content?.type, m.content?.text, m.sentAt]).toEqual([
      1,
      MessageType.TEXT,
      'Guten Tag! Wann wird mein Paket #5820 geliefert? Viele Grüße aus Düsseldorf',
      at(1793877015),
    ]);
  });

  it('text-reply-with-context + edit-and-revoke: Guadalupe’s reply quotes our reminder and was edited to 16:30', async () => {
    const u = await userOf(A, { waId: '5213316480275' });
    expect(u.profile?.name).toBe('Guadalupe Ibáñez Peña');
    const m = await messageOf(
      A,
      { waId: '5213316480275' },
      'wamid.HBgNNTIxMzMxNjQ4MDI3NRUCABIYFDNBMDAyODI3RDkwMjQ2QUVEOEREAA==',
    );
    expect(m.context?.replyToWamid).toBe(
      'wamid.HBgNNTIxMzMxNjQ4MDI3NRUCABEYEkIyQjJDM0I2NDA5MkU5MzQ0QwA=',
    );
    expect(m.content?.text).toBe('Claro, ahí estaré el martes a las 16:30 🙌');
    expect(m.edits.map((e) => e.previousText)).toEqual([
      'Claro, ahí estaré el martes a las 16:00 🙌',
    ]);
    const revoked = await messageOf(
      A,
      { waId: '5213316480275' },
      'wamid.HBgNNTIxMzMxNjQ4MDI3NRUCABIYFDNBN0YyNDJDMEQ1QTAzNjJCOTA1AA==',
    );
    expect(revoked.revoked).toBe(true);
  });

  it('status-sent/delivered/read: our reminder to Guadalupe ends at read, whatever the arrival order', async () => {
    const m = await messageOf(
      A,
      { waId: '5213316480275' },
      'wamid.HBgNNTIxMzMxNjQ4MDI3NRUCABEYEkIyQjJDM0I2NDA5MkU5MzQ0QwA=',
    );
    expect(m.direction).toBe(2);
    expect(m.status).toBe(DeliveryStatus.READ);
    expect([m.statusTimes?.sentAt, m.statusTimes?.deliveredAt, m.statusTimes?.readAt]).toEqual([
      at(1793875800),
      at(1793875845),
      at(1793876790),
    ]);
    expect(m.pricing?.category).toBe('utility');
    expect(m.bizOpaqueCallbackData).toBe('case=50417;queue=billing');
  });

  it('status-failed: our message to Siobhán failed with 131047 and its details', async () => {
    const m = await messageOf(
      A,
      { waId: '353867041295' },
      'wamid.HBgMMzUzODY3MDQxMjk1FQIAERgSM0I5RjZERUQxNDM4OUNBMkZEAA==',
    );
    expect(m.status).toBe(DeliveryStatus.FAILED);
    expect(m.errors[0]).toMatchObject({
      code: 131047,
      title: 'Re-engagement message',
      details: expect.stringContaining('24 hours') as string,
    });
  });

  it('text-forwarded: Élodie’s forwarded and frequently forwarded texts', async () => {
    expect((await userOf(A, { waId: '33745812093' })).profile?.name).toBe('Élodie Marchand');
    const f = await messageOf(
      A,
      { waId: '33745812093' },
      'wamid.HBgLMzM3NDU4MTIwOTMVAgASGBQzQUM4MTI2RDFBQzA3Q0YxODU2NQA=',
    );
    const ff = await messageOf(
      A,
      { waId: '33745812093' },
      'wamid.HBgLMzM3NDU4MTIwOTMVAgASGBQzQTY0NkZERjkxRjMwOTAyMzcxOAA=',
    );
    expect([
      f.context?.forwarded,
      f.context?.frequentlyForwarded,
      ff.context?.forwarded,
      ff.context?.frequentlyForwarded,
    ]).toEqual([true, false, false, true]);
  });

  it('media: image, voice note, video, document (17-digit id), animated sticker', async () => {
    const img = await messageOf(
      A,
      { waId: '817034561289' },
      'wamid.HBgMODE3MDM0NTYxMjg5FQIAEhgUM0EzN0Y4Rjk5NkQ4REU1MjczM0UA',
    );
    expect((await userOf(A, { waId: '817034561289' })).profile?.name).toBe('鈴木 健太');
    expect([img.content?.type, img.content?.media?.mediaId, img.content?.text]).toEqual([
      MessageType.IMAGE,
      '1730928465019273',
      '箱がつぶれて中身が割れていました 😢📦',
    ]);
    const voice = await messageOf(
      A,
      { waId: '966503318842' },
      'wamid.HBgMOTY2NTAzMzE4ODQyFQIAEhgUM0EyMERFQUUxQjBDNEI3NkU3RDMA',
    );
    expect([
      voice.content?.type,
      voice.content?.media?.voice,
      voice.content?.media?.mediaId,
    ]).toEqual([MessageType.AUDIO, true, '613870294415528']);
    const video = await messageOf(
      A,
      { waId: '84938271645' },
      'wamid.HBgLODQ5MzgyNzE2NDUVAgASGBQzQTFDNDI0QjAxNzQ0NTVENDE1MgA=',
    );
    expect([video.content?.type, video.content?.media?.mediaId, video.content?.text]).toEqual([
      MessageType.VIDEO,
      '2409817736650193',
      'Máy lọc nước kêu rất to khi khởi động, mời xem video',
    ]);
    const doc = await messageOf(
      A,
      { waId: '4917640286153' },
      'wamid.HBgNNDkxNzY0MDI4NjE1MxUCABIYFDNBNUIwM0JGMzZBQ0VGQTNEQTQ4AA==',
    );
    expect([doc.content?.type, doc.content?.media?.filename, doc.content?.media?.mediaId]).toEqual([
      MessageType.DOCUMENT,
      'Lieferschein_2026-11-04.pdf',
      '38815270463390217',
    ]);
    const sticker = await messageOf(
      A,
      { waId: '33745812093' },
      'wamid.HBgLMzM3NDU4MTIwOTMVAgASGBQzQUE0QjUzQzE4MjkzN0QyNjVEQwA=',
    );
    expect([
      sticker.content?.type,
      sticker.content?.media?.animated,
      sticker.content?.media?.mediaId,
    ]).toEqual([MessageType.STICKER, true, '880134726650918']);
  });

  it('location-pin: Siobhán (no BSUID) and her pin', async () => {
    const u = await userOf(A, { waId: '353867041295' });
    expect([u.profile?.name, u.bsuid]).toEqual(['Siobhán Ní Dhónaill', '']);
    const m = await messageOf(
      A,
      { waId: '353867041295' },
      'wamid.HBgMMzUzODY3MDQxMjk1FQIAEhgUM0E5N0E3NDQ4NUIyQUVEQzZGQ0IA',
    );
    expect([
      m.content?.type,
      m.content?.location?.latitude,
      m.content?.location?.longitude,
    ]).toEqual([MessageType.LOCATION, 53.2743394, -9.0514163]);
  });

  it('contacts-vcard: two cards on Karthik’s message, and no users made from them', async () => {
    const u = await userOf(A, { waId: '917760213984' });
    const m = (await p.client.messages(u.id)).find(
      (x) => x.wamid === 'wamid.HBgMOTE5ODQ1MDEyMzc2FQIAEhgUM0E1RjZBOENGM0JFM0U3QkM3QUMA',
    );
    expect(m?.content?.contacts.map((c) => [c.formattedName, c.phones[0]?.waId])).toEqual([
      ['Prof. Lakshmi Venkatesh', '919900417263'],
      ['Anil', ''],
    ]);
    expect(await p.client.user(A, { waId: '919900417263' })).toBeUndefined();
  });

  it('system-user-changed-number: Karthik now has wa_id 917760213984, the old one remembered', async () => {
    const u = await userOf(A, { waId: '917760213984' });
    expect([u.profile?.name, u.previousWaIds]).toEqual(['Karthik Subramanian', ['919845012376']]);
  });

  it('interactive replies, template button and order', async () => {
    const btn = await messageOf(
      A,
      { waId: '5213316480275' },
      'wamid.HBgNNTIxMzMxNjQ4MDI3NRUCABIYFDNBNjdEOUEzNTI4QkM4MThDM0IyAA==',
    );
    expect(btn.content?.interactive).toMatchObject({
      kind: 'button_reply',
      id: 'move_slot_yes',
      title: 'Sí, otro día',
    });
    expect(btn.context?.replyToWamid).toBe(
      'wamid.HBgNNTIxMzMxNjQ4MDI3NRUCABEYEjU3ODUzMDgzNzFBOThENEQxRQA=',
    );
    const list = await messageOf(
      A,
      { waId: '84938271645' },
      'wamid.HBgLODQ5MzgyNzE2NDUVAgASGBQzQTc1QkI1MkRFOTBBOTlFQTMwNQA=',
    );
    expect(list.content?.interactive).toMatchObject({
      kind: 'list_reply',
      id: 'slot_2026-11-14T14:30',
      title: 'Thứ Bảy 14:30',
      description: 'Cửa hàng Quận 3',
    });
    const flow = await messageOf(
      A,
      { waId: '4917640286153' },
      'wamid.HBgNNDkxNzY0MDI4NjE1MxUCABIYFDNBM0ZBMTFEMTBCN0NCNTI3N0NGAA==',
    );
    expect(flow.content?.interactive?.flowToken).toBe('ft_3d9b7a41-return-survey');
    expect(JSON.parse(flow.content?.interactive?.flowResponseJson ?? '{}')).toMatchObject({
      rating: '5',
    });
    const quick = await messageOf(
      A,
      { waId: '353867041295' },
      'wamid.HBgMMzUzODY3MDQxMjk1FQIAEhgUM0FGQkUzRDJBQkE3OTVCODZBNDUA',
    );
    expect(quick.content?.button).toEqual({ text: 'Unsubscribe', payload: 'OPT_OUT_MARKETING' });
    const order = await messageOf(
      A,
      { waId: '33745812093' },
      'wamid.HBgLMzM3NDU4MTIwOTMVAgASGBQzQUY4MjA3RTQ5NkE5OEI0NEJCNgA=',
    );
    expect(
      order.content?.order?.items.map((i) => [
        i.productRetailerId,
        i.quantity,
        i.itemPrice,
        i.currency,
      ]),
    ).toEqual([
      ['SKU-BRIOCHE-6', 2, 7.4, 'EUR'],
      ['SKU-CONF-ABRICOT', 1, 5.25, 'EUR'],
    ]);
    expect(order.content?.order).toMatchObject({
      catalogId: '905512348876031',
      text: 'Merci de sonner deux fois, l’interphone est en panne',
    });
  });

  it('referral and unsupported: ad attribution kept; a poll stored as a placeholder', async () => {
    const u = await userOf(A, { waId: '380503817264' });
    expect(u.profile?.name).toBe('Олена Бондаренко');
    const m = await messageOf(
      A,
      { waId: '380503817264' },
      'wamid.HBgMMzgwNTAzODE3MjY0FQIAEhgUM0EzRUEzMENFMDA1MDE0MTU4NEIA',
    );
    expect([m.content?.text, m.referral?.sourceId, m.referral?.ctwaClid]).toEqual([
      'Добрий день! Бачила вашу рекламу — знижка на кросівки ще діє?',
      '120215530981274466',
      'ARBxmcMEb7oZ9AFZ1_icq35_XopR77vgnuerkNFmPUexDUk-Tsb0lSda',
    ]);
    const poll = await messageOf(
      A,
      { waId: '353867041295' },
      'wamid.HBgMMzUzODY3MDQxMjk1FQIAEhgUM0E2RDhFNUU2Mzk4OTAwMzFDQzYA',
    );
    expect([poll.content?.type, poll.content?.unsupportedType, poll.errors[0]?.code]).toEqual([
      MessageType.UNSUPPORTED,
      'poll_creation',
      131051,
    ]);
  });

  it('batch-3-messages-2-contacts: joined by wa_id; the nameless user has no name', async () => {
    const noura = await userOf(A, { waId: '966503318842' });
    const texts = (await p.client.messages(noura.id))
      .filter((m) => m.content?.type === MessageType.TEXT)
      .map((m) => m.wamid)
      .sort();
    expect(texts).toEqual([
      'wamid.HBgMOTY2NTAzMzE4ODQyFQIAEhgUM0EwM0UwMTJFQzgzMkU0RkJCNjMA',
      'wamid.HBgMOTY2NTAzMzE4ODQyFQIAEhgUM0EwNDVCNTEwMzI0RkI1Njc5NTYA',
    ]);
    const nameless = await userOf(A, { waId: '886912470385' });
    expect(nameless.profile?.name).toBeUndefined();
    const m = await messageOf(
      A,
      { waId: '886912470385' },
      'wamid.HBgMODg2OTEyNDcwMzg1FQIAEhgUM0FEQTExMkVEQ0M0OTk4M0Q0NjgA',
    );
    expect(m.content?.text).toBe('請問星期日有營業嗎？幾點關門？');
  });

  it('batch-multi-entry-multi-number: two numbers, two conversations; statuses attached', async () => {
    const onA = await userOf(A, { waId: '4917640286153' });
    const onB = await userOf(B, { waId: '4917640286153' });
    expect(onA.id).not.toBe(onB.id);
    expect(onB.wabaId).toBe('209876543210987');
    const audio = await messageOf(
      B,
      { waId: '4917640286153' },
      'wamid.HBgNNDkxNzY0MDI4NjE1MxUCABIYFDNBMTdGQkNGNzAwNUM5RUM3NDk1AA==',
    );
    expect([audio.content?.type, audio.content?.media?.voice]).toEqual([MessageType.AUDIO, false]);
    expect((await p.client.messages(onB.id)).map((m) => m.wamid)).toEqual([audio.wamid]);
    await messageOf(
      A,
      { waId: '4917640286153' },
      'wamid.HBgNNDkxNzY0MDI4NjE1MxUCABIYFDNBQzg5RTE0QkRCQkZFMzQwRTY1AA==',
    );
    expect((await messageOf(A, { waId: '4917640286153' }, OUTBOUND[3]!.wamid)).status).toBe(
      DeliveryStatus.DELIVERED,
    );
    expect((await messageOf(A, { waId: '33745812093' }, OUTBOUND[4]!.wamid)).status).toBe(
      DeliveryStatus.READ,
    );
  });

  it('text-bsuid-username-no-phone: Rafa, known by BSUID only', async () => {
    const u = await userOf(A, { bsuid: 'BR.5092837461029384756' });
    expect([u.waId, u.profile?.username, u.profile?.name]).toEqual([
      '',
      '@rafa.oliv',
      'Rafa Oliveira',
    ]);
    const m = (await p.client.messages(u.id)).map((x) => x.content?.text);
    expect(m).toEqual(['Olá! Vocês fazem entrega em Florianópolis?']);
  });

  it('wire-format-escaped-unicode: Øyvind and his caption, decoded from \\u escapes', async () => {
    expect((await userOf(A, { waId: '4794817263' })).profile?.name).toBe('Øyvind Sæther');
    const m = await messageOf(
      A,
      { waId: '4794817263' },
      'wamid.HBgKNDc5NDgxNzI2MxUCABIYFDNBNzZGNEYwOEUzRjBFQ0YwOEUyAA==',
    );
    expect(m.content?.text).toBe(
      'Kan jeg hente 12 skillingsboller på lørdag? 🥐🙂 Pris: 25 kr/stk',
    );
  });

  it('errors-value-level: nothing user-facing, the provider error counted', async () => {
    const metrics = await (await fetch(`${p.ingest.url}/metrics`)).text();
    expect(metrics).toMatch(/ingest_provider_errors_total\{code="131000"\} 1/);
  });

  it('reaction-added then reaction-removed: ❤️‍🔥 appears, then no reaction remains, even if the add is replayed', async () => {
    const target = OUTBOUND[2]!;
    const reactions = async () =>
      (await messageOf(A, { waId: target.waId }, target.wamid)).reactions.map((r) => r.emoji);
    expect(await reactions()).toEqual(['❤️‍🔥']);
    await post('reaction-removed.json');
    await drained(p.queue);
    expect(await reactions()).toEqual([]);
    await postWebhook(
      p.ingest.url,
      Buffer.concat([fixture('reaction-added.json'), Buffer.from(' ')]),
      signBody(Buffer.concat([fixture('reaction-added.json'), Buffer.from(' ')]), APP_SECRET),
    );
    await drained(p.queue);
    expect(await reactions()).toEqual([]);
  });
});
