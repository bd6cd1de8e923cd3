// Acceptance: every shared fixture, signed and posted to the running ingest service, ends up in
// profiles (a real process over gRPC) exactly as shared/fixtures/whatsapp/README.md says.
import {
  ActorKind,
  DeliveryStatus,
  MessageContent,
  MessageType,
  type Message,
  type User,
} from '@ue/proto';
import { requireEnv, testMongoUrl, uniqueName } from '@ue/testing';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AGENT_TOKEN,
  APP_SECRET,
  drained,
  fixture,
  fixtureNames,
  ingestEnv,
  postWebhook,
  signBody,
  startIngest,
  startProfiles,
  type Ingest,
  type Profiles,
} from './helpers.js';
import { testProfilesClient, type TestProfilesClient } from './profiles-client.js';

const A = '117733559900011';
const B = '228844661100022';
const prefix = uniqueName('ingest_fixtures');
let profiles: Profiles;
let ingest: Ingest;
let queue: Queue;
let client: TestProfilesClient;

async function post(name: string): Promise<void> {
  const body = fixture(name);
  const res = await postWebhook(ingest.url, body, signBody(body, APP_SECRET));
  expect(res.status, name).toBe(200);
}

async function userOf(account: string, ref: { waId?: string; bsuid?: string }): Promise<User> {
  const u = await client.user(account, ref);
  if (!u) throw new Error(`no user ${JSON.stringify(ref)} on ${account}`);
  return u;
}

async function messageOf(
  account: string,
  ref: { waId?: string; bsuid?: string },
  wamid: string,
): Promise<Message> {
  const u = await userOf(account, ref);
  const m = (await client.messages(u.id)).find((x) => x.wamid === wamid);
  if (!m) throw new Error(`no message ${wamid} for ${JSON.stringify(ref)}`);
  return m;
}

