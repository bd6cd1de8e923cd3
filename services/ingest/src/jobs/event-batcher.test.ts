import { AppError } from '@ue/kit';
import type { ApplyWebhookEventsRequest, WebhookEvent } from '@ue/proto';
import { describe, expect, it } from 'vitest';
import { EventBatcher } from './event-batcher.js';

const ev = (accountId: string): WebhookEvent => ({
  accountId,
  wabaId: '',
  occurredAt: undefined,
  event: undefined,
});
const ok = { applied: 0, duplicates: 0, orphaned: 0, deliveriesStored: 0 };

describe('EventBatcher', () => {
  it('coalesces concurrent submissions into one call within the window', async () => {
    const calls: ApplyWebhookEventsRequest[] = [];
    const b = new EventBatcher({
      windowMs: 20,
      maxEvents: 100,
      maxBytes: 1e6,
      apply: (r) => (calls.push(r), Promise.resolve(ok)),
    });
    await Promise.all([
      b.submit({ events: [ev('a')] }),
      b.submit({ events: [ev('b'), ev('c')] }),
      b.submit({ events: [ev('d')] }),
    ]);
    expect(calls.map((c) => c.events.map((e) => e.accountId))).toEqual([['a', 'b', 'c', 'd']]);
  });

  it('never exceeds the event bound in one call', async () => {
    const calls: number[] = [];
    const b = new EventBatcher({
      windowMs: 20,
      maxEvents: 3,
      maxBytes: 1e6,
      apply: (r) => (calls.push(r.events.length), Promise.resolve(ok)),
    });
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((x) => b.submit({ events: [ev(x), ev(x)] })));
    expect(Math.max(...calls)).toBeLessThanOrEqual(3);
    expect(calls.reduce((a, n) => a + n, 0)).toBe(10);
  });

  it('isolates an invalid submission: the others still succeed', async () => {
    const b = new EventBatcher({
      windowMs: 10,
      maxEvents: 100,
      maxBytes: 1e6,
      apply: (r) =>
        r.events.some((e) => e.accountId === 'bad')
          ? Promise.reject(AppError.invalid('events[0]', 'no account'))
          : Promise.resolve(ok),
    });
    const results = await Promise.allSettled([
      b.submit({ events: [ev('good')] }),
      b.submit({ events: [ev('bad')] }),
      b.submit({ events: [ev('fine')] }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('isolates any submission profiles refuses for good, not only invalid ones', async () => {
    const b = new EventBatcher({
      windowMs: 10,
      maxEvents: 100,
      maxBytes: 1e6,
      apply: (r) =>
        r.events.some((e) => e.accountId === 'bad')
          ? Promise.reject(new AppError('FAILED_PRECONDITION', 'message belongs elsewhere'))
          : Promise.resolve(ok),
    });
    const results = await Promise.allSettled([
      b.submit({ events: [ev('good')] }),
      b.submit({ events: [ev('bad')] }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
  });

  it('fails every submitter of a batch when profiles is unavailable (each job retries)', async () => {
    const b = new EventBatcher({
      windowMs: 10,
      maxEvents: 100,
      maxBytes: 1e6,
      apply: () => Promise.reject(new AppError('UNAVAILABLE', 'down')),
    });
    const results = await Promise.allSettled([
      b.submit({ events: [ev('a')] }),
      b.submit({ events: [ev('b')] }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
