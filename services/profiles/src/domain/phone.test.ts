import { describe, expect, it } from 'vitest';
import { e164FromWaId, normalizePhone, phoneTerms } from './phone.js';

describe('phones', () => {
  it("derives E.164 from a wa_id, dropping Mexico's legacy mobile 1", () => {
    expect(e164FromWaId('4915112345678')).toBe('+4915112345678');
    expect(e164FromWaId('5215512345678')).toBe('+525512345678');
    expect(e164FromWaId('BR.123')).toBeUndefined();
  });
  it('normalizes written forms, with a region for national numbers', () => {
    expect(normalizePhone('+49 151 1234-5678')).toBe('+4915112345678');
    expect(normalizePhone('004915112345678')).toBe('+4915112345678');
    expect(normalizePhone('0151 12345678', 'DE')).toBe('+4915112345678');
    expect(normalizePhone('hello')).toBeUndefined();
  });
  it('indexes international, national and trunk-prefixed digits', () => {
    expect(phoneTerms('+4915112345678', '4915112345678').sort()).toEqual([
      '015112345678',
      '15112345678',
      '4915112345678',
    ]);
  });
});
