import { ConfigError } from '@ue/kit';
import { describe, expect, it } from 'vitest';
import { loadConfig, mediaCaps } from './config.js';

const required = {
  REDIS_URL: 'redis://127.0.0.1:6379',
  PROFILES_ADDR: '127.0.0.1:7204',
  PROFILES_TOKEN: 'ingest-token-123',
  WHATSAPP_APP_SECRET: 'old-secret, new-secret',
  WHATSAPP_VERIFY_TOKEN: 'verify',
  WHATSAPP_ACCESS_TOKEN: 'access',
};

describe('loadConfig', () => {
  it('applies the documented defaults and splits rotated secrets', () => {
    const c = loadConfig(required);
    expect(c.WHATSAPP_APP_SECRET).toEqual(['old-secret', 'new-secret']);
    expect([
      c.PORT,
      c.WHATSAPP_API_BASE_URL,
      c.BULLMQ_PREFIX,
      c.WEBHOOK_MAX_BYTES,
      c.OUTBOUND_RATE_PER_SECOND,
    ]).toEqual([7203, 'https://graph.facebook.com/v24.0', 'bull', 3 * 1024 * 1024, 80]);
    expect(c.INGEST_ROLES).toEqual(['http', 'webhook-worker', 'outbound-worker', 'media-worker']);
    expect(c.HOST).toBe('0.0.0.0');
    expect(loadConfig({ ...required, HOST: '127.0.0.1' }).HOST).toBe('127.0.0.1');
  });

  it('defaults Messenger / Instagram to the WhatsApp app, and reads the token lists', () => {
    const c = loadConfig(required);
    expect([
      c.MESSENGER_APP_SECRET,
      c.MESSENGER_VERIFY_TOKEN,
      c.META_API_BASE_URL,
      c.MESSENGER_PAGE_TOKENS.size,
      c.INSTAGRAM_TOKENS.size,
    ]).toEqual([['old-secret', 'new-secret'], 'verify', 'https://graph.facebook.com/v24.0', 0, 0]);
    const own = loadConfig({
      ...required,
      MESSENGER_APP_SECRET: 'meta-secret',
      MESSENGER_VERIFY_TOKEN: 'meta-verify',
      META_API_BASE_URL: 'http://127.0.0.1:9/v24.0',
      MESSENGER_PAGE_TOKENS: '1029384756:EAAB:with:colons, 2000000000:EAAC',
      INSTAGRAM_TOKENS: '17841400000000001:IGAA',
    });
    expect([own.MESSENGER_APP_SECRET, own.MESSENGER_VERIFY_TOKEN, own.META_API_BASE_URL]).toEqual([
      ['meta-secret'],
      'meta-verify',
      'http://127.0.0.1:9/v24.0',
    ]);
    expect([...own.MESSENGER_PAGE_TOKENS]).toEqual([
      ['1029384756', 'EAAB:with:colons'],
      ['2000000000', 'EAAC'],
    ]);
    expect(own.INSTAGRAM_TOKENS.get('17841400000000001')).toBe('IGAA');
  });

  it('names a malformed token list without repeating the secret', () => {
    let err: unknown;
    try {
      loadConfig({
        ...required,
        INSTAGRAM_TOKENS: 'secret-without-id',
        MESSENGER_PAGE_TOKENS: '1:',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'INSTAGRAM_TOKENS',
      'MESSENGER_PAGE_TOKENS',
    ]);
    expect(problems.join('\n')).not.toContain('secret-without-id');
  });

  it('caps media at the provider’s limits unless configured', () => {
    const MB = 1024 * 1024;
    expect(mediaCaps(loadConfig(required))).toEqual({
      image: 5 * MB,
      audio: 16 * MB,
      video: 16 * MB,
      document: 100 * MB,
      sticker: 500 * 1024,
    });
    const c = loadConfig({
      ...required,
      MEDIA_MAX_BYTES_IMAGE: '1000',
      MEDIA_CHECKSUM_RETRIES: '0',
    });
    expect([mediaCaps(c).image, c.MEDIA_CHECKSUM_RETRIES]).toEqual([1000, 0]);
    expect(() => loadConfig({ ...required, MEDIA_MAX_BYTES_VIDEO: '0' })).toThrow(ConfigError);
  });

  it('names every missing or malformed variable', () => {
    const err = (() => {
      try {
        loadConfig({
          ...required,
          REDIS_URL: 'http://nope',
          PROFILES_ADDR: 'no-port',
          WHATSAPP_APP_SECRET: '',
          INGEST_ROLES: 'http,bogus',
          WEBHOOK_BATCH_MAX_EVENTS: '900',
        });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    const names = (err as ConfigError).problems.map((p) => p.split(':')[0]);
    expect(names.sort()).toEqual([
      'INGEST_ROLES.1',
      'PROFILES_ADDR',
      'REDIS_URL',
      'WEBHOOK_BATCH_MAX_EVENTS',
      'WHATSAPP_APP_SECRET',
    ]);
  });
});
