// Every time and every enum a request carries is checked before anything is written: an
// out-of-range time or an undeclared enum number is INVALID_ARGUMENT naming the field, and the
// stored state is exactly as before.
import type { AppError } from '@ue/kit';
import {
  ActorKind,
  AddLogEntryRequest,
  ApplyWebhookEventsRequest,
  type DeliveryStatus,
  GetStatsRequest,
  ListFactsRequest,
  ListLogEntriesRequest,
  ListMessagesRequest,
  ListUsersRequest,
  LogEntryKind,
  MessageContent,
  MessageType,
  RecordOutboundMessageRequest,
  SendMessageRequest,
  UpdateLogEntryRequest,
  type LogEntryState,
  type StatsBucket,
  type UserSort,
  type UserStatus,
  WebhookEvent,
} from '@ue/proto';
import { beforeEach, describe, expect, it } from 'vitest';
import { createFakePorts, type FakePorts } from '../../test/fakes.js';
import { ACCOUNT, batch, inboundText, ref, status, t } from '../../test/events.js';
import { encodeCursor } from '../domain/cursor.js';
import { userIdFor } from '../domain/ids.js';
import { actorOf } from './actors.js';
import { applyBatch } from './apply-batch.js';
import { addLogEntry, listLogEntries, updateLogEntry } from './log.js';
import { listFacts } from './facts.js';
import { listMessages, recordOutbound, sendMessage } from './messages.js';
import { getStats } from './stats.js';
import { listUsers } from './users.js';

