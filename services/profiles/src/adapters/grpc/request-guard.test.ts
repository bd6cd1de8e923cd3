import { loadSync } from '@grpc/proto-loader';
import {
  ApplyWebhookEventsRequest,
  ProfilesServiceService,
  protoFiles,
  protoRoot,
} from '@ue/proto';
import { describe, expect, it } from 'vitest';
import { guardRequests, rejectionOf } from './request-guard.js';

// Requests as a caller's protobuf library can write them: int64 seconds as decimal strings, so
// values beyond 2^53 and beyond a Date reach the server exactly.
const wire = loadSync([...protoFiles], {
  includeDirs: [protoRoot],
  keepCase: true,
  longs: String,
  enums: Number,
});
const encode = (type: string, msg: object): Buffer =>
  (wire[`engagement.v1.${type}`] as { serialize: (m: object) => Buffer }).serialize(msg);

const guarded = guardRequests(ProfilesServiceService);
const ts = (seconds: string, nanos = 0) => ({ seconds, nanos });

function field(method: keyof typeof guarded, buf: Buffer): string | undefined {
  const out = guarded[method].requestDeserialize(buf);
  const err = rejectionOf(out);
  if (err) expect(err.code).toBe('INVALID_ARGUMENT');
  return err?.field;
}

describe('request guard', () => {
  it('names each Timestamp the generated decoder would throw on or misread', () => {
    const stats = (from: object) =>
      encode('GetStatsRequest', { from, to: ts('1800000000'), bucket: 1 });
    expect(field('getStats', stats(ts('9007199254740993')))).toBe('from'); // > 2^53: decoder throws
    expect(() =>
      ProfilesServiceService.getStats.requestDeserialize(stats(ts('9007199254740993'))),
    ).toThrow();
    expect(field('getStats', stats(ts('10000000000000')))).toBe('from'); // an Invalid Date
    expect(field('getStats', stats(ts('-9223372036854775808')))).toBe('from');
    expect(field('getStats', stats(ts('1700000000', -1)))).toBe('from');
    expect(field('getStats', stats(ts('1700000000', 1_000_000_000)))).toBe('from');
    expect(field('getStats', stats(ts('253402300799', 999_999_999)))).toBeUndefined();
    expect(field('getStats', stats(ts('-62135596800')))).toBeUndefined();
  });

  it('names the field inside repeated and nested messages', () => {
    const good = { account_id: 'a', occurred_at: ts('1700000000'), revoke: {} };
    const bad = { ...good, occurred_at: ts('10000000000000') };
    const batch = encode('ApplyWebhookEventsRequest', { events: [good, good, good, bad] });
    expect(field('applyWebhookEvents', batch)).toBe('events[3].occurred_at');
    const delivery = encode('ApplyWebhookEventsRequest', {
      deliveries: [{ body: Buffer.from('{}'), received_at: ts('1', 2_000_000_000) }],
    });
    expect(field('applyWebhookEvents', delivery)).toBe('deliveries[0].received_at');
    const outbound = encode('RecordOutboundMessageRequest', { sent_at: ts('10000000000000') });
    expect(field('recordOutboundMessage', outbound)).toBe('sent_at');
    const due = encode('AddLogEntryRequest', { due_at: ts('99999999999999999') });
    expect(field('addLogEntry', due)).toBe('due_at');
  });

  it('passes valid requests through as the generated decoder reads them', () => {
    const req = ApplyWebhookEventsRequest.fromPartial({
      events: [{ accountId: 'a', occurredAt: new Date(Date.UTC(2026, 0, 1)) }],
    });
    const buf = Buffer.from(ApplyWebhookEventsRequest.encode(req).finish());
    expect(guarded.applyWebhookEvents.requestDeserialize(buf)).toEqual(req);
    const user = ProfilesServiceService.getUser.requestSerialize({
      lookup: { $case: 'id', id: 'u_1' },
    });
    expect(guarded.getUser.requestDeserialize(user)).toEqual({
      lookup: { $case: 'id', id: 'u_1' },
    });
  });

  it('refuses bytes that are no message of the method, naming the request', () => {
    expect(field('getUser', Buffer.from([0x0a, 0xff, 0xff]))).toBe('request');
  });
});
