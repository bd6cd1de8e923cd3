// The batch write path (app/apply-bulk.ts, adapters/mongo/message-store.ts) against the real
// server: one update per user decided from the user read in the transaction must keep the same
// rules as the single-message path: the search-term cap, the latest profile name, the preview,
// exact counts when a batch repeats messages.
import { MAX_USER_TERMS } from '../src/domain/limits.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, inboundText, ref, seen, t } from './events.js';
import { call, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('batch-writes');
});
afterAll(() => h.close());

const userOf = async (waId: string) =>
  (
    await call(h.client, 'getUser', {
      lookup: { $case: 'accountUser', accountUser: { accountId: ACCOUNT, user: ref(waId) } },
    })
  ).user!;

describe('one update per user per batch', () => {
  it('folds the latest sighting into the count, keeps the newest preview and counts repeats once', async () => {
    const p = ref('4917000000101');
    const events = [
      seen(p, 'Old Name', t(1)),
      inboundText('wamid.BW1', p, 'erste Nachricht', t(1)),
      seen(p, 'New Name', t(3)),
      inboundText('wamid.BW3', p, 'dritte Nachricht', t(3)),
      inboundText('wamid.BW2', p, 'zweite Nachricht', t(2)),
      inboundText('wamid.BW1', p, 'erste Nachricht', t(1)), // the same message twice in one batch
    ];
    const res = await call(h.client, 'applyWebhookEvents', { events, deliveries: [] });
    expect(res.applied + res.duplicates).toBe(events.length);
    const u = await userOf('4917000000101');
    expect(u.profile?.name).toBe('New Name');
    expect(u.counters?.inboundMessages).toBe(3);
    expect(u.lastMessage?.text).toBe('dritte Nachricht');
    expect(u.createdAt).toEqual(t(1));
    expect(u.lastInteractionAt).toEqual(t(3));
    // An older name arriving later changes nothing; the counts stay exact on a replay.
    await call(h.client, 'applyWebhookEvents', {
      events: [seen(p, 'Older Name', t(0)), ...events],
      deliveries: [],
    });
    const again = await userOf('4917000000101');
    expect(again.profile?.name).toBe('New Name');
    expect(again.counters?.inboundMessages).toBe(3);
    expect(again.createdAt).toEqual(t(0));
  });

  it('adds message words while the user has room, none once it holds MAX_USER_TERMS', async () => {
    const full = ref('4917000000102');
    const room = ref('4917000000103');
    await call(h.client, 'applyWebhookEvents', {
      events: [
        inboundText('wamid.BW10', full, 'hallo', t(10)),
        inboundText('wamid.BW11', room, 'hallo', t(10)),
      ],
      deliveries: [],
    });
    const filler = Array.from({ length: MAX_USER_TERMS }, (_, i) => `filler${i}`);
    const fullId = (await userOf('4917000000102')).id;
    await h.mongo.cols.users.updateOne({ _id: fullId }, { $set: { searchTerms: filler } });
    await call(h.client, 'applyWebhookEvents', {
      events: [
        inboundText('wamid.BW12', full, 'zebrafisch', t(11)),
        inboundText('wamid.BW13', room, 'zebrafisch', t(11)),
      ],
      deliveries: [],
    });
    const terms = async (waId: string) =>
      (await h.mongo.cols.users.findOne({ _id: (await userOf(waId)).id }))!.searchTerms;
    expect(await terms('4917000000102')).toHaveLength(MAX_USER_TERMS);
    expect(await terms('4917000000102')).not.toContain('zebrafisch');
    expect(await terms('4917000000103')).toContain('zebrafisch');
  });
});

describe('reads of users', () => {
  it('leave the search terms in the database (the largest field, used only by its queries)', async () => {
    const p = ref('4917000000199');
    const words = Array.from({ length: 200 }, (_, i) => `wort${i}`).join(' ');
    await call(h.client, 'applyWebhookEvents', {
      events: [seen(p, 'Terms Owner', t(1)), inboundText('wamid.BWT', p, words, t(1))],
      deliveries: [],
    });
    const id = (await userOf('4917000000199')).id;
    const stored = await h.mongo.cols.users.findOne({ _id: id });
    expect(stored?.searchTerms.length).toBeGreaterThan(50);
    const users = h.ports.users;
    expect((await users.findById(id))?.searchTerms).toBeUndefined();
    expect((await users.findByIds([id]))[0]?.searchTerms).toBeUndefined();
    const byPhone = await users.findByPhone({ e164: '+4917000000199', digits: '4917000000199' });
    expect(byPhone?._id).toBe(id);
    expect(byPhone?.searchTerms).toBeUndefined();
    const page = await users.list({
      terms: ['terms'],
      sort: { field: 'lastInteractionAt', dir: -1 },
      limit: 10,
      maxTimeMS: 5000,
      statuses: [],
      tags: [],
    });
    expect(page.map((u) => u._id)).toEqual([id]);
    expect(page[0]?.searchTerms).toBeUndefined();
  });
});
