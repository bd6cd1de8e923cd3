import { describe, expect, it } from 'vitest';
import { ACCOUNT_A } from '../people.js';
import { buildUserDocs, freshUser, messageIdFor, userIdFor } from './documents.js';
import type { DocTemplates } from './records.js';
import { textTerms } from './terms.js';

const at = new Date('2026-11-01T10:00:00Z');
const templates: DocTemplates = {
  user: { _id: 'u_t', sourcePlatform: 'whatsapp', statusChanged: { at }, searchTerms: ['x'] },
  identities: [],
  inbound: {
    _id: 'm_i',
    direction: 1,
    content: { type: 1, text: 't', contacts: [] },
    statusRank: 0,
  },
  outbound: {
    _id: 'm_o',
    direction: 2,
    content: { type: 1, text: 't', contacts: [] },
    status: 3,
    statusRank: 30,
    statusTimes: { sentAt: at, deliveredAt: at },
    author: { kind: 2, id: 'carol', displayName: 'Carol' },
  },
  delivery: { _id: 'd' },
  followUp: { _id: 'l', kind: 2, state: 1 },
  indexes: {},
  warnings: [],
};

describe('ids', () => {
  it("are profiles' deterministic ids (checked against a stored document)", () => {
    expect(userIdFor(ACCOUNT_A, '4917990000000')).toBe('u_8aafda9283eac32e5708fcc1');
    expect(messageIdFor(ACCOUNT_A, 'wamid.x')).toMatch(/^m_[0-9a-f]{24}$/);
  });
});

describe('textTerms', () => {
  it('folds case and accents like profiles', () => {
    expect(textTerms('Viele Grüße aus Düsseldorf!')).toEqual([
      'viele',
      'grusse',
      'aus',
      'dusseldorf',
    ]);
  });
});

describe('buildUserDocs', () => {
  const docs = buildUserDocs(templates, {
    n: 500_000_001,
    accountId: ACCOUNT_A,
    wabaId: '104857600112233',
    messages: [
      { at, inbound: true, text: 'Wo ist mein Paket' },
      { at: new Date(at.getTime() + 60_000), inbound: false, text: 'Unterwegs' },
      { at: new Date(at.getTime() + 120_000), inbound: true, text: 'Danke schön' },
    ],
    status: 0,
    tags: ['vip'],
    paused: false,
    followUpDue: new Date(at.getTime() + 86_400_000),
  });
  const u = docs.user;

  it('derives the user from its messages as profiles does', () => {
    const last = docs.messages[2]!;
    expect(u._id).toBe(userIdFor(ACCOUNT_A, '4917500000001'));
    expect(u.counters).toEqual({
      inboundMessages: 2,
      outboundMessages: 1,
      failedDeliveries: 0,
      openFollowUps: 1,
    });
    expect(u.needsReply).toBe(true);
    expect(u.lastMessageKey).toBe(`${(last.sentAt as Date).toISOString()}|${last._id}`);
    expect(u.lastMessage).toMatchObject({ messageId: last._id, direction: 1, text: 'Danke schön' });
    expect(u.createdAt).toEqual(at);
    expect(u.lastOutboundAt).toEqual(new Date(at.getTime() + 60_000));
    expect(u.statusChanged).toBeUndefined();
    expect(u.nextFollowUpDueAt).toEqual(new Date(at.getTime() + 86_400_000));
  });

  it('makes the user findable by phone forms, BSUID, name and message words', () => {
    const terms = u.searchTerms as string[];
    for (const t of ['4917500000001', '17500000001', '017500000001', 'paket', 'danke', 'schon'])
      expect(terms).toContain(t);
    expect(terms).toContain('de.5000000000500000001');
  });

  it('links both identities and clones outbound status fields', () => {
    expect(docs.identities.map((i) => i._id)).toEqual([
      `${ACCOUNT_A}|wa|4917500000001`,
      `${ACCOUNT_A}|bsuid|DE.5000000000500000001`,
    ]);
    expect(docs.messages[1]).toMatchObject({ direction: 2, statusRank: 30 });
    expect(docs.messages[0]).toMatchObject({ author: { kind: 1, id: u._id } });
    expect(docs.logEntries).toHaveLength(1);
  });

  it('creates a plain new user for the raw baselines', () => {
    const f = freshUser(templates, { n: 1, accountId: ACCOUNT_A, at });
    expect(f).toMatchObject({ status: 0, paused: false, tags: [], createdAt: at });
    expect(f.statusChanged).toBeUndefined();
  });
});
