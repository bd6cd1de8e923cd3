// When a review is due: a quiet time after a conversation's last message. One BullMQ job per
// user, debounced by BullMQ itself (deduplication with replace: a due time replaces the one of
// the delayed job; keepLastIfActive: a message that arrives while the review runs leaves exactly
// one job to follow it). A user whose job is already waiting is not written again for every
// message: the job checks, when it runs, that the conversation has been quiet long enough, and
// waits again if not (reviewer.ts), so a burst costs one Redis write instead of one per message.
// The events come from profiles' WatchEvents (keys only: who and when, no payload), resumed from
// a cursor kept in Redis, so a restart loses no due review: the delayed jobs are in Redis, and
// events missed while down are read again.
import type { Logger } from '@ue/kit';
import type { ProfilesClient } from '@ue/profiles-client';
import {
  EventKind,
  ListUsersRequest,
  WatchEventsRequest,
  type WatchEventsResponse,
} from '@ue/proto';
import type { JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Metrics } from './ops/metrics.js';
import type { ReviewJob } from './reviewer.js';

export const REVIEW_QUEUE = 'review';
export const REVIEW_JOB = 'review';

export function reviewJobOptions(
  userId: string,
  delayMs: number,
  retry: { attempts: number; baseMs: number },
): JobsOptions {
  return {
    delay: Math.max(0, Math.round(delayMs)),
    deduplication: { id: userId, replace: true, keepLastIfActive: true },
    attempts: retry.attempts,
    backoff: { type: 'exponential', delay: retry.baseMs },
    removeOnComplete: { count: 1000 },
    removeOnFail: { count: 1000 },
  };
}

export interface Due {
  userId: string;
  /** Epoch ms; now when in the past. */
  dueAt: number;
  /** What caused it (a metric label): message, requested, backfill. */
  reason: string;
  /** Review even when nothing new arrived (someone asked). */
  force?: boolean;
}

export interface Scheduler {
  /** Review each user at its `dueAt`, replacing the due time of a delayed review (one round trip). */
  schedule(dues: readonly Due[]): Promise<void>;
}

/** One due time per user: the latest (debounce), or now when someone asked. Pure. */
export function coalesce(dues: readonly Due[]): Due[] {
  const by = new Map<string, Due>();
  for (const d of dues) {
    const seen = by.get(d.userId);
    if (!seen) by.set(d.userId, d);
    else if (seen.force || d.force)
      by.set(d.userId, {
        ...d,
        force: true,
        dueAt: Math.min(seen.dueAt, d.dueAt),
        reason: 'requested',
      });
    else if (d.dueAt > seen.dueAt) by.set(d.userId, d);
  }
  return [...by.values()];
}

/**
 * Users whose review job was written recently and has not started: a new message for them
 * needs no write (the job re-checks the quiet time when it runs). An entry counts for `maxAgeMs`
 * only, so a job lost outside this process (removed by hand, failed for good) is written again
 * by the next message after that; at most `maxSize` are kept, the oldest dropped first. Pure.
 */
export interface PendingJobs {
  /** The dues that need a write, now remembered as pending; a forced one always does. */
  toWrite(dues: readonly Due[]): Due[];
  /** The user's job started: the next message is written again. */
  started(userId: string): void;
}

export function createPendingJobs(o: {
  maxAgeMs: number;
  maxSize: number;
  now?: () => number;
}): PendingJobs {
  const now = o.now ?? Date.now;
  const writtenAt = new Map<string, number>();
  return {
    toWrite(dues) {
      const t = now();
      const out = dues.filter((d) => {
        const at = writtenAt.get(d.userId);
        return d.force || at === undefined || t - at >= o.maxAgeMs;
      });
      for (const d of out) {
        writtenAt.delete(d.userId); // re-inserted last: the map stays oldest first
        writtenAt.set(d.userId, t);
      }
      for (const userId of writtenAt.keys()) {
        if (writtenAt.size <= o.maxSize) break;
        writtenAt.delete(userId);
      }
      return out;
    },
    started(userId) {
      writtenAt.delete(userId);
    },
  };
}

/** How long a written job spares further writes, and how many users are remembered. */
export const PENDING_MAX_AGE_MS = 60_000;
export const PENDING_MAX_USERS = 100_000;

export function createScheduler(o: {
  queue: Queue<ReviewJob>;
  retry: { attempts: number; baseMs: number };
  metrics: Metrics;
  pending: PendingJobs;
  now?: () => number;
}): Scheduler {
  const now = o.now ?? Date.now;
  return {
    async schedule(all) {
      const dues = o.pending.toWrite(all);
      if (dues.length === 0) return;
      const t = now();
      await o.queue.addBulk(
        dues.map(({ userId, dueAt, force }) => ({
          name: REVIEW_JOB,
          data: force ? { userId, force: true } : { userId },
          opts: reviewJobOptions(userId, dueAt - t, o.retry),
        })),
      );
      for (const d of dues) o.metrics.scheduled.inc({ reason: d.reason });
    },
  };
}

