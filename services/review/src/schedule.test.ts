import { EventKind, MessageType, WatchEventsResponse } from '@ue/proto';
import { describe, expect, it } from 'vitest';
import { coalesce, dueFromEvent, reviewJobOptions } from './schedule.js';

const now = Date.UTC(2026, 11, 1, 12);

describe('when a review is due', () => {
  it('is a quiet time after the message was sent', () => {
    const sentAt = new Date(now - 60_000);
    const ev = WatchEventsResponse.fromPartial({
      kind: EventKind.MESSAGE_CREATED,
      userId: 'u1',
      payload: {
        $case: 'message',
        message: { sentAt, content: { type: MessageType.TEXT, text: 'hi' } },
      },
    });
    expect(dueFromEvent(ev, 600_000, now)).toEqual({
      userId: 'u1',
      dueAt: sentAt.getTime() + 600_000,
      reason: 'message',
    });
  });

  it('is now, forced, when someone asks', () => {
    const ev = WatchEventsResponse.fromPartial({ kind: EventKind.REVIEW_REQUESTED, userId: 'u1' });
    expect(dueFromEvent(ev, 600_000, now)).toEqual({
      userId: 'u1',
      dueAt: now,
      reason: 'requested',
      force: true,
    });
  });

  it('ignores heartbeats, system notices and other kinds', () => {
    expect(
      dueFromEvent(WatchEventsResponse.fromPartial({ heartbeat: true }), 1, now),
    ).toBeUndefined();
    const system = WatchEventsResponse.fromPartial({
      kind: EventKind.MESSAGE_CREATED,
      userId: 'u1',
      payload: { $case: 'message', message: { content: { type: MessageType.SYSTEM } } },
    });
    expect(dueFromEvent(system, 1, now)).toBeUndefined();
    const fact = WatchEventsResponse.fromPartial({ kind: EventKind.FACT_UPSERTED, userId: 'u1' });
    expect(dueFromEvent(fact, 1, now)).toBeUndefined();
  });

  it('debounces per user through BullMQ deduplication', () => {
    const o = reviewJobOptions('u1', -5, { attempts: 6, baseMs: 1000 });
    expect(o.delay).toBe(0);
    expect(o.deduplication).toEqual({ id: 'u1', replace: true, keepLastIfActive: true });
  });
});

describe('a batch of due times', () => {
  it('keeps one per user: the latest, or now when someone asked', () => {
    const got = coalesce([
      { userId: 'a', dueAt: 10, reason: 'message' },
      { userId: 'b', dueAt: 5, reason: 'message' },
      { userId: 'a', dueAt: 30, reason: 'message' },
      { userId: 'a', dueAt: 20, reason: 'message' },
      { userId: 'b', dueAt: 3, reason: 'requested', force: true },
      { userId: 'b', dueAt: 9, reason: 'message' },
    ]);
    expect(got).toEqual([
      { userId: 'a', dueAt: 30, reason: 'message' },
      { userId: 'b', dueAt: 3, reason: 'requested', force: true },
    ]);
  });
});
