// EraseUser leaves no copy behind: after it, neither any document of any collection nor any key
// of this file's Redis stream and queue prefix holds the user's wa_id, phone number (E.164 or
// digits) or name. The erased user keeps its counters and an audit record without them.
import { Binary } from 'mongodb';
import {
  ActorKind,
  DeliveryStatus,
  LogEntryKind,
  MessageContent,
  MessageType,
  WebhookEvent,
} from '@ue/proto';
import { textWebhook, statusWebhook } from '@ue/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, edit, inboundText, reaction, ref, seen, t } from './events.js';
import { call, startHarness, type Harness } from './harness.js';

const ZOE = ref('4915799887766', 'DE.77120045');
const E164 = '+4915799887766';
const NAME = 'Zoë Erasmus-Testperson';
const NEEDLES = [ZOE.waId, E164, 'Erasmus', 'DE.77120045'];
const BEN = ref('447700900456');
const ADMIN = { kind: ActorKind.ADMIN, id: 'dpo', displayName: 'Data Protection' };

let h: Harness;
beforeAll(async () => {
  h = await startHarness('erase');
});
afterAll(() => h.close());

/** Every string in a value, binary data read as UTF-8 (raw deliveries are provider JSON). */
function textOf(v: unknown): string {
  if (v instanceof Binary) return Buffer.from(v.buffer).toString('utf8');
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(textOf).join('\n');
  if (typeof v === 'object' && v !== null)
    return Object.entries(v)
      .map(([k, x]) => `${k}:${textOf(x)}`)
      .join('\n');
  return String(v);
}

/** Every document of every collection, as text, by collection. */
async function databaseText(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const c of await h.mongo.db.listCollections({}, { nameOnly: true }).toArray()) {
    const docs = await h.mongo.db.collection(c.name).find({}).toArray();
    out.set(c.name, docs.map(textOf).join('\n'));
  }
  return out;
}

/** Every key of this file's stream and BullMQ prefix, whatever its type, as text. */
async function redisText(): Promise<Map<string, string>> {
  const keys = new Set([h.stream]);
  let cursor = '0';
  do {
    const [next, found] = await h.redis.scan(cursor, 'MATCH', `${h.bullPrefix}*`, 'COUNT', 500);
    found.forEach((k) => keys.add(k));
    cursor = next;
  } while (cursor !== '0');
  const r = h.redis;
  const out = new Map<string, string>();
  for (const key of keys) {
    const type = await r.type(key);
    const value =
      type === 'string'
        ? await r.getBuffer(key)
        : type === 'hash'
          ? await r.hgetallBuffer(key)
          : type === 'list'
            ? await r.lrangeBuffer(key, 0, -1)
            : type === 'set'
              ? await r.smembersBuffer(key)
              : type === 'zset'
                ? await r.zrangeBuffer(key, 0, -1, 'WITHSCORES')
                : type === 'stream'
                  ? await r.xrangeBuffer(key, '-', '+')
                  : null;
    if (type !== 'none') out.set(`${type} ${key}`, textOf(value));
  }
  return out;
}

/** Where each needle occurs: "<place>: <needle>". */
function hits(places: Map<string, string>): string[] {
  return [...places].flatMap(([place, text]) =>
    NEEDLES.filter((n) => text.includes(n)).map((n) => `${place}: ${n}`),
  );
}