/**
 * What an event (keys only) means for the schedule, if anything: a quiet time after the message
 * was sent (`occurredAt`; the store time for an event without it). A system notice schedules
 * too; its review finds nothing new and is skipped. Pure.
 */
export function dueFromEvent(
  ev: WatchEventsResponse,
  quietMs: number,
  now: number,
): Due | undefined {
  if (ev.heartbeat || !ev.userId) return undefined;
  if (ev.kind === EventKind.REVIEW_REQUESTED)
    return { userId: ev.userId, dueAt: now, reason: 'requested', force: true };
  if (ev.kind === EventKind.MESSAGE_CREATED) {
    const at = (ev.occurredAt ?? ev.at)?.getTime() ?? now;
    return { userId: ev.userId, dueAt: at + quietMs, reason: 'message' };
  }
  return undefined;
}

export const WATCHED_KINDS = [EventKind.MESSAGE_CREATED, EventKind.REVIEW_REQUESTED];

/** Events are scheduled in batches: at most this many, or this long after the first. */
const BATCH_EVENTS = 200;
const BATCH_MS = 200;
const FLUSH = 'flush' as const;

/**
 * Follow profiles' events until `signal` aborts: schedule, then remember the cursor (so an
 * event is acted on at least once). Events are taken in batches (one due time per user, one
 * Redis round trip per batch), which keeps the cost per message small under heavy ingest.
 * Reconnects with backoff. With no cursor yet (first start), every conversation never reviewed
 * is scheduled too, so enabling reviews covers the past.
 */
export async function followEvents(o: {
  profiles: ProfilesClient;
  redis: Redis;
  cursorKey: string;
  scheduler: Scheduler;
  quietMs: number;
  signal: AbortSignal;
  log: Logger;
  onConnected?: () => void;
  /** Called once the first start's backfill is done (or at once when there was a cursor). */
  onBackfilled?: () => void;
}): Promise<void> {
  let cursor = (await o.redis.get(o.cursorKey)) ?? '';
  let backfilled = cursor !== '';
  if (backfilled) o.onBackfilled?.();
  let backoff = 500;
  while (!o.signal.aborted) {
    try {
      const stream = o.profiles.stream(
        'watchEvents',
        WatchEventsRequest.fromPartial({ cursor, kinds: WATCHED_KINDS, keysOnly: true }),
        { signal: o.signal },
      );
      // Asking for the first event opens the call, so nothing is missed while backfilling.
      const events = stream[Symbol.asyncIterator]();
      let next = events.next();
      o.onConnected?.();
      if (!backfilled) {
        await backfill(o);
        backfilled = true;
        o.onBackfilled?.();
      }
      let batch: Due[] = [];
      let seen = cursor;
      let firstAt = 0;
      const flush = async (): Promise<void> => {
        const dues = coalesce(batch);
        batch = [];
        await o.scheduler.schedule(dues);
        if (seen !== cursor) {
          cursor = seen;
          await o.redis.set(o.cursorKey, cursor);
        }
      };
      for (;;) {
        const wait = batch.length ? Math.max(0, firstAt + BATCH_MS - Date.now()) : undefined;
        const r =
          wait === undefined
            ? await next
            : await Promise.race([next, sleep(wait).then(() => FLUSH)]);
        if (typeof r === 'string') {
          await flush();
          continue;
        }
        if (r.done) break;
        const ev = r.value;
        backoff = 500;
        const due = dueFromEvent(ev, o.quietMs, Date.now());
        if (due) {
          if (batch.length === 0) firstAt = Date.now();
          batch.push(due);
        }
        if (ev.cursor) seen = ev.cursor;
        next = events.next();
        if (batch.length >= BATCH_EVENTS || ev.heartbeat) await flush();
      }
      await flush();
    } catch (err) {
      if (o.signal.aborted) break;
      o.log.warn({ err: String(err), retryInMs: backoff }, 'event stream lost; resuming');
    }
    if (o.signal.aborted) break;
    await new Promise((r) => setTimeout(r, backoff));
    backoff = Math.min(backoff * 2, 30_000);
  }
}

async function backfill(o: {
  profiles: ProfilesClient;
  scheduler: Scheduler;
  quietMs: number;
  log: Logger;
}): Promise<void> {
  let pageToken = '';
  let n = 0;
  do {
    const page = await o.profiles.call(
      'listUsers',
      ListUsersRequest.fromPartial({ reviewPending: true, pageSize: 200, pageToken }),
    );
    const dues = page.users.flatMap((u) =>
      u.lastInteractionAt && !u.erasedAt
        ? [{ userId: u.id, dueAt: u.lastInteractionAt.getTime() + o.quietMs, reason: 'backfill' }]
        : [],
    );
    await o.scheduler.schedule(dues);
    n += dues.length;
    pageToken = page.nextPageToken;
  } while (pageToken);
  o.log.info({ conversations: n }, 'scheduled every conversation not yet reviewed');
}
