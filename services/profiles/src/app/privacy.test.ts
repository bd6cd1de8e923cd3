import {
  ActorKind,
  AddLogEntryRequest,
  DeliveryStatus,
  MessageContent,
  MessageType,
  SendMessageRequest,
  EraseUserRequest,
  EventKind,
  GetUserRequest,
  ListMessagesRequest,
  ListUsersRequest,
  LogEntryKind,
  UpdateUserRequest,
  UpsertFactsRequest,
} from '@ue/proto';
import { beforeEach, describe, expect, it } from 'vitest';
import { createFakePorts, type FakePorts } from '../../test/fakes.js';
import { ACCOUNT, batch, inboundText, reaction, ref, seen, status, t } from '../../test/events.js';
import { failed, recordRequest, review } from '../../test/reviews.js';
import { sha256Hex, userIdFor } from '../domain/ids.js';
import { applyBatch } from './apply-batch.js';
import { upsertFacts } from './facts.js';
import { addLogEntry } from './log.js';
import { listMessages, sendMessage } from './messages.js';
import type { ExportPart } from './ports.js';
import { eraseUser, exportUser } from './privacy.js';
import { recordReview } from './reviews.js';
import { updateUser } from './update-user.js';
import { getUser, listUsers } from './users.js';

const ADMIN = { kind: ActorKind.ADMIN, id: 'dpo', displayName: 'Data Protection' };
const ELIF = ref('905321234567', 'TR.8841');
const userId = userIdFor(ACCOUNT, 'wa', ELIF.waId);

let fx: FakePorts;
beforeEach(async () => {
  fx = createFakePorts({ now: () => t(100) });
  await applyBatch(
    fx,
    batch(
      seen(ELIF, 'Elif Yılmaz', t(0)),
      inboundText('wamid.E1', ELIF, 'Merhaba, siparişim nerede?', t(0)),
      inboundText('wamid.E2', ELIF, 'Adresim Kadıköy', t(1)),
    ),
  );
  await upsertFacts(
    fx,
    UpsertFactsRequest.fromPartial({
      userId,
      facts: [{ key: 'city', value: 'Istanbul', confidence: 1 }],
    }),
    ADMIN,
  );
  await addLogEntry(
    fx,
    AddLogEntryRequest.fromPartial({
      userId,
      kind: LogEntryKind.FOLLOW_UP,
      text: 'Call',
      dueAt: t(200),
    }),
    ADMIN,
  );
  await updateUser(fx, UpdateUserRequest.fromPartial({ userId, addTags: ['vip'] }), ADMIN);
});

const erase = () =>
  eraseUser(fx, EraseUserRequest.fromPartial({ userId, reason: 'GDPR art. 17 request' }), ADMIN);

async function exported(id: string) {
  const parts: string[] = [];
  await exportUser(fx, { userId: id, cancelled: () => false }, (p) => {
    parts.push(p.$case);
    return Promise.resolve();
  });
  return parts;
}

