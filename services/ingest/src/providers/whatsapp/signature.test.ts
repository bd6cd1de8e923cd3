import { describe, expect, it } from 'vitest';
import { checkSignature, sign } from './signature.js';

const body = Buffer.from('{"caption":"Sm\\u00f6rg\\u00e5st\\u00e5rta 450 kr\\/st"}');

describe('checkSignature', () => {
  it('accepts the HMAC of the exact bytes with any configured secret (rotation)', () => {
    expect(checkSignature(body, sign(body, 'new'), ['old', 'new'])).toBeNull();
    expect(checkSignature(body, sign(body, 'old'), ['old', 'new'])).toBeNull();
    expect(
      checkSignature(body, sign(body, 'old').toUpperCase().replace('SHA256=', 'sha256='), ['old']),
    ).toBeNull();
  });

  it('refuses a missing, malformed or mismatching header', () => {
    expect(checkSignature(body, undefined, ['s'])).toBe('missing');
    expect(checkSignature(body, 'sha1=abc', ['s'])).toBe('malformed');
    expect(checkSignature(body, sign(body, 's').slice(0, -1), ['s'])).toBe('malformed');
    expect(checkSignature(body, sign(body, 'other'), ['s'])).toBe('mismatch');
    const reserialized = Buffer.from(JSON.stringify(JSON.parse(body.toString())));
    expect(checkSignature(reserialized, sign(body, 's'), ['s'])).toBe('mismatch');
  });
});
