// Retention per account and data class against real MongoDB (issue 14): a shortened period
// removes exactly what is older than it on that account — messages (with their files and the
// search words only they held), media files, raw deliveries, review texts — and nothing else:
// counters and GetStats' figures stay the same, other accounts and newer data are untouched, and
// a second sweep changes nothing.
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { createProfilesClient, type ProfilesClient } from '@ue/profiles-client';
import {
  ActorKind,
  Channel,
  RetentionPolicy,
  UpdateAccountRequest,
  EraseUserRequest,
  GetStatsRequest,
  GetUserRequest,
  ListMessagesRequest,
  ListUsersRequest,
  MediaState,
  MessageType,
  StatsBucket,
  UploadMediaHeader,
  type WebhookEvent,
} from '@ue/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepRetention } from '../src/app/retention.js';
import { ACCOUNT, ACCOUNT_B, inboundMedia, inboundText, ref } from './events.js';
import { call, startHarness, TOKEN, type Harness } from './harness.js';
import { recordRequest, review } from './reviews.js';

let h: Harness;
let client: ProfilesClient;
beforeAll(async () => {
  h = await startHarness('retention');
  client = createProfilesClient({ addr: h.addr, token: TOKEN, deadlineMs: 20_000 });
});
afterAll(async () => {
  client.close();
  await h.close();
});

const DAY = 86_400_000;
const now = Date.now();
const ago = (days: number) => new Date(now - days * DAY);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

const apply = (events: WebhookEvent[], deliveries: { body: string; at: Date }[] = []) =>
  call(h.client, 'applyWebhookEvents', {
    events,
    deliveries: deliveries.map((d) => ({
      sha256: sha(Buffer.from(d.body)),
      body: Buffer.from(d.body),
      receivedAt: d.at,
      provider: 'whatsapp',
    })),
  });

/** A WhatsApp delivery body naming the account's number (what retention files it under). */
const deliveryOf = (accountId: string, text: string) =>
  JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '104857600112233',
        changes: [{ value: { metadata: { phone_number_id: accountId } }, field: 'messages', text }],
      },
    ],
  });

/** The policy as an admin sets it (the Accounts page calls UpdateAccount the same way). */
async function setPolicy(accountId: string, retention: Partial<RetentionPolicy>) {
  await call(
    h.client,
    'updateAccount',
    UpdateAccountRequest.fromPartial({
      accountId,
      actor: { kind: ActorKind.ADMIN, id: 'ops', displayName: 'Ops' },
      channel: Channel.WHATSAPP,
      retention: RetentionPolicy.fromPartial(retention),
    }),
  );
}

const messagesOf = async (userId: string) =>
  (await call(h.client, 'listMessages', ListMessagesRequest.fromPartial({ userId, pageSize: 200 })))
    .messages;
const userOf = async (accountId: string, waId: string) =>
  (
    await call(
      h.client,
      'getUser',
      GetUserRequest.fromPartial({
        lookup: { $case: 'accountUser', accountUser: { accountId, user: ref(waId) } },
      }),
    )
  ).user!;
const search = async (query: string) =>
  (await call(h.client, 'listUsers', ListUsersRequest.fromPartial({ query }))).users.map(
    (u) => u.id,
  );
const stats = () =>
  call(
    h.client,
    'getStats',
    GetStatsRequest.fromPartial({
      accountId: ACCOUNT,
      from: ago(60),
      to: new Date(now + DAY),
      bucket: StatsBucket.DAY,
    }),
  );

