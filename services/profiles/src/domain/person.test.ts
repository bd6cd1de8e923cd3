import { describe, expect, it } from 'vitest';
import {
  checkSplit,
  contactTerm,
  currentFacts,
  factContact,
  initialPersonId,
  maskedPhone,
  personIdOf,
  planJoin,
  profileContacts,
  representatives,
  samePhonePersonId,
  sharedContact,
  soloPersonId,
  soloUserOf,
  sortsBefore,
  undoMove,
  type JoinCandidate,
} from './person.js';

describe('person ids', () => {
  it('gives a solo identity its own person and reads a missing one as that', () => {
    expect(soloPersonId('u_1')).toBe('p-u_1');
    expect(personIdOf({ _id: 'u_1' })).toBe('p-u_1');
    expect(personIdOf({ _id: 'u_1', personId: 'pp-abc' })).toBe('pp-abc');
    expect(soloUserOf('p-u_1')).toBe('u_1');
    expect(soloUserOf('pp-abc')).toBeUndefined();
  });

  it('puts one phone of one business in one automatic person, other businesses apart', () => {
    const a = samePhonePersonId('waba-1', '+4915112345678');
    expect(a).toMatch(/^pp-[0-9a-f]{24}$/);
    expect(samePhonePersonId('waba-1', '+4915112345678')).toBe(a);
    expect(samePhonePersonId('waba-2', '+4915112345678')).not.toBe(a);
    expect(samePhonePersonId('waba-1', '+4915112345679')).not.toBe(a);
  });

  it('joins by phone only for WhatsApp identities with a phone, and only when the rule is on', () => {
    const wa = { userId: 'u_1', whatsapp: true, phoneE164: '+4915112345678' };
    const rule = { businessId: 'waba-1' };
    expect(initialPersonId(wa, rule)).toBe(samePhonePersonId('waba-1', '+4915112345678'));
    expect(initialPersonId(wa, undefined)).toBe('p-u_1'); // PEOPLE_SAME_PHONE_JOIN=false
    expect(initialPersonId({ ...wa, phoneE164: undefined }, rule)).toBe('p-u_1');
    expect(initialPersonId({ ...wa, whatsapp: false }, rule)).toBe('p-u_1');
  });

  it('masks a phone to its country code and last three digits', () => {
    expect(maskedPhone('+4915112345678')).toBe('+49…678');
    expect(maskedPhone('+14155550123')).toBe('+1…123');
  });
});

describe('joins and splits', () => {
  const found = new Map<string, JoinCandidate>([
    ['a', { id: 'a', personId: 'P1', erased: false }],
    ['b', { id: 'b', personId: 'P2', erased: false }],
    ['c', { id: 'c', personId: 'P2', erased: false }],
    ['d', { id: 'd', personId: 'P1', erased: false }],
    ['x', { id: 'x', personId: 'P3', erased: true }],
  ]);

  it("joins every other person into the first user's, once each", () => {
    expect(planJoin(['a', 'b', 'c', 'd'], found)).toEqual({ target: 'P1', joining: ['P2'] });
    expect(planJoin(['b', 'a'], found)).toEqual({ target: 'P2', joining: ['P1'] });
    expect(planJoin(['a', 'd'], found)).toEqual({ target: 'P1', joining: [] });
  });

  it('refuses a missing or erased identity, naming its field', () => {
    expect(() => planJoin(['a', 'zz'], found)).toThrow(/^user_ids\[1\]: user not found/);
    expect(() => planJoin(['a', 'x'], found)).toThrow(/^user_ids\[1\]: the user was erased/);
  });

  it('undoes a join back to where the identities came from, a split back to where they left', () => {
    expect(undoMove({ personId: 'T', fromPersonId: 'F', split: false })).toEqual({
      from: 'T',
      to: 'F',
    });
    expect(undoMove({ personId: 'T', fromPersonId: 'p-u', split: true })).toEqual({
      from: 'p-u',
      to: 'T',
    });
  });

  it('splits only an identity that shares a person, and not out of its own person', () => {
    expect(() =>
      checkSplit({ id: 'u', personId: 'pp-1' }, { others: 1, joinLinks: [] }),
    ).not.toThrow();
    expect(() => checkSplit({ id: 'u', personId: 'pp-1' }, { others: 0, joinLinks: [] })).toThrow(
      /only identity/,
    );
    expect(() =>
      checkSplit({ id: 'u', personId: 'p-u' }, { others: 2, joinLinks: ['pl_1', 'pl_2'] }),
    ).toThrow(/undo link pl_1, pl_2 instead/);
  });
});

