import { describe, expect, it } from 'vitest';
import { matchesFilter } from './guard.js';

const t1 = new Date('2026-01-01T00:00:00Z');
const t2 = new Date('2026-01-02T00:00:00Z');
const doc = {
  _id: 'u1',
  waId: '49151',
  bsuid: '',
  previousWaIds: ['111'],
  nameAt: t1,
  lastMessageKey: '2026-01-01|m1',
  searchTerms: ['a', 'b', 'c'],
  editVersions: [{ editWamid: 'e1' }],
  reactionsBy: { r1: { key: 'k1' } },
  statusRank: 2,
  revoked: false,
};

describe('matchesFilter (in-process guards for FerretDB)', () => {
  it('evaluates the guards profiles uses like MongoDB does', () => {
    expect(matchesFilter(doc, { erasedAt: { $exists: false } })).toBe(true);
    expect(matchesFilter(doc, { erasedAt: { $exists: true } })).toBe(false);
    expect(
      matchesFilter(doc, { $or: [{ nameAt: { $exists: false } }, { nameAt: { $lte: t2 } }] }),
    ).toBe(true);
    expect(
      matchesFilter(doc, {
        $or: [{ nameAt: { $exists: false } }, { nameAt: { $lte: new Date(0) } }],
      }),
    ).toBe(false);
    expect(matchesFilter(doc, { lastMessageKey: { $lt: '2026-01-02|m0' } })).toBe(true);
    expect(matchesFilter(doc, { lastMessageKey: { $lt: '2026-01-01|m1' } })).toBe(false);
    expect(matchesFilter(doc, { 'searchTerms.2': { $exists: false } })).toBe(false);
    expect(matchesFilter(doc, { 'searchTerms.3': { $exists: false } })).toBe(true);
    expect(matchesFilter(doc, { 'editVersions.editWamid': { $ne: 'e1' } })).toBe(false);
    expect(matchesFilter(doc, { 'editVersions.editWamid': { $ne: 'e2' } })).toBe(true);
    expect(matchesFilter(doc, { previousWaIds: { $ne: '111' } })).toBe(false);
    expect(matchesFilter(doc, { waId: '', previousWaIds: { $ne: '2' } })).toBe(false);
    expect(matchesFilter(doc, { bsuid: '' })).toBe(true);
    expect(matchesFilter(doc, { 'reactionsBy.r1.key': { $lt: 'k2' } })).toBe(true);
    expect(
      matchesFilter(doc, {
        $or: [{ 'reactionsBy.r2': { $exists: false } }, { 'reactionsBy.r2.key': { $lt: 'k0' } }],
      }),
    ).toBe(true);
    expect(matchesFilter(doc, { statusRank: { $lt: 2 } })).toBe(false);
    expect(matchesFilter(doc, { statusRank: { $lt: 3 } })).toBe(true);
    expect(matchesFilter(doc, { revoked: { $ne: true } })).toBe(true);
    expect(matchesFilter(doc, { missing: null })).toBe(true);
    expect(matchesFilter(doc, { 'statusTimes.sent': { $exists: false } })).toBe(true);
  });

  it('compares only within a type bracket', () => {
    expect(matchesFilter(doc, { statusRank: { $lt: '3' } })).toBe(false);
    expect(matchesFilter(doc, { nameAt: { $lte: '2030' } })).toBe(false);
  });

  it('declines what it does not know (the guarded update is then sent unchanged)', () => {
    expect(matchesFilter(doc, { waId: { $in: ['1'] } })).toBeUndefined();
    expect(matchesFilter(doc, { waId: { $regex: '^4' } })).toBeUndefined();
    expect(matchesFilter(doc, { $nor: [] })).toBeUndefined();
    expect(matchesFilter(doc, { profile: { name: 'x' } })).toBeUndefined();
  });
});
