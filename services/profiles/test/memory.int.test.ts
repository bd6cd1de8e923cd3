// Agent memory (facts), the log (notes, follow-ups, overdue lists) and the user counters they keep.
import { status as Code } from '@grpc/grpc-js';
import {
  ActorKind,
  ListLogEntriesRequest,
  ListUsersRequest,
  LogEntryKind,
  LogEntryState,
  UpdateLogEntryRequest,
} from '@ue/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, inboundText, ref, t } from './events.js';
import { call, callError, startHarness, type Harness } from './harness.js';

let h: Harness;
let userId: string;
const carol = { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol' };
beforeAll(async () => {
  h = await startHarness('memory');
  await call(h.client, 'applyWebhookEvents', {
    events: [inboundText('wamid.M1', ref('4917100000001'), 'I work at Acme', t(0))],
    deliveries: [],
  });
  userId = (
    await call(h.client, 'getUser', {
      lookup: {
        $case: 'accountUser',
        accountUser: { accountId: ACCOUNT, user: ref('4917100000001') },
      },
    })
  ).user!.id;
});
afterAll(() => h.close());

const fact = (key: string, value: string, extra = {}) => ({
  key,
  value,
  confidence: 0.8,
  sourceMessageId: 'wamid.M1',
  retract: false,
  ...extra,
});

describe('facts', () => {
  it('keeps every version, answers current, history and as-of views', async () => {
    const v1 = await call(h.client, 'upsertFacts', {
      userId,
      author: carol,
      facts: [fact('company', 'Acme'), fact('city', 'Köln')],
    });
    expect(v1.facts.map((f) => [f.key, f.version])).toEqual([
      ['company', 1],
      ['city', 1],
    ]);
    const between = new Date();
    await new Promise((r) => setTimeout(r, 20));
    const v2 = await call(h.client, 'upsertFacts', {
      userId,
      author: { kind: ActorKind.ADMIN, id: 'ana', displayName: 'Ana' },
      facts: [fact('company', 'Acme Corp', { confidence: 1 })],
    });
    expect(v2.facts[0]).toMatchObject({
      key: 'company',
      value: 'Acme Corp',
      version: 2,
      author: { id: 'ana' },
      sourceMessageId: 'wamid.M1',
    });
    await call(h.client, 'upsertFacts', {
      userId,
      author: carol,
      facts: [fact('city', '', { retract: true })],
    });

    const current = await call(h.client, 'listFacts', {
      userId,
      keys: [],
      includeHistory: true,
      asOf: undefined,
      includeRetracted: false,
    });
    expect(current.facts.map((f) => [f.key, f.value, f.version])).toEqual([
      ['company', 'Acme Corp', 2],
    ]);
    expect(current.history.map((f) => [f.key, f.version, f.retracted])).toEqual([
      ['city', 1, false],
      ['city', 2, true],
      ['company', 1, false],
      ['company', 2, false],
    ]);
    const withRetracted = await call(h.client, 'listFacts', {
      userId,
      keys: ['city'],
      includeHistory: false,
      asOf: undefined,
      includeRetracted: true,
    });
    expect(withRetracted.facts.map((f) => f.retracted)).toEqual([true]);
    const past = await call(h.client, 'listFacts', {
      userId,
      keys: [],
      includeHistory: false,
      asOf: between,
      includeRetracted: false,
    });
    expect(past.facts.map((f) => [f.key, f.value])).toEqual([
      ['city', 'Köln'],
      ['company', 'Acme'],
    ]);
  });

  it('assigns distinct versions under concurrent writers', async () => {
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        call(h.client, 'upsertFacts', {
          userId,
          author: carol,
          facts: [fact('budget', `${i}000 EUR`)],
        }),
      ),
    );
    const r = await call(h.client, 'listFacts', {
      userId,
      keys: ['budget'],
      includeHistory: true,
      asOf: undefined,
      includeRetracted: false,
    });
    expect(r.history.map((f) => f.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('numbers concurrent first versions of new keys 1..8, every time', async () => {
    // Eight writers racing to create the counter of a key that has none: each race once
    // answered INTERNAL (a version handed out twice) or left a gap.
    for (let k = 0; k < 20; k += 1) {
      const key = `race_${k}`;
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          call(h.client, 'upsertFacts', { userId, author: carol, facts: [fact(key, `${i}`)] }),
        ),
      );
      const r = await call(h.client, 'listFacts', {
        userId,
        keys: [key],
        includeHistory: true,
        asOf: undefined,
        includeRetracted: false,
      });
      expect(
        r.history.map((f) => f.version),
        key,
      ).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    }
  });

  it('rejects malformed facts naming the field', async () => {
    const e1 = await callError(h.client, 'upsertFacts', {
      userId,
      author: carol,
      facts: [fact('Bad Key', 'x')],
    });
    expect(e1.code).toBe(Code.INVALID_ARGUMENT);
    expect(e1.details).toMatch(/^facts\[0\]\.key:/);
    const e2 = await callError(h.client, 'upsertFacts', {
      userId,
      author: carol,
      facts: [fact('ok', 'x', { confidence: 1.5 })],
    });
    expect(e2.details).toBe('facts[0].confidence: must be between 0 and 1');
    const e3 = await callError(h.client, 'upsertFacts', {
      userId: 'u_nope',
      author: carol,
      facts: [fact('ok', 'x')],
    });
    expect(e3.code).toBe(Code.NOT_FOUND);
  });
});

describe('log entries', () => {
  it('adds idempotently, tracks open follow-ups and overdue lists, and transitions states', async () => {
    const note = {
      userId,
      kind: LogEntryKind.NOTE,
      text: 'Prefers email',
      dueAt: undefined,
      author: carol,
      clientId: 'n-1',
    };
    const n1 = await call(h.client, 'addLogEntry', note);
    const n2 = await call(h.client, 'addLogEntry', note);
    expect(n2.entry?.id).toBe(n1.entry?.id);
    const past = new Date(Date.now() - 3600_000);
    const future = new Date(Date.now() + 86_400_000);
    const f1 = await call(h.client, 'addLogEntry', {
      userId,
      kind: LogEntryKind.FOLLOW_UP,
      text: 'Send the quote',
      dueAt: past,
      author: carol,
      clientId: '',
    });
    await call(h.client, 'addLogEntry', {
      userId,
      kind: LogEntryKind.PROACTIVE,
      text: 'Ask about delivery',
      dueAt: future,
      author: carol,
      clientId: '',
    });
    let user = (await call(h.client, 'getUser', { lookup: { $case: 'id', id: userId } })).user!;
    expect(user.counters?.openFollowUps).toBe(2);
    expect(user.nextFollowUpDueAt).toEqual(past);
    const overdueUsers = await call(
      h.client,
      'listUsers',
      ListUsersRequest.fromPartial({ hasOverdueFollowUp: true }),
    );
    expect(overdueUsers.users.map((u) => u.id)).toEqual([userId]);
    const overdue = await call(
      h.client,
      'listLogEntries',
      ListLogEntriesRequest.fromPartial({ overdueOnly: true }),
    );
    expect(overdue.entries.map((e) => e.text)).toEqual(['Send the quote']);

    const done = await call(
      h.client,
      'updateLogEntry',
      UpdateLogEntryRequest.fromPartial({
        id: f1.entry!.id,
        state: LogEntryState.DONE,
        actor: { kind: ActorKind.ADMIN, id: 'ana', displayName: 'Ana' },
      }),
    );
    expect(done.entry?.state).toBe(LogEntryState.DONE);
    expect(done.entry?.stateChanged?.by?.id).toBe('ana');
    user = (await call(h.client, 'getUser', { lookup: { $case: 'id', id: userId } })).user!;
    expect(user.counters?.openFollowUps).toBe(1);
    expect(user.nextFollowUpDueAt).toEqual(future);
    expect(
      (
        await call(
          h.client,
          'listUsers',
          ListUsersRequest.fromPartial({ hasOverdueFollowUp: true }),
        )
      ).users,
    ).toEqual([]);

    const all = await call(
      h.client,
      'listLogEntries',
      ListLogEntriesRequest.fromPartial({ userId, pageSize: 2 }),
    );
    const rest = await call(
      h.client,
      'listLogEntries',
      ListLogEntriesRequest.fromPartial({ userId, pageSize: 2, pageToken: all.nextPageToken }),
    );
    const texts = [...all.entries, ...rest.entries].map((e) => e.text);
    expect(texts).toEqual(['Ask about delivery', 'Send the quote', 'Prefers email']);
    const bad = await callError(h.client, 'addLogEntry', {
      userId,
      kind: LogEntryKind.FOLLOW_UP,
      text: 'x',
      dueAt: undefined,
      author: carol,
      clientId: '',
    });
    expect(bad.details).toBe('due_at: required for follow-ups and reminders');
  });
});
