import { AppError, isAppError, isRetryable } from '@ue/kit';
import {
  ApplyWebhookEventsRequest,
  Channel,
  InboundMessageEvent,
  type DeliveryStatus,
  type WebhookEvent,
} from '@ue/proto';
import { fixture } from '@ue/testing';
import { describe, expect, it } from 'vitest';
import { profilesRefusal } from '../../test/profiles-rules.js';
import { parseWhatsappDelivery } from '../providers/whatsapp/parser.js';
import { EventBatcher, laneOf, userKeyOf, type BatchItem } from './event-batcher.js';

const ev = (accountId: string): WebhookEvent => ({
  accountId,
  wabaId: '',
  occurredAt: undefined,
  channel: Channel.WHATSAPP,
  accountDisplay: '',
  event: undefined,
});
const seenBy = (waId: string): WebhookEvent => ({
  accountId: 'acc',
  wabaId: '',
  occurredAt: undefined,
  channel: Channel.WHATSAPP,
  accountDisplay: '',
  event: {
    $case: 'userSeen',
    userSeen: {
      user: { waId, bsuid: '', parentBsuid: '', scopedId: '' },
      name: '',
      username: '',
      referral: undefined,
    },
  },
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

  it("runs one call per lane at once, lanes by user; what arrives meanwhile joins its lane's next batch", async () => {
    // Two users in different lanes (of 2).
    const waIds = Array.from({ length: 20 }, (_, i) => `4915100000${i}`);
    const key = (w: string) => userKeyOf({ events: [seenBy(w)] });
    const a = waIds[0]!;
    const b = waIds.find((w) => laneOf(key(w), 2) !== laneOf(key(a), 2))!;
    const calls: string[][] = [];
    const release: (() => void)[] = [];
    const running = new Map<string, number>();
    let most = 0;
    const batcher = new EventBatcher({
      windowMs: 1,
      maxEvents: 100,
      maxBytes: 1e6,
      lanes: 2,
      apply: (r) => {
        const users = r.events.map((e) =>
          e.event?.$case === 'userSeen' ? e.event.userSeen.user!.waId : '',
        );
        calls.push(users);
        for (const u of new Set(users)) {
          running.set(u, (running.get(u) ?? 0) + 1);
          expect(running.get(u)).toBe(1); // one user is never in two calls at once
        }
        most = Math.max(most, calls.length - release.length);
        return new Promise((resolve) =>
          release.push(() => {
            for (const u of new Set(users)) running.set(u, running.get(u)! - 1);
            resolve(ok);
          }),
        );
      },
    });
    const tick = () => new Promise((r) => setTimeout(r, 10));
    const done = [batcher.submit({ events: [seenBy(a)] }), batcher.submit({ events: [seenBy(b)] })];
    await tick();
    expect(calls).toEqual([[a], [b]]); // both lanes busy at once
    // a's lane is busy: these wait, past their window, and leave together.
    done.push(batcher.submit({ events: [seenBy(a)] }), batcher.submit({ events: [seenBy(a)] }));
    await tick();
    expect(calls).toHaveLength(2);
    release.shift()!();
    await tick();
    expect(calls[2]).toEqual([a, a]);
    while (release.length) release.shift()!();
    await Promise.all(done);
    expect(most).toBe(2);
  });

  it('puts a Messenger / Instagram user’s messages and receipts in one lane, by PSID', () => {
    const psid = { waId: '', bsuid: '', parentBsuid: '', scopedId: '6500000000000001' };
    const on = (event: WebhookEvent['event']): WebhookEvent => ({
      ...ev('1029384756'),
      channel: Channel.MESSENGER,
      event,
    });
    const keys = [
      on({
        $case: 'inboundMessage',
        inboundMessage: InboundMessageEvent.fromPartial({ wamid: 'm_1', from: psid }),
      }),
      on({ $case: 'watermark', watermark: { user: psid, status: 4, watermark: new Date(0) } }),
    ].map((e) => userKeyOf({ events: [e] }));
    expect(keys).toEqual(['1029384756|6500000000000001', '1029384756|6500000000000001']);
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

  it('a coalesced batch with poison deliveries stores every valid one; the poison alone fails for good', async () => {
    // profiles as gRPC and checkEvent treat a call: encoded whole, validated all or nothing.
    const calls: ApplyWebhookEventsRequest[] = [];
    const stored: WebhookEvent[] = [];
    const b = new EventBatcher({
      windowMs: 20,
      maxEvents: 100,
      maxBytes: 1e6,
      apply: (r) => {
        calls.push(r);
        try {
          ApplyWebhookEventsRequest.encode(r);
        } catch (err) {
          const why = `Request message serialization failure: ${(err as Error).message}`;
          return Promise.reject(new AppError('INTERNAL', why));
        }
        const refusal = r.events.map(profilesRefusal).find(Boolean);
        if (refusal) return Promise.reject(AppError.invalid('events', refusal));
        stored.push(...r.events);
        return Promise.resolve(ok);
      },
    });
    const valid = ['text-basic.json', 'status-read.json', 'reaction-added.json'].map(
      (name): BatchItem => ({
        events: parseWhatsappDelivery(fixture(name), new Date()).events,
      }),
    );
    const unencodable: WebhookEvent = {
      ...valid[1]!.events[1]!,
      event: {
        $case: 'status',
        status: { wamid: 'w', status: (() => 0) as unknown as DeliveryStatus, errors: [] } as never,
      },
    };
    const refused: WebhookEvent = { ...valid[0]!.events[0]!, accountId: '' };
    const submissions = [
      valid[0]!,
      { events: [unencodable] },
      valid[1]!,
      { events: [refused] },
      valid[2]!,
    ];
    const results = await Promise.allSettled(submissions.map((s) => b.submit(s)));

    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect(stored).toEqual(valid.flatMap((v) => v.events));
    for (const r of results)
      if (r.status === 'rejected')
        expect(isAppError(r.reason) && !isRetryable(r.reason.code), String(r.reason)).toBe(true);
    // What cannot be encoded never reaches profiles (nor costs its neighbours a failed call).
    expect(calls.flatMap((c) => c.events)).not.toContain(unencodable);
  });
});
