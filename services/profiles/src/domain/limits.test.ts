import { describe, expect, it } from 'vitest';
import { normalizeTag, pageSize, requireString, validateEmail, validateFactKey } from './limits.js';

describe('limits', () => {
  it('names the field in every violation', () => {
    expect(() => requireString('user_id', '')).toThrow('user_id: required');
    expect(() => requireString('user_id', 'x'.repeat(200))).toThrow(
      'user_id: longer than 128 characters',
    );
    expect(() => pageSize('page_size', 201)).toThrow('page_size: must be between 1 and 200');
    expect(pageSize('page_size', 0)).toBe(50);
    expect(() => validateFactKey('facts[0].key', 'Company Name')).toThrow(/^facts\[0\]\.key:/);
    expect(() => validateEmail('email', 'nope')).toThrow('email: not an email address');
    expect(() => normalizeTag('add_tags[0]', '<b>')).toThrow(/^add_tags\[0\]:/);
  });
  it('normalizes tags and accepts valid input', () => {
    expect(normalizeTag('t', '  VIP ')).toBe('vip');
    expect(validateFactKey('k', 'company.size')).toBe('company.size');
  });
});