describe('erasing a user', () => {
  it('deletes the content and keeps the anonymous counters', async () => {
    expect(await erase()).toEqual({
      messagesErased: 2,
      factsErased: 1,
      logEntriesErased: 2,
      reviewsErased: 0,
    });
    const u = (await fx.users.findById(userId))!;
    expect(u).toMatchObject({ waId: '', bsuid: '', profile: {}, tags: [], searchTerms: [] });
    expect(u.erasedAt).toEqual(t(100));
    expect(u.lastMessage).toBeUndefined();
    expect(u.counters).toEqual({
      inboundMessages: 2,
      outboundMessages: 0,
      failedDeliveries: 0,
      openFollowUps: 0,
    });
    expect((await listMessages(fx, ListMessagesRequest.fromPartial({ userId }))).docs).toEqual([]);
    expect(await exported(userId)).toEqual(['user']);
    const search = await listUsers(fx, ListUsersRequest.fromPartial({ query: 'elif' }), 1000);
    expect(search.docs).toEqual([]);
  });

  it('exports the review history after the other kinds, oldest first, and erases it', async () => {
    const reviewer = { kind: ActorKind.AGENT, id: 'review', displayName: 'review' };
    const ok = await recordReview(fx, recordRequest(review(userId)), reviewer);
    const bad = await recordReview(fx, recordRequest(failed(userId)), reviewer);
    const parts: ExportPart[] = [];
    await exportUser(fx, { userId, cancelled: () => false }, (p) => {
      parts.push(p);
      return Promise.resolve();
    });
    expect(parts.map((p) => p.$case)).toEqual([
      'user',
      'message',
      'message',
      'fact',
      'logEntry',
      'logEntry',
      'review',
      'review',
    ]);
    expect(parts.slice(-2)).toEqual([
      { $case: 'review', review: ok },
      { $case: 'review', review: bad },
    ]);
    expect(await erase()).toMatchObject({ reviewsErased: 2 });
    expect(fx.inspect.reviews()).toEqual([]);
    expect(fx.inspect.audit()[0]?.counts).toMatchObject({ reviewsErased: 2 });
  });

  it('records who erased it and why, and tells the live feed', async () => {
    const counts = await erase();
    expect(fx.inspect.audit()).toMatchObject([
      {
        kind: 'user_erased',
        userId,
        actor: ADMIN,
        reason: 'GDPR art. 17 request',
        at: t(100),
        counts,
      },
    ]);
    const last = fx.inspect.published().at(-1);
    expect(last).toMatchObject({ kind: EventKind.USER_ERASED, userId });
    expect(last?.payload).toMatchObject({ $case: 'user', user: { waId: '', profile: {} } });
  });

  it('drops its events from the feed and the outbox, so none carries the erased data', async () => {
    fx.setFeedDown(true);
    await applyBatch(fx, batch(inboundText('wamid.E3', ELIF, 'Telefonum 0532 123 45 67', t(2))));
    expect(fx.inspect.outbox().length).toBeGreaterThan(0);
    await erase();
    fx.setFeedDown(false);
    fx.flushOutbox();
    const left = fx.inspect.published().filter((e) => e.userId === userId);
    expect(left.map((e) => e.kind)).toEqual([EventKind.USER_ERASED]);
  });

  it('deletes the raw deliveries and kept events that name the user, and its outbound jobs', async () => {
    const body = (waId: string, text: string) =>
      Buffer.from(
        JSON.stringify({
          entry: [{ changes: [{ value: { contacts: [{ wa_id: waId }], text } }] }],
        }),
      );
    const mine = body(ELIF.waId, 'Merhaba');
    const theirs = body('447700900123', 'Hello');
    await applyBatch(fx, {
      events: [
        inboundText('wamid.E4', ELIF, 'Merhaba', t(3)),
        inboundText('wamid.O1', ref('447700900123'), 'Hello', t(3)),
        // Elif reacts to a message that never arrived: kept as an orphan naming her
        reaction('wamid.R1', ELIF, 'wamid.UNKNOWN', '👍', t(4)),
      ],
      deliveries: [
        { sha256: '', body: mine, receivedAt: t(3), provider: 'whatsapp' },
        { sha256: '', body: theirs, receivedAt: t(3), provider: 'whatsapp' },
      ],
    });
    // A status left behind for her stored message (a crash between storing and attaching).
    await fx.orphans.keep({
      accountId: ACCOUNT,
      targetWamid: 'wamid.E1',
      event: status('wamid.E1', DeliveryStatus.READ, t(4)),
      at: t(4),
      keys: [],
    });
    expect(fx.inspect.orphans()).toHaveLength(2);
    const content = MessageContent.fromPartial({ type: MessageType.TEXT, text: 'Kargonuz yolda' });
    const { doc: sent } = await sendMessage(
      fx,
      SendMessageRequest.fromPartial({ userId, content }),
      ADMIN,
    );
    expect(fx.inspect.enqueued().map((j) => j.messageId)).toEqual([sent._id]);
    await erase();
    expect(fx.inspect.deliveries()).toEqual([sha256Hex(theirs)]);
    expect(fx.inspect.orphans()).toEqual([]);
    expect(fx.inspect.enqueued()).toEqual([]);
  });

  it('keeps no number or name in the audit record', async () => {
    await eraseUser(
      fx,
      EraseUserRequest.fromPartial({
        userId,
        reason: 'Elif Yılmaz (+905321234567, +90 532 123 45 67) asked by mail',
      }),
      ADMIN,
    );
    expect(fx.inspect.audit()[0]?.reason).toBe('[erased] ([erased], [erased]) asked by mail');
  });

  it('unlinks the identities: the same number writing again is a new user', async () => {
    await erase();
    await applyBatch(fx, batch(inboundText('wamid.E9', ELIF, 'Tekrar merhaba', t(300))));
    const lookup = GetUserRequest.fromPartial({
      lookup: { $case: 'accountUser', accountUser: { accountId: ACCOUNT, user: ref(ELIF.waId) } },
    });
    const fresh = await getUser(fx, lookup);
    expect(fresh._id).not.toBe(userId);
    expect(fresh).toMatchObject({ waId: ELIF.waId, bsuid: ELIF.bsuid, createdAt: t(300) });
    expect(fresh.counters?.inboundMessages).toBe(1);
    expect((await fx.users.findById(userId))?.counters?.inboundMessages).toBe(2);
  });

  it('refuses changes to the erased user', async () => {
    await erase();
    const change = updateUser(fx, UpdateUserRequest.fromPartial({ userId, addTags: ['x'] }), ADMIN);
    await expect(change).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const facts = upsertFacts(
      fx,
      UpsertFactsRequest.fromPartial({
        userId,
        facts: [{ key: 'city', value: 'Izmir', confidence: 1 }],
      }),
      ADMIN,
    );
    await expect(facts).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(fx.inspect.facts()).toEqual([]);
  });
});
