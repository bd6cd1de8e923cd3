import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureValid } from './signature.js';

const body = Buffer.from('{"object":"whatsapp_business_account"}');
const sign = (b: Buffer, secret: string): string =>
  `sha256=${createHmac('sha256', secret).update(b).digest('hex')}`;

describe('signatureValid', () => {
  it('accepts the HMAC-SHA256 of the exact bytes', () => {
    expect(signatureValid(body, sign(body, 'app-secret'), 'app-secret')).toBe(true);
  });

  it('refuses another secret, other bytes, a missing or malformed header', () => {
    expect(signatureValid(body, sign(body, 'other'), 'app-secret')).toBe(false);
    expect(
      signatureValid(
        Buffer.concat([body, Buffer.from(' ')]),
        sign(body, 'app-secret'),
        'app-secret',
      ),
    ).toBe(false);
    expect(signatureValid(body, undefined, 'app-secret')).toBe(false);
    expect(signatureValid(body, 'sha256=abc', 'app-secret')).toBe(false);
    expect(signatureValid(body, sign(body, 'app-secret').slice(7), 'app-secret')).toBe(false);
  });
});