const at = (unix: number): Date => new Date(unix * 1000);
const carol = { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol' };

/** Our own outbound messages that statuses and reactions in the fixtures refer to. */
const OUTBOUND = [
  {
    waId: '5215512345678',
    wamid: 'wamid.HBgNNTIxNTUxMjM0NTY3OBUCABEYEjJEOEFFMkM2NEU1REVGRDgxQQA=',
    text: 'Recordatorio: su cita es el jueves a las 10:30',
    sentAt: 1794300600,
  },
  {
    waId: '353871234567',
    wamid: 'wamid.HBgMMzUzODcxMjM0NTY3FQIAERgSQ0IzNjMxMzk1MDZBMjkwNEI0AA==',
    text: 'Your order has shipped',
    sentAt: 1794303590,
  },
  {
    waId: '819012345678',
    wamid: 'wamid.HBgMODE5MDEyMzQ1Njc4FQIAERgSQTYwQjM0Q0ZEOTYzNTNGNEM4AA==',
    text: '交換品を発送しました',
    sentAt: 1794302800,
  },
  {
    waId: '4915112345678',
    wamid: 'wamid.HBgNNDkxNTExMjM0NTY3OBUCABEYEjU1MTcyQURBMjU1NkU2MTREQQA=',
    text: 'Ihre Lieferung kommt heute',
    sentAt: 1794303800,
  },
  {
    waId: '33612345678',
    wamid: 'wamid.HBgLMzM2MTIzNDU2NzgVAgARGBI4MzgyQzRGOUFFN0Q0MzY2MkEA',
    text: 'Votre commande est prête',
    sentAt: 1794303810,
  },
];

beforeAll(async () => {
  const redisUrl = requireEnv('REDIS_URL');
  profiles = await startProfiles({ mongoUrl: testMongoUrl('ingest_fixtures'), redisUrl, prefix });
  ingest = await startIngest(ingestEnv({ redisUrl, prefix, profilesAddr: profiles.addr }));
  queue = new Queue('webhooks', { connection: { url: redisUrl }, prefix });
  client = testProfilesClient(profiles.addr, AGENT_TOKEN);
  // Every fixture but the reaction removal, in name order; statuses arrive before their
  // messages are known (orphans), as they do when the provider outruns the send API call.
  for (const name of fixtureNames().filter((n) => n !== 'reaction-removed.json')) await post(name);
  await drained(queue);
  for (const o of OUTBOUND) {
    await client.record({
      recipient: { accountId: A, user: { waId: o.waId, bsuid: '', parentBsuid: '' } },
      wamid: o.wamid,
      content: MessageContent.fromPartial({ type: MessageType.TEXT, text: o.text }),
      author: carol,
      sentAt: at(o.sentAt),
    });
  }
}, 120_000);

afterAll(async () => {
  client?.close();
  await queue?.close();
  await ingest?.proc.stop();
  await profiles?.proc.stop();
});

describe('every fixture reaches profiles as the README says', () => {
  it('no delivery was dead-lettered', async () => {
    const counts = await queue.getJobCounts('failed', 'completed');
    expect(counts).toEqual({ failed: 0, completed: fixtureNames().length - 1 });
  });

  it('text-basic: Jürgen (wa_id + BSUID) and his text', async () => {
    const u = await userOf(A, { waId: '4915112345678' });
    expect([u.bsuid, u.profile?.name, u.accountId, u.wabaId]).toEqual([
      'DE.7120934857612093485',
      'Jürgen Weiß',
      A,
      '104857600112233',
    ]);
    const m = await messageOf(
      A,
      { waId: '4915112345678' },
      'wamid.HBgNNDkxNTExMjM0NTY3OBUCABIYFDNBQUVGRERGRkUwNjhFQ0ZFODVBAA==',
    );
    expect([m.direction, m.content?.type, m.content?.text, m.sentAt]).toEqual([
      1,
      MessageType.TEXT,
      'Hallo! Ist meine Bestellung #4711 schon unterwegs? Grüße aus Köln',
      at(1794301200),
    ]);
  });

  it('text-reply-with-context + edit-and-revoke: María’s reply quotes our reminder and was edited to 11:00', async () => {
    const u = await userOf(A, { waId: '5215512345678' });
    expect(u.profile?.name).toBe('María José Núñez');
    const m = await messageOf(
      A,
      { waId: '5215512345678' },
      'wamid.HBgNNTIxNTUxMjM0NTY3OBUCABIYFDNBRjc1NjU3ODQxOTZDM0VCNzdEAA==',
    );
    expect(m.context?.replyToWamid).toBe(
      'wamid.HBgNNTIxNTUxMjM0NTY3OBUCABEYEjJEOEFFMkM2NEU1REVGRDgxQQA=',
    );
    expect(m.content?.text).toBe('Sí, confirmo la cita del jueves a las 11:00 👍');
    expect(m.edits.map((e) => e.previousText)).toEqual([
      'Sí, confirmo la cita del jueves a las 10:30 👍',
    ]);
    const revoked = await messageOf(
      A,
      { waId: '5215512345678' },
      'wamid.HBgNNTIxNTUxMjM0NTY3OBUCABIYFDNBMTQ0RUYwMUNDOTcyOUM4OTgzAA==',
    );
    expect(revoked.revoked).toBe(true);
  });

  it('status-sent/delivered/read: our reminder to María ends at read, whatever the arrival order', async () => {
    const m = await messageOf(
      A,
      { waId: '5215512345678' },
      'wamid.HBgNNTIxNTUxMjM0NTY3OBUCABEYEjJEOEFFMkM2NEU1REVGRDgxQQA=',
    );
    expect(m.direction).toBe(2);
    expect(m.status).toBe(DeliveryStatus.READ);
    expect([m.statusTimes?.sentAt, m.statusTimes?.deliveredAt, m.statusTimes?.readAt]).toEqual([
      at(1794300600),
      at(1794300660),
      at(1794301170),
    ]);
    expect(m.pricing?.category).toBe('utility');
    expect(m.bizOpaqueCallbackData).toBe('ticket=88231;agent=42');
  });

  it('status-failed: our message to Tomás failed with 131047 and its details', async () => {
    const m = await messageOf(
      A,
      { waId: '353871234567' },
      'wamid.HBgMMzUzODcxMjM0NTY3FQIAERgSQ0IzNjMxMzk1MDZBMjkwNEI0AA==',
    );
    expect(m.status).toBe(DeliveryStatus.FAILED);
    expect(m.errors[0]).toMatchObject({
      code: 131047,
      title: 'Re-engagement message',
      details: expect.stringContaining('24 hours') as string,
    });
  });

  it('text-forwarded: Chloé’s forwarded and frequently forwarded texts', async () => {
    expect((await userOf(A, { waId: '33612345678' })).profile?.name).toBe('Chloé Dubois');
    const f = await messageOf(
      A,
      { waId: '33612345678' },
      'wamid.HBgLMzM2MTIzNDU2NzgVAgASGBQzQTQ5MThBMDU5MDY2NjA2REYzRgA=',
    );
    const ff = await messageOf(
      A,
      { waId: '33612345678' },
      'wamid.HBgLMzM2MTIzNDU2NzgVAgASGBQzQUFFOEE4OUVBMUNEOTYxNDU5NQA=',
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
      { waId: '819012345678' },
      'wamid.HBgMODE5MDEyMzQ1Njc4FQIAEhgUM0FFRjg4MEZFNkRGOTM4MDA2ODUA',
    );
    expect((await userOf(A, { waId: '819012345678' })).profile?.name).toBe('田中 愛子');
    expect([img.content?.type, img.content?.media?.mediaId, img.content?.text]).toEqual([
      MessageType.IMAGE,
      '1284467093355120',
      '届いた商品が破損していました 📦💔',
    ]);
    const voice = await messageOf(
      A,
      { waId: '971501234567' },
      'wamid.HBgMOTcxNTAxMjM0NTY3FQIAEhgUM0E2OEIwN0Y1RDhFMzgxQ0FGRDkA',
    );
    expect([
      voice.content?.type,
      voice.content?.media?.voice,
      voice.content?.media?.mediaId,
    ]).toEqual([MessageType.AUDIO, true, '904415582273301']);
    const video = await messageOf(
      A,
      { waId: '84912345678' },
      'wamid.HBgLODQ5MTIzNDU2NzgVAgASGBQzQTgxMjc4MjczNkJCMjI2MDM3QQA=',
    );
    expect([video.content?.type, video.content?.media?.mediaId, video.content?.text]).toEqual([
      MessageType.VIDEO,
      '3319025576401982',
      'Video hướng dẫn lắp ráp bị lỗi ở bước 3',
    ]);
    const doc = await messageOf(
      A,
      { waId: '4915112345678' },
      'wamid.HBgNNDkxNTExMjM0NTY3OBUCABIYFDNBQjA4REM1MTU5MjhERDZFOEExAA==',
    );
    expect([doc.content?.type, doc.content?.media?.filename, doc.content?.media?.mediaId]).toEqual([
      MessageType.DOCUMENT,
      'Rechnung_2026-11-03.pdf',
      '27251809591113344',
    ]);
    const sticker = await messageOf(
      A,
      { waId: '33612345678' },
      'wamid.HBgLMzM2MTIzNDU2NzgVAgASGBQzQTlGNTFGOTExRkQ2RDcwRTkxNgA=',
    );
    expect([
      sticker.content?.type,
      sticker.content?.media?.animated,
      sticker.content?.media?.mediaId,
    ]).toEqual([MessageType.STICKER, true, '771203948812334']);
  });

  it('location-pin: Tomás (no BSUID) and his pin', async () => {
    const u = await userOf(A, { waId: '353871234567' });
    expect([u.profile?.name, u.bsuid]).toEqual(['Tomás Ó Briain', '']);
    const m = await messageOf(
      A,
      { waId: '353871234567' },
      'wamid.HBgMMzUzODcxMjM0NTY3FQIAEhgUM0FGNDJGMDIxRTQzQUEzOTBDQUUA',
    );
    expect([
      m.content?.type,
      m.content?.location?.latitude,
      m.content?.location?.longitude,
    ]).toEqual([MessageType.LOCATION, 53.3438053, -6.2545913]);
  });

  it('contacts-vcard: two cards on Priya’s message, and no users made from them', async () => {
    const u = await userOf(A, { waId: '919812345670' });
    const m = (await client.messages(u.id)).find(
      (x) => x.wamid === 'wamid.HBgMOTE5ODc2NTQzMjEwFQIAEhgUM0FCMUI1NjU5RTc2MDkyRUQ5OTcA',
    );
    expect(m?.content?.contacts.map((c) => [c.formattedName, c.phones[0]?.waId])).toEqual([
      ['Dr. Ananya Iyer', '919840012345'],
      ['Rahul', ''],
    ]);
    expect(await client.user(A, { waId: '919840012345' })).toBeUndefined();
  });

  it('system-user-changed-number: Priya now has wa_id 919812345670, the old one remembered', async () => {
    const u = await userOf(A, { waId: '919812345670' });
    expect([u.profile?.name, u.previousWaIds]).toEqual(['Priya Raghunathan', ['919876543210']]);
  });

  it('interactive replies, template button and order', async () => {
    const btn = await messageOf(
      A,
      { waId: '5215512345678' },
      'wamid.HBgNNTIxNTUxMjM0NTY3OBUCABIYFDNBQTI2OUI5MkQxQTY4RkQ2Qjc5AA==',
    );
    expect(btn.content?.interactive).toMatchObject({
      kind: 'button_reply',
      id: 'resched_yes',
      title: 'Sí, reprogramar',
    });
    expect(btn.context?.replyToWamid).toBe(
      'wamid.HBgNNTIxNTUxMjM0NTY3OBUCABEYEkE0MzQ5NjJEMDMxRjFDRDIzRgA=',
    );
    const list = await messageOf(
      A,
      { waId: '84912345678' },
      'wamid.HBgLODQ5MTIzNDU2NzgVAgASGBQzQUIzRkMwQ0MxRkUzRThFNDZENQA=',
    );
    expect(list.content?.interactive).toMatchObject({
      kind: 'list_reply',
      id: 'slot_2026-11-12T09:00',
      title: 'Thứ Năm 09:00',
      description: 'Chi nhánh Quận 1',
    });
    const flow = await messageOf(
      A,
      { waId: '4915112345678' },
      'wamid.HBgNNDkxNTExMjM0NTY3OBUCABIYFDNBMjM3NTVGRTQyNEIzNjNDQjU1AA==',
    );
    expect(flow.content?.interactive?.flowToken).toBe('ft_8c1e2f0a-delivery-feedback');
    expect(JSON.parse(flow.content?.interactive?.flowResponseJson ?? '{}')).toMatchObject({
      rating: '4',
    });
    const quick = await messageOf(
      A,
      { waId: '353871234567' },
      'wamid.HBgMMzUzODcxMjM0NTY3FQIAEhgUM0E5QzkzOTI3OUY3ODA0RDgxN0UA',
    );
    expect(quick.content?.button).toEqual({ text: 'Stop promotions', payload: 'STOP_PROMOS' });
    const order = await messageOf(
      A,
      { waId: '33612345678' },
      'wamid.HBgLMzM2MTIzNDU2NzgVAgASGBQzQTVGNDVERDcyNkNCN0RDNjNDNgA=',
    );
    expect(
      order.content?.order?.items.map((i) => [
        i.productRetailerId,
        i.quantity,
        i.itemPrice,
        i.currency,
      ]),
    ).toEqual([
      ['SKU-CROISS-12', 2, 8.5, 'EUR'],
      ['SKU-CAFE-250G', 1, 12.9, 'EUR'],
    ]);
    expect(order.content?.order).toMatchObject({
      catalogId: '774411223355668',
      text: 'Livraison avant vendredi svp',
    });
  });

  it('referral and unsupported: ad attribution kept; a poll stored as a placeholder', async () => {
    const u = await userOf(A, { waId: '380671234567' });
    expect(u.profile?.name).toBe('Катерина Шевченко');
    const m = await messageOf(
      A,
      { waId: '380671234567' },
      'wamid.HBgMMzgwNjcxMjM0NTY3FQIAEhgUM0FGMzREMzkxNzQ4QjkyODlEOEIA',
    );
    expect([m.content?.text, m.referral?.sourceId, m.referral?.ctwaClid]).toEqual([
      'Hi! I saw your ad — is the winter sale still on?',
      '120244556677889900',
      'ARAkLmX7c2VjcmV0LWNsaWNrLWlkLWZvci1hdHRyaWJ1dGlvbi0yMDI2',
    ]);
    const poll = await messageOf(
      A,
      { waId: '353871234567' },
      'wamid.HBgMMzUzODcxMjM0NTY3FQIAEhgUM0E3N0M3MDVCNUEwMDdFNzhBNTYA',
    );
    expect([poll.content?.type, poll.content?.unsupportedType, poll.errors[0]?.code]).toEqual([
      MessageType.UNSUPPORTED,
      'poll_creation',
      131051,
    ]);
  });

  it('batch-3-messages-2-contacts: joined by wa_id; the nameless user has no name', async () => {
    const fatima = await userOf(A, { waId: '971501234567' });
    const texts = (await client.messages(fatima.id))
      .filter((m) => m.content?.type === MessageType.TEXT)
      .map((m) => m.wamid)
      .sort();
    expect(texts).toEqual([
      'wamid.HBgMOTcxNTAxMjM0NTY3FQIAEhgUM0E4QUNDMUQ1OUI1QTU5QjdGNzIA',
      'wamid.HBgMOTcxNTAxMjM0NTY3FQIAEhgUM0FCQjc1QkEwRDA5RTgzQzk1RTQA',
    ]);
    const nameless = await userOf(A, { waId: '447700900123' });
    expect(nameless.profile?.name).toBeUndefined();
    const m = await messageOf(
      A,
      { waId: '447700900123' },
      'wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhgUM0EyOEQyRjE5NUYwMEUwNDY1MTQA',
    );
    expect(m.content?.text).toBe('请问你们周末营业吗？营业时间是几点？');
  });

  it('batch-multi-entry-multi-number: two numbers, two conversations; statuses attached', async () => {
    const onA = await userOf(A, { waId: '4915112345678' });
    const onB = await userOf(B, { waId: '4915112345678' });
    expect(onA.id).not.toBe(onB.id);
    expect(onB.wabaId).toBe('209876543210987');
    const audio = await messageOf(
      B,
      { waId: '4915112345678' },
      'wamid.HBgNNDkxNTExMjM0NTY3OBUCABIYFDNBMzhDMDlGMzg0ODNCQTlCQzE3AA==',
    );
    expect([audio.content?.type, audio.content?.media?.voice]).toEqual([MessageType.AUDIO, false]);
    expect((await client.messages(onB.id)).map((m) => m.wamid)).toEqual([audio.wamid]);
    await messageOf(
      A,
      { waId: '4915112345678' },
      'wamid.HBgNNDkxNTExMjM0NTY3OBUCABIYFDNBNUREQzQ0MjMyMzk1MzM2MTRGAA==',
    );
    expect((await messageOf(A, { waId: '4915112345678' }, OUTBOUND[3]!.wamid)).status).toBe(
      DeliveryStatus.DELIVERED,
    );
    expect((await messageOf(A, { waId: '33612345678' }, OUTBOUND[4]!.wamid)).status).toBe(
      DeliveryStatus.READ,
    );
  });

  it('text-bsuid-username-no-phone: Lucas, known by BSUID only', async () => {
    const u = await userOf(A, { bsuid: 'BR.8734521098765432101' });
    expect([u.waId, u.profile?.username, u.profile?.name]).toEqual(['', '@lucas.m', 'Lucas M.']);
    const m = (await client.messages(u.id)).map((x) => x.content?.text);
    expect(m).toEqual(['Oi! Vocês entregam em Curitiba?']);
  });

  it('wire-format-escaped-unicode: Zoë and her caption, decoded from \\u escapes', async () => {
    expect((await userOf(A, { waId: '46701234567' })).profile?.name).toBe('Zoë Ångström');
    const m = await messageOf(
      A,
      { waId: '46701234567' },
      'wamid.HBgLNDY3MDEyMzQ1NjcVAgASGBQzQTg5OUI5MDFGRkEzNjNENDBGRAA=',
    );
    expect(m.content?.text).toBe('Smörgåstårta för 12 personer? 🎂 Pris: 450 kr/st');
  });

  it('errors-value-level: nothing user-facing, the provider error counted', async () => {
    const metrics = await (await fetch(`${ingest.url}/metrics`)).text();
    expect(metrics).toMatch(/ingest_provider_errors_total\{code="131000"\} 1/);
  });

  it('reaction-added then reaction-removed: ❤️ appears, then no reaction remains, even if the add is replayed', async () => {
    const target = OUTBOUND[2]!;
    const reactions = async () =>
      (await messageOf(A, { waId: target.waId }, target.wamid)).reactions.map((r) => r.emoji);
    expect(await reactions()).toEqual(['❤️']);
    await post('reaction-removed.json');
    await drained(queue);
    expect(await reactions()).toEqual([]);
    await postWebhook(
      ingest.url,
      Buffer.concat([fixture('reaction-added.json'), Buffer.from(' ')]),
      signBody(Buffer.concat([fixture('reaction-added.json'), Buffer.from(' ')]), APP_SECRET),
    );
    await drained(queue);
    expect(await reactions()).toEqual([]);
  });
});