const AGENT = { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol' };
const MEI = ref('8613800138000');
const userId = userIdFor(ACCOUNT, 'wa', MEI.waId);
/** Timestamp{seconds: 10^13} as ts-proto decodes it: past what a Date holds. */
const HUGE = new Date(10_000_000_000_000 * 1000);
const BEFORE_1970 = new Date(-1000);
const text = MessageContent.fromPartial({ type: MessageType.TEXT, text: '你好' });

let fx: FakePorts;
beforeEach(async () => {
  fx = createFakePorts();
  await applyBatch(fx, batch(inboundText('wamid.M1', MEI, '你好', t(0))));
});

/** The field the refusal names; the stored state must be untouched. */
async function refusedField(call: () => Promise<unknown>): Promise<string | undefined> {
  const before = fx.inspect.snapshot();
  const err = await call().then(
    () => undefined,
    (e: unknown) => e as AppError,
  );
  expect(err?.code).toBe('INVALID_ARGUMENT');
  expect(fx.inspect.snapshot()).toEqual(before);
  return err?.field;
}

describe('times in requests', () => {
  it('refuses an out-of-range sent_at before resolving (and creating) the recipient', async () => {
    for (const sentAt of [HUGE, BEFORE_1970]) {
      const req = RecordOutboundMessageRequest.fromPartial({
        recipient: { accountId: ACCOUNT, user: ref('4930123456789') },
        wamid: 'wamid.O1',
        content: text,
        sentAt,
      });
      expect(await refusedField(() => recordOutbound(fx, req, AGENT))).toBe('sent_at');
    }
  });

  it('refuses out-of-range event and delivery times, applying nothing of the batch', async () => {
    const events = [0, 1, 2].map((i) => inboundText(`wamid.B${i}`, MEI, 'x', t(i)));
    const bad = WebhookEvent.fromPartial({ ...events[0], occurredAt: HUGE });
    const req = ApplyWebhookEventsRequest.fromPartial({ events: [...events, bad] });
    expect(await refusedField(() => applyBatch(fx, req))).toBe('events[3].occurred_at');
    const delivery = ApplyWebhookEventsRequest.fromPartial({
      events,
      deliveries: [{ body: Buffer.from('{}'), receivedAt: BEFORE_1970 }],
    });
    expect(await refusedField(() => applyBatch(fx, delivery))).toBe('deliveries[0].received_at');
  });

  it('refuses out-of-range due times, ranges and as-of times', async () => {
    const follow = AddLogEntryRequest.fromPartial({
      userId,
      kind: LogEntryKind.FOLLOW_UP,
      text: 'call back',
      dueAt: HUGE,
    });
    expect(await refusedField(() => addLogEntry(fx, follow, AGENT))).toBe('due_at');
    const update = UpdateLogEntryRequest.fromPartial({ id: 'l_1', dueAt: BEFORE_1970 });
    expect(await refusedField(() => updateLogEntry(fx, update, AGENT))).toBe('due_at');
    const stats = GetStatsRequest.fromPartial({ from: HUGE, to: t(0) });
    expect(await refusedField(() => getStats(fx, stats, 1000))).toBe('from');
    const to = GetStatsRequest.fromPartial({ from: t(0), to: HUGE });
    expect(await refusedField(() => getStats(fx, to, 1000))).toBe('to');
    const users = ListUsersRequest.fromPartial({ activeAfter: HUGE });
    expect(await refusedField(() => listUsers(fx, users, 1000))).toBe('active_after');
    const before = ListUsersRequest.fromPartial({ activeBefore: BEFORE_1970 });
    expect(await refusedField(() => listUsers(fx, before, 1000))).toBe('active_before');
    const facts = ListFactsRequest.fromPartial({ userId, asOf: HUGE });
    expect(await refusedField(() => listFacts(fx, facts))).toBe('as_of');
    const log = ListLogEntriesRequest.fromPartial({ dueBefore: HUGE });
    expect(await refusedField(() => listLogEntries(fx, log))).toBe('due_before');
  });

  it('accepts the bounds of the window', async () => {
    const last = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
    for (const [from, to] of [
      [0, 3_600_000],
      [last - 3_600_000, last],
    ]) {
      const req = GetStatsRequest.fromPartial({
        from: new Date(from!),
        to: new Date(to!),
        bucket: 1,
      });
      expect((await getStats(fx, req, 1000)).series.length).toBeGreaterThan(0);
    }
  });
});

describe('enums in requests', () => {
  const unknown = 99;

  it('refuses undeclared enum numbers, naming the field', async () => {
    const bucket = GetStatsRequest.fromPartial({
      from: t(0),
      to: t(60),
      bucket: unknown as StatsBucket,
    });
    expect(await refusedField(() => getStats(fx, bucket, 1000))).toBe('bucket');
    const sort = ListUsersRequest.fromPartial({ sort: unknown as UserSort });
    expect(await refusedField(() => listUsers(fx, sort, 1000))).toBe('sort');
    const statuses = ListUsersRequest.fromPartial({ statuses: [1, unknown as UserStatus] });
    expect(await refusedField(() => listUsers(fx, statuses, 1000))).toBe('statuses[1]');
    const kind = AddLogEntryRequest.fromPartial({
      userId,
      kind: unknown as LogEntryKind,
      text: 'x',
    });
    expect(await refusedField(() => addLogEntry(fx, kind, AGENT))).toBe('kind');
    const state = UpdateLogEntryRequest.fromPartial({ id: 'l_1', state: unknown as LogEntryState });
    expect(await refusedField(() => updateLogEntry(fx, state, AGENT))).toBe('state');
    const states = ListLogEntriesRequest.fromPartial({ states: [unknown as LogEntryState] });
    expect(await refusedField(() => listLogEntries(fx, states))).toBe('states[0]');
    const content = MessageContent.fromPartial({ type: unknown as MessageType, text: 'x' });
    const send = SendMessageRequest.fromPartial({ userId, content });
    expect(await refusedField(() => sendMessage(fx, send, AGENT))).toBe('content.type');
    const record = RecordOutboundMessageRequest.fromPartial({ userId, wamid: 'w', content });
    expect(await refusedField(() => recordOutbound(fx, record, AGENT))).toBe('content.type');
  });

  it('refuses undeclared enum numbers inside webhook events', async () => {
    const inbound = inboundText('wamid.X', MEI, 'x', t(1));
    if (inbound.event?.$case === 'inboundMessage')
      inbound.event.inboundMessage.content!.type = unknown as MessageType;
    const req = batch(inboundText('wamid.OK', MEI, 'fine', t(1)), inbound);
    expect(await refusedField(() => applyBatch(fx, req))).toBe(
      'events[1].inbound_message.content.type',
    );
    const st = status('wamid.M1', unknown as DeliveryStatus, t(2));
    expect(await refusedField(() => applyBatch(fx, batch(st)))).toBe('events[0].status.status');
  });

  it('refuses an undeclared actor kind and defaults an unset one to AGENT', () => {
    expect(() =>
      actorOf('actor', { kind: unknown as ActorKind, id: 'x', displayName: '' }, 'c'),
    ).toThrow('actor.kind: unknown value 99');
    expect(actorOf('author', undefined, 'carol')).toEqual({
      kind: ActorKind.AGENT,
      id: 'carol',
      displayName: 'carol',
    });
  });
});

describe('page tokens', () => {
  it('refuses a message token with a bad direction or of another shape', async () => {
    const tokens = [
      encodeCursor({ k: t(0).toISOString(), id: 'm_1', d: 'sideways' as 'older' }),
      encodeCursor({ k: t(0).toISOString(), id: 'm_1' }),
      encodeCursor({ k: t(0).toISOString(), id: 'm_1', d: 'older', f: 'la' }),
      Buffer.from(JSON.stringify([1, 2])).toString('base64url'),
      Buffer.from(JSON.stringify({ k: 't', id: 'm', d: 'older', extra: 1 })).toString('base64url'),
      Buffer.from('null').toString('base64url'),
    ];
    for (const pageToken of tokens) {
      const req = ListMessagesRequest.fromPartial({ userId, pageToken });
      expect(await refusedField(() => listMessages(fx, req))).toBe('page_token');
    }
  });
});