describe('EraseUser', () => {
  it('leaves the wa_id, phone and name nowhere in MongoDB or Redis', async () => {
    const inbound = textWebhook({ waId: ZOE.waId, name: NAME, text: 'Hallo', wamid: 'wamid.Z1' });
    const bens = textWebhook({ waId: BEN.waId, name: 'Ben Stone', text: 'Hi', wamid: 'wamid.B1' });
    const statusBody = statusWebhook({
      wamid: 'wamid.ZO1',
      waId: ZOE.waId,
      status: 'read',
      at: t(9),
    });
    const statusOf = (wamid: string, s: DeliveryStatus, minute: number) =>
      WebhookEvent.fromPartial({
        accountId: ACCOUNT,
        occurredAt: t(minute),
        event: { $case: 'status', status: { wamid, status: s, recipient: ZOE } },
      });
    const delivery = (body: string) => ({
      sha256: '',
      body: Buffer.from(body),
      receivedAt: t(0),
      provider: 'whatsapp',
    });
    await call(h.client, 'applyWebhookEvents', {
      events: [
        seen(ZOE, NAME, t(0)),
        inboundText('wamid.Z1', ZOE, `Hallo, ich bin ${NAME}, Nummer ${E164}`, t(0)),
        inboundText('wamid.Z2', ZOE, 'Noch eine Frage', t(1)),
        edit('wamid.Z3', ZOE, 'wamid.Z2', `Noch eine Frage von ${NAME}`, t(2)),
        // about messages that never arrive: kept as orphans naming Zoë or her message
        reaction('wamid.Z4', ZOE, 'wamid.NEVER', '👍', t(3)),
        statusOf('wamid.ZO-unknown', DeliveryStatus.DELIVERED, 3),
        seen(BEN, 'Ben Stone', t(0)),
        inboundText('wamid.B1', BEN, 'Hi', t(0)),
      ],
      deliveries: [delivery(inbound), delivery(bens)],
    });
    const userId = (
      await call(h.client, 'getUser', {
        lookup: { $case: 'accountUser', accountUser: { accountId: ACCOUNT, user: ZOE } },
      })
    ).user!.id;
    await call(h.client, 'recordOutboundMessage', {
      userId,
      recipient: undefined,
      wamid: 'wamid.ZO1',
      clientId: '',
      content: MessageContent.fromPartial({ type: MessageType.TEXT, text: `Hallo ${NAME}!` }),
      author: ADMIN,
      sentAt: t(5),
      bizOpaqueCallbackData: '',
    });
    await call(h.client, 'applyWebhookEvents', {
      events: [statusOf('wamid.ZO1', DeliveryStatus.READ, 9)],
      deliveries: [delivery(statusBody)],
    });
    await call(h.client, 'sendMessage', {
      userId,
      content: MessageContent.fromPartial({
        type: MessageType.TEMPLATE,
        template: { name: 'order_update', language: 'de', componentsJson: `["${NAME}"]` },
      }),
      author: ADMIN,
      clientId: 'c1',
      replyToMessageId: '',
    });
    await call(h.client, 'upsertFacts', {
      userId,
      facts: [
        { key: 'full_name', value: NAME, confidence: 1, sourceMessageId: '', retract: false },
        { key: 'phone', value: E164, confidence: 1, sourceMessageId: '', retract: false },
      ],
      author: ADMIN,
    });
    await call(h.client, 'addLogEntry', {
      userId,
      kind: LogEntryKind.FOLLOW_UP,
      text: `Call ${NAME} back on ${E164}`,
      dueAt: t(60),
      author: ADMIN,
      clientId: '',
    });
    await call(h.client, 'updateUser', {
      userId,
      actor: ADMIN,
      status: 2,
      addTags: ['vip'],
      removeTags: [],
      paused: true,
      displayName: `${NAME} (VIP)`,
      email: 'zoe.erasmus@example.com',
      reason: `asked by ${NAME}`,
    });
    // The needles are there before: the search can find them.
    const before = hits(new Map([...(await databaseText()), ...(await redisText())]));
    for (const place of ['users', 'messages', 'deliveries', 'orphans', 'facts', 'log_entries'])
      expect(before.some((x) => x.startsWith(`${place}:`))).toBe(true);
    expect(before.some((x) => x.startsWith(`stream ${h.stream}`))).toBe(true);
    expect(before.some((x) => x.startsWith(`hash ${h.bullPrefix}`))).toBe(true);

    const erased = await call(h.client, 'eraseUser', {
      userId,
      actor: ADMIN,
      reason: `Art. 17 request by ${NAME}, ${E164}`,
    });
    // 4 messages (2 inbound, the recorded and the queued reply); the follow-up and 5 system entries
    expect(erased).toEqual({
      messagesErased: 4,
      factsErased: 2,
      logEntriesErased: 6,
      reviewsErased: 0,
    });

    expect([...hits(await databaseText()), ...hits(await redisText())]).toEqual([]);
    // What is kept: the anonymous counters, and the audit record (without the number or name).
    const left = await h.mongo.cols.users.findOne({ _id: userId });
    expect(left?.counters).toMatchObject({ inboundMessages: 2, outboundMessages: 2 });
    expect(left?.erasedAt).toBeInstanceOf(Date);
    const audit = await h.mongo.cols.audit.find({ userId }).toArray();
    expect(audit).toMatchObject([
      { kind: 'user_erased', reason: 'Art. 17 request by [erased], [erased]' },
    ]);
    // Ben's data is untouched.
    const ben = await call(h.client, 'getUser', {
      lookup: { $case: 'accountUser', accountUser: { accountId: ACCOUNT, user: BEN } },
    });
    expect(ben.user?.profile?.name).toBe('Ben Stone');
    expect(await h.mongo.cols.deliveries.countDocuments()).toBe(1);
  });
});
