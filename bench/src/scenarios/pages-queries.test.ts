import { describe, expect, it } from 'vitest';
import { decodePageToken, rawListFilter, rawSort } from './pages-queries.js';
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

  it('adds a keyset condition after the page token position', () => {
    const at = new Date('2026-11-01T00:00:00Z');
    const f = rawListFilter({ sort: LA, after: { at, id: 'u_1' } });
    expect(f.$and?.[1]).toEqual({
      $or: [{ lastInteractionAt: { $lt: at } }, { lastInteractionAt: at, _id: { $lt: 'u_1' } }],
    });
    expect(rawSort({ sort: { field: 'createdAt', dir: 1 } })).toEqual({ createdAt: 1, _id: 1 });
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