describe('suggestions', () => {
  it('reads emails and phones from facts whose key names them, normalized', () => {
    expect(factContact('email', ' Lena@Example.com ')).toEqual({
      kind: 'email',
      value: 'lena@example.com',
      source: { fact: 'email' },
    });
    expect(factContact('work_phone', '+49 151 1234-5678')).toEqual({
      kind: 'phone',
      value: '+4915112345678',
      source: { fact: 'work_phone' },
    });
    expect(factContact('company', 'lena@example.com')).toBeUndefined();
    expect(factContact('email', 'not an address')).toBeUndefined();
    expect(factContact('phone', 'call me later')).toBeUndefined();
  });

  it('indexes a contact whole, as search terms hold emails and phone digits', () => {
    expect(contactTerm({ kind: 'email', value: 'lena@example.com', source: {} })).toBe(
      'lena@example.com',
    );
    expect(contactTerm({ kind: 'phone', value: '+4915112345678', source: {} })).toBe(
      '4915112345678',
    );
  });

  it('takes the newest version of each key and skips retracted ones', () => {
    const f = (key: string, version: number, retracted = false) => ({ key, version, retracted });
    expect(
      currentFacts([f('email', 1), f('email', 2), f('phone', 1), f('phone', 2, true)]),
    ).toEqual([f('email', 2)]);
  });

  it('finds the first shared contact, emails before phones, with both sources', () => {
    const theirs = [
      { kind: 'phone' as const, value: '+4915112345678', source: { fact: 'phone' } },
      { kind: 'email' as const, value: 'lena@example.com', source: { fact: 'email' } },
    ];
    const ours = [
      {
        userId: 'u_wa',
        contacts: profileContacts({ email: 'Lena@example.com', phoneE164: '+4915112345678' }),
      },
    ];
    expect(sharedContact(theirs, ours)).toEqual({
      kind: 'email',
      value: 'lena@example.com',
      theirs: { fact: 'email' },
      ours: { source: {}, userId: 'u_wa' },
    });
    expect(sharedContact(theirs.slice(0, 1), ours)?.kind).toBe('phone');
    expect(sharedContact(theirs, [{ userId: 'u', contacts: [] }])).toBeUndefined();
  });
});

describe('lists grouped by person', () => {
  const row = (id: string, personId: string, key: string) => ({ id, personId, key });

  it('orders by sort key then id, in the list direction', () => {
    expect(sortsBefore(row('a', 'P', '2026-02'), row('b', 'P', '2026-01'), -1)).toBe(true);
    expect(sortsBefore(row('b', 'P', '2026-01'), row('a', 'P', '2026-01'), -1)).toBe(true);
    expect(sortsBefore(row('a', 'P', '2026-01'), row('b', 'P', '2026-01'), 1)).toBe(true);
  });

  it('keeps a row only when no other matching identity of its person sorts before it', () => {
    const page = [row('u1', 'P', '2026-03'), row('u2', 'Q', '2026-02'), row('u3', 'P', '2026-01')];
    // u0 (person Q) matches the filters and is newer than u2: Q was listed with u0 already.
    const matching = [...page, row('u0', 'Q', '2026-04')];
    expect(representatives(page, matching, -1).map((r) => r.id)).toEqual(['u1']);
    expect(representatives(page, page, -1).map((r) => r.id)).toEqual(['u1', 'u2']);
  });
});
