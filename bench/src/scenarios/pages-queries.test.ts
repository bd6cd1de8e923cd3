import { describe, expect, it } from 'vitest';
import { decodePageToken, rawListFilter, rawPageFilters, rawSort } from './pages-queries.js';
import { phoneFilter } from './lookups.js';

const LA = { field: 'lastInteractionAt', dir: -1 } as const;

describe("rawListFilter (mirror of profiles' listFilter)", () => {
  it('always excludes erased users', () => {
    expect(rawListFilter({ sort: LA })).toEqual({ $and: [{ erasedAt: { $exists: false } }] });
  });

  it('anchors search terms and escapes them', () => {
    expect(rawListFilter({ sort: LA, terms: ['a.b'] }).$and?.[0]).toEqual({
      searchTerms: { $regex: '^a\\.b' },
    });
  });

  it('asks a keyset page as two index ranges after the page token position, like profiles', () => {
    const at = new Date('2026-11-01T00:00:00Z');
    const erased = { erasedAt: { $exists: false } };
    expect(rawPageFilters({ sort: LA })).toEqual([{ $and: [erased] }]);
    expect(rawPageFilters({ sort: LA, paused: true, after: { at, id: 'u_1' } })).toEqual([
      { $and: [{ paused: true }, erased, { lastInteractionAt: at, _id: { $lt: 'u_1' } }] },
      { $and: [{ paused: true }, erased, { lastInteractionAt: { $lt: at } }] },
    ]);
    expect(rawSort({ sort: { field: 'createdAt', dir: 1 } })).toEqual({ createdAt: 1, _id: 1 });
  });

  it('asks "no overdue follow-up" as one negated range', () => {
    const now = new Date('2026-11-01T00:00:00Z');
    expect(rawListFilter({ sort: LA, overdue: { now, overdue: false } }).$and?.[0]).toEqual({
      nextFollowUpDueAt: { $not: { $lt: now } },
    });
  });

  it('reads a ListUsers page token', () => {
    const token = Buffer.from(
      JSON.stringify({ k: '2026-11-01T00:00:00.000Z', id: 'u_9', f: 'la' }),
    ).toString('base64url');
    expect(decodePageToken(token)).toEqual({ at: new Date('2026-11-01T00:00:00Z'), id: 'u_9' });
  });

  it('looks phones up like profiles does', () => {
    expect(phoneFilter('+4917000000001')).toEqual({
      $or: [
        { 'profile.phoneE164': '+4917000000001' },
        { waId: '4917000000001' },
        { previousWaIds: '4917000000001' },
      ],
    });
  });
});
