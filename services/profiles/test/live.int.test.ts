// WatchEvents (resumable stream), GetStats, ExportUser and EraseUser over real gRPC.
import { Metadata, status as Code, type ClientReadableStream } from '@grpc/grpc-js';
import {
  ActorKind,
  DeliveryStatus,
  EventKind,
  ListUsersRequest,
  LogEntryKind,
  MessageContent,
  MessageType,
  StatsBucket,
  UserStatus,
  type ExportUserResponse,
  type WebhookEvent,
  type WatchEventsRequest,
  type WatchEventsResponse,
} from '@ue/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, inboundText, ref, status } from './events.js';
import { auth, call, callError, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('live', { heartbeatMs: 300 });
});
afterAll(() => h.close());

const carol = { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol' };
const apply = (events: WebhookEvent[]) =>
  call(h.client, 'applyWebhookEvents', { events, deliveries: [] });
const userOf = async (waId: string) =>
  (
    await call(h.client, 'getUser', {
      lookup: { $case: 'accountUser', accountUser: { accountId: ACCOUNT, user: ref(waId) } },
    })
  ).user!;

/** Collect stream messages until `until` says stop; returns them and cancels the call. */
function watch(
  req: Partial<WatchEventsRequest>,
  until: (got: WatchEventsResponse[]) => boolean,
  md: Metadata = auth(),
) {
  const got: WatchEventsResponse[] = [];
  const stream: ClientReadableStream<WatchEventsResponse> = h.client.watchEvents(
    { cursor: '', userId: '', accountId: '', kinds: [], keysOnly: false, ...req },
    md,
  );
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (markReady = r));
  const done = new Promise<WatchEventsResponse[]>((resolve, reject) => {
    stream.on('data', (r: WatchEventsResponse) => {
      markReady();
      got.push(r);
      if (until(got)) {
        stream.cancel();
        resolve(got);
      }
    });
    stream.on('error', (e: Error & { code?: number }) =>
      e.code === Code.CANCELLED ? resolve(got) : reject(e),
    );
  });
  return { done, stream, ready };
}

describe('WatchEvents', () => {
  it('streams filtered changes, sends heartbeats, and resumes from a cursor without loss or repeats', async () => {
    const first = watch(
      { accountId: ACCOUNT, kinds: [EventKind.MESSAGE_CREATED] },
      (g) => g.filter((x) => !x.heartbeat).length >= 2,
    );
    await first.ready; // the first heartbeat: the stream is live and starts "from now"
    await apply([
      inboundText('wamid.W1', ref('4917200000001'), 'one', new Date()),
      inboundText('wamid.W2', ref('4917200000001'), 'two', new Date()),
    ]);
    const got = (await first.done).filter((x) => !x.heartbeat);
    // A batch is applied by concurrent workers: every event exactly once, in no promised order.
    expect(
      got.map((x) => x.payload?.$case === 'message' && x.payload.message.wamid).sort(),
    ).toEqual(['wamid.W1', 'wamid.W2']);
    const cursor = got[1]!.cursor; // the later of the two stream entries

    // While disconnected: more changes arrive.
    await apply([
      inboundText('wamid.W3', ref('4917200000001'), 'three', new Date()),
      inboundText('wamid.W4', ref('4917200000002'), 'four', new Date()),
    ]);
    const resumed = watch(
      { cursor, kinds: [EventKind.MESSAGE_CREATED] },
      (g) => g.filter((x) => !x.heartbeat).length >= 2,
    );
    const again = (await resumed.done).filter((x) => !x.heartbeat);
    expect(
      again.map((x) => x.payload?.$case === 'message' && x.payload.message.wamid).sort(),
    ).toEqual(['wamid.W3', 'wamid.W4']);

    const user = await userOf('4917200000002');
    const byUser = watch({ cursor, userId: user.id }, (g) => g.some((x) => x.heartbeat));
    const onlyThatUser = await byUser.done;
    expect(onlyThatUser.filter((x) => !x.heartbeat).every((x) => x.userId === user.id)).toBe(true);
    expect(onlyThatUser.filter((x) => !x.heartbeat).map((x) => x.kind)).toContain(
      EventKind.USER_UPDATED,
    );
    expect(onlyThatUser.find((x) => x.heartbeat)?.cursor).toMatch(/^\d+-\d+$/);

    // keys_only: the same entries from the same cursor, without payload, with the sent time.
    const light = watch(
      { cursor, kinds: [EventKind.MESSAGE_CREATED], keysOnly: true },
      (g) => g.filter((x) => !x.heartbeat).length >= 2,
    );
    const keys = (await light.done).filter((x) => !x.heartbeat);
    expect(keys.map((x) => x.cursor)).toEqual(again.map((x) => x.cursor));
    for (const [i, k] of keys.entries()) {
      const full = again[i]!;
      expect(k).toMatchObject({ kind: full.kind, userId: full.userId, accountId: ACCOUNT });
      expect(k.payload).toBeUndefined();
      expect(k.occurredAt).toEqual(
        full.payload?.$case === 'message' && full.payload.message.sentAt,
      );
      expect(full.occurredAt).toEqual(k.occurredAt);
      expect(Math.abs(k.at!.getTime() - full.at!.getTime())).toBeLessThan(1000);
    }
  });

  it('rejects unauthenticated watchers and bad cursors', async () => {
    const anon = watch({}, () => true, new Metadata());
    await expect(anon.done).rejects.toMatchObject({ code: Code.UNAUTHENTICATED });
    const bad = watch({ cursor: 'yesterday' }, () => true);
    await expect(bad.done).rejects.toMatchObject({
      code: Code.INVALID_ARGUMENT,
      details: 'cursor: not a cursor returned by WatchEvents',
    });
  });
});

