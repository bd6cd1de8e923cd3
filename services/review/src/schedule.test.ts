import { EventKind, WatchEventsResponse } from '@ue/proto';
import { describe, expect, it } from 'vitest';
import { coalesce, createPendingJobs, dueFromEvent, reviewJobOptions } from './schedule.js';

const now = Date.UTC(2026, 11, 1, 12);

describe('when a review is due', () => {
  it('is a quiet time after the message was sent (keys-only events carry the sent time)', () => {
    const sentAt = new Date(now - 60_000);
    const ev = WatchEventsResponse.fromPartial({
      kind: EventKind.MESSAGE_CREATED,
      userId: 'u1',
      at: new Date(now),
      occurredAt: sentAt,
    });
    expect(dueFromEvent(ev, 600_000, now)).toEqual({
      userId: 'u1',
      dueAt: sentAt.getTime() + 600_000,
      reason: 'message',
    });
    const noSentTime = WatchEventsResponse.fromPartial({ ...ev, occurredAt: undefined });
    expect(dueFromEvent(noSentTime, 600_000, now)?.dueAt).toBe(now + 600_000);
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

  it('ignores heartbeats and other kinds', () => {
    expect(
      dueFromEvent(WatchEventsResponse.fromPartial({ heartbeat: true }), 1, now),
    ).toBeUndefined();
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

describe('users with a job already written', () => {
  const due = (userId: string, force = false) => ({
    userId,
    dueAt: 0,
    reason: force ? 'requested' : 'message',
    ...(force ? { force } : {}),
  });

  it('are not written again until their job starts or the entry is old', () => {
    let t = 0;
    const p = createPendingJobs({ maxAgeMs: 60_000, maxSize: 10, now: () => t });
    expect(p.toWrite([due('a'), due('b')]).map((d) => d.userId)).toEqual(['a', 'b']);
    t = 1_000;
    expect(p.toWrite([due('a'), due('c')]).map((d) => d.userId)).toEqual(['c']);
    p.started('a');
    expect(p.toWrite([due('a'), due('b')]).map((d) => d.userId)).toEqual(['a']);
    t = 60_500; // b (written at 0) is a minute old: its job may be gone; c (at 1 s) is not
    expect(p.toWrite([due('b'), due('c')]).map((d) => d.userId)).toEqual(['b']);
  });

  it('always write a forced review, and forget the oldest beyond the size limit', () => {
    const p = createPendingJobs({ maxAgeMs: 60_000, maxSize: 2, now: () => 0 });
    p.toWrite([due('a')]);
    expect(p.toWrite([due('a', true)])).toHaveLength(1);
    p.toWrite([due('b'), due('c')]); // a is the oldest: dropped
    expect(p.toWrite([due('a'), due('b'), due('c')]).map((d) => d.userId)).toEqual(['a']);
  });
});