describe('retention per account', () => {
  it('removes what is older than each period on that account, and nothing else', async () => {
    const A = '491700000111';
    const B = '491700000222';
    await apply(
      [
        inboundText('wamid.R-old', ref(A), 'tulips from amsterdam', ago(40)),
        inboundMedia(
          'wamid.R-img',
          ref(A),
          { type: MessageType.IMAGE, mediaId: '7001', mimeType: 'image/png' },
          ago(10),
        ),
        inboundText('wamid.R-new', ref(A), 'hello again', ago(1)),
        inboundText('wamid.R-b-old', ref(B), 'tulips on the other number', ago(40), ACCOUNT_B),
      ],
      [
        { body: deliveryOf(ACCOUNT, 'old'), at: ago(40) },
        { body: deliveryOf(ACCOUNT, 'new'), at: ago(1) },
        { body: deliveryOf(ACCOUNT_B, 'old'), at: ago(40) },
      ],
    );
    const a = await userOf(ACCOUNT, A);
    const img = (await messagesOf(a.id)).find((m) => m.wamid === 'wamid.R-img')!;
    const bytes = randomBytes(4096);
    const stored = await client.upload(
      UploadMediaHeader.fromPartial({
        message: { messageId: img.id, accountId: '', wamid: '' },
        mimeType: 'image/png',
        sizeBytes: bytes.length,
        sha256Hex: sha(bytes),
      }),
      Readable.from([bytes]),
    );
    const statsBefore = await stats();
    expect(await search('tulips')).toContain(a.id);

    await setPolicy(ACCOUNT, {
      messagesDays: 30,
      mediaDays: 7,
      deliveriesDays: 30,
      reviewTextsDays: 0,
    });
    const report = await sweepRetention(h.ports);
    expect(report).toEqual({ messages: 1, media: 1, deliveries: 1, reviews: 0 });

    // Messages: the 40-day-old one is gone; the others stay, the image without its file.
    const left = await messagesOf(a.id);
    expect(left.map((m) => m.wamid).sort()).toEqual(['wamid.R-img', 'wamid.R-new']);
    const media = left.find((m) => m.wamid === 'wamid.R-img')!.content!.media!.stored!;
    expect(media.state).toBe(MediaState.EXPIRED);
    expect(media.fileId).toBe('');
    expect(media.reason).toMatch(/7 days/);
    const files = h.mongo.db.collection('media.files');
    expect(await files.countDocuments({ _id: { $eq: stored.fileId as never } })).toBe(0);

    // Counters and stats survive; the words only the removed message held no longer find it.
    const after = await userOf(ACCOUNT, A);
    expect(after.counters).toEqual(a.counters);
    const statsAfter = await stats();
    expect(statsAfter.series).toEqual(statsBefore.series);
    expect(statsAfter.totals).toEqual(statsBefore.totals);
    expect(await search('tulips')).not.toContain(a.id);
    expect(await search('hello')).toContain(a.id);

    // The other account keeps everything; so do newer deliveries.
    const b = await userOf(ACCOUNT_B, B);
    expect((await messagesOf(b.id)).map((m) => m.wamid)).toEqual(['wamid.R-b-old']);
    expect(await search('tulips')).toContain(b.id);
    const deliveries = h.mongo.db.collection('deliveries');
    expect(await deliveries.countDocuments({ accountIds: ACCOUNT })).toBe(1);
    expect(await deliveries.countDocuments({ accountIds: ACCOUNT_B })).toBe(1);

    // Idempotent: nothing left to do.
    expect(await sweepRetention(h.ports)).toEqual({
      messages: 0,
      media: 0,
      deliveries: 0,
      reviews: 0,
    });
    expect((await messagesOf(a.id)).length).toBe(2);

    // The stats row of a removed message goes with its user when the user is erased.
    const rows = h.mongo.db.collection('message_stats');
    expect(await rows.countDocuments({ userId: a.id })).toBe(1);
    await call(
      h.client,
      'eraseUser',
      EraseUserRequest.fromPartial({
        userId: a.id,
        actor: { kind: ActorKind.ADMIN, id: 'ops', displayName: 'Ops' },
        reason: 'asked to be forgotten',
      }),
    );
    expect(await rows.countDocuments({ userId: a.id })).toBe(0);
  });

  it('empties review texts past their period and keeps the scores', async () => {
    const C = '491700000333';
    const at = ago(2);
    await apply([inboundText('wamid.R-c', ref(C), 'where is my parcel', at, ACCOUNT_B)]);
    const c = await userOf(ACCOUNT_B, C);
    const recorded = (
      await call(h.client, 'recordReview', recordRequest(review(c.id, { lastAt: at })))
    ).review!;
    expect(recorded.summary).not.toBe('');
    const headline = (await userOf(ACCOUNT_B, C)).review!.headline;
    expect(headline).not.toBe('');

    await setPolicy(ACCOUNT_B, {
      messagesDays: 0,
      mediaDays: 0,
      deliveriesDays: 0,
      reviewTextsDays: 30,
    });
    // Not yet 30 days old: kept.
    expect((await sweepRetention(h.ports)).reviews).toBe(0);
    // A month later (the sweep's clock moved on): its texts go, its score and sentiment stay.
    const later = { ...h.ports, now: () => new Date(now + 31 * DAY) };
    expect((await sweepRetention(later)).reviews).toBe(1);
    const r = (await call(h.client, 'listReviews', { userId: c.id, pageSize: 10, pageToken: '' }))
      .reviews[0]!;
    expect(r).toMatchObject({
      summary: '',
      topics: [],
      score: recorded.score,
      sentiment: recorded.sentiment,
    });
    expect(r.actionItems.map((a) => a.text)).toEqual(['']);
    expect(r.criteria.map((x) => x.reason)).toEqual(recorded.criteria.map(() => ''));
    expect(r.criteria.map((x) => x.score)).toEqual(recorded.criteria.map((x) => x.score));
    const u = await userOf(ACCOUNT_B, C);
    expect(u.review).toMatchObject({ headline: '', score: recorded.score });
    // The messages of that account have no period: all still there.
    expect((await messagesOf(c.id)).length).toBe(1);
    expect((await sweepRetention(later)).reviews).toBe(0);
  });
});