describe('GetStats', () => {
  it('counts per day bucket in a time zone with response times and the status mix', async () => {
    const from = ref('4917200000010');
    const d = (iso: string) => new Date(iso);
    await apply([inboundText('wamid.S1', from, 'hi', d('2026-11-02T22:30:00Z'))]); // 23:30 Berlin, Nov 2
    const user = await userOf('4917200000010');
    await call(h.client, 'recordOutboundMessage', {
      userId: user.id,
      recipient: undefined,
      wamid: 'wamid.S2',
      clientId: '',
      content: MessageContent.fromPartial({ type: MessageType.TEXT, text: 'hello' }),
      author: carol,
      sentAt: d('2026-11-02T22:40:00Z'),
      bizOpaqueCallbackData: '',
    });
    await apply([
      inboundText('wamid.S3', from, 'thanks', d('2026-11-03T08:00:00Z')),
      status('wamid.S2', DeliveryStatus.FAILED, d('2026-11-02T22:41:00Z')),
    ]);
    await call(h.client, 'updateUser', {
      userId: user.id,
      actor: carol,
      status: UserStatus.QUOTE_REQUEST,
      addTags: [],
      removeTags: [],
      reason: '',
    });
    const r = await call(h.client, 'getStats', {
      accountId: ACCOUNT,
      from: d('2026-11-01T23:00:00Z'),
      to: d('2026-11-04T23:00:00Z'),
      bucket: StatsBucket.DAY,
      timeZone: 'Europe/Berlin',
    });
    expect(r.series.map((p) => p.bucketStart?.toISOString())).toEqual([
      '2026-11-01T23:00:00.000Z',
      '2026-11-02T23:00:00.000Z',
      '2026-11-03T23:00:00.000Z',
    ]);
    expect(
      r.series.map((p) => [
        p.inboundMessages,
        p.outboundMessages,
        p.activeUsers,
        p.failedDeliveries,
      ]),
    ).toEqual([
      [1, 1, 1, 1],
      [1, 0, 1, 0],
      [0, 0, 0, 0],
    ]);
    expect(r.series[0]?.medianFirstResponseSeconds).toBe(600);
    expect(r.series[0]?.newUsers).toBe(1);
    expect(r.statusMix).toContainEqual({ status: UserStatus.QUOTE_REQUEST, users: 1 });
    expect(r.totals?.medianFirstResponseSeconds).toBe(600);
    const bad = await callError(h.client, 'getStats', {
      accountId: '',
      from: d('2026-11-02T00:00:00Z'),
      to: d('2026-11-01T00:00:00Z'),
      bucket: StatsBucket.DAY,
      timeZone: '',
    });
    expect(bad.details).toBe('to: must be after from');
  });
});

describe('ExportUser and EraseUser', () => {
  it('exports everything about a user, then erases it leaving anonymous counters and an audit entry', async () => {
    const from = ref('4917200000020');
    await apply([
      inboundText('wamid.E1', from, 'secret plans', new Date()),
      inboundText('wamid.E2', from, 'more', new Date()),
    ]);
    const user = await userOf('4917200000020');
    await call(h.client, 'upsertFacts', {
      userId: user.id,
      author: carol,
      facts: [
        { key: 'company', value: 'Initech', confidence: 1, sourceMessageId: '', retract: false },
      ],
    });
    await call(h.client, 'addLogEntry', {
      userId: user.id,
      kind: LogEntryKind.NOTE,
      text: 'VIP',
      dueAt: undefined,
      author: carol,
      clientId: '',
    });
    const parts: ExportUserResponse[] = [];
    await new Promise<void>((resolve, reject) => {
      const s = h.client.exportUser({ userId: user.id }, auth());
      s.on('data', (p: ExportUserResponse) => parts.push(p));
      s.on('end', resolve);
      s.on('error', reject);
    });
    expect(parts.map((p) => p.part?.$case)).toEqual([
      'user',
      'message',
      'message',
      'fact',
      'logEntry',
    ]);

    const erased = await call(h.client, 'eraseUser', {
      userId: user.id,
      actor: { kind: ActorKind.ADMIN, id: 'ana', displayName: 'Ana' },
      reason: 'GDPR request',
    });
    expect(erased).toEqual({
      messagesErased: 2,
      factsErased: 1,
      logEntriesErased: 1,
      reviewsErased: 0,
    });
    const after = (await call(h.client, 'getUser', { lookup: { $case: 'id', id: user.id } })).user!;
    expect(after.erasedAt).toBeInstanceOf(Date);
    expect(after.waId).toBe('');
    expect(after.profile?.phoneE164).toBeUndefined();
    expect(after.counters?.inboundMessages).toBe(2);
    expect(
      (
        await call(h.client, 'listMessages', {
          userId: user.id,
          pageSize: 10,
          pageToken: '',
          personId: '',
        })
      ).messages,
    ).toEqual([]);
    expect(
      (await call(h.client, 'listUsers', ListUsersRequest.fromPartial({ query: 'secret' }))).users,
    ).toEqual([]);
    await expect(userOf('4917200000020')).rejects.toMatchObject({ code: Code.NOT_FOUND });
    const audit = await h.mongo.cols.audit.find({ userId: user.id }).toArray();
    expect(audit).toMatchObject([
      { kind: 'user_erased', reason: 'GDPR request', actor: { id: 'ana' } },
    ]);
    // The same number writing again is a new, separate user.
    await apply([inboundText('wamid.E3', from, 'hello again', new Date())]);
    expect((await userOf('4917200000020')).id).not.toBe(user.id);
  });
});
