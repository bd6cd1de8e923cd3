// Structured JSON logs (pino). Secrets are redacted by key; phone numbers are masked by maskPhone.
import { pino, type Logger } from 'pino';

export type { Logger };

const REDACT = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers.cookie',
  '*.cookie',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'password',
  '*.password',
  'accessToken',
  '*.accessToken',
  'appSecret',
  '*.appSecret',
  'sessionSecret',
  '*.sessionSecret',
];

export function createLogger(name: string, level = 'info'): Logger {
  return pino({
    name,
    level,
    redact: { paths: REDACT, censor: '[redacted]' },
    base: { service: name },
  });
}

/** "4915112345678" -> "49151*****78": enough to correlate, not enough to identify. */
export function maskPhone(phone: string | undefined | null): string {
  if (!phone) return '';
  const digits = phone.replace(/[^\d]/g, '');
  if (digits.length <= 6) return '*'.repeat(digits.length);
  return `${digits.slice(0, 5)}${'*'.repeat(digits.length - 7)}${digits.slice(-2)}`;
}
