import { describe, expect, it } from 'vitest';
import { DEFAULT_MEDIA_SETTINGS, loadConfig, normaliseBasePath } from './config.js';

const base = {
  REDIS_URL: 'redis://127.0.0.1:6379',
  PROFILES_ADDR: 'profiles:7204',
  PROFILES_TOKEN: 'abcdefghijkl',
  SESSION_SECRET: 's'.repeat(32),
};

describe('bff config', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig(base);
    expect(c).toMatchObject({
      host: '0.0.0.0',
      port: 7202,
      basePath: '',
      cookieSecure: 'auto',
      timeZone: 'UTC',
      logLevel: 'info',
      usersPageSize: 50,
    });
    expect(c.bootstrapAdmin).toBeUndefined();
  });

  it('takes the media limits from the environment, with WhatsApp limits by default', () => {
    expect(loadConfig(base).media).toEqual(DEFAULT_MEDIA_SETTINGS);
    expect(DEFAULT_MEDIA_SETTINGS).toMatchObject({
      imageMaxBytes: 5 * 1024 * 1024,
      documentMaxBytes: 100 * 1024 * 1024,
    });
    expect(
      loadConfig({
        ...base,
        MEDIA_IMAGE_MAX_BYTES: '300000',
        MEDIA_DOCUMENT_MAX_BYTES: '2000000',
        MEDIA_THUMBNAIL_MAX_INPUT_BYTES: '4000000',
        UPLOAD_TMP_DIR: '/var/tmp/bff',
      }).media,
    ).toEqual({
      imageMaxBytes: 300_000,
      documentMaxBytes: 2_000_000,
      thumbnailMaxInputBytes: 4_000_000,
      uploadTmpDir: '/var/tmp/bff',
    });
    expect(() => loadConfig({ ...base, MEDIA_IMAGE_MAX_BYTES: '5MB' })).toThrow(
      /MEDIA_IMAGE_MAX_BYTES/,
    );
  });

  it('normalises BASE_PATH for mounting and links', () => {
    expect(loadConfig({ ...base, BASE_PATH: '/dev/user-engagement/' }).basePath).toBe(
      '/dev/user-engagement',
    );
    expect(normaliseBasePath('/')).toBe('');
    expect(() => loadConfig({ ...base, BASE_PATH: 'javascript:alert(1)' })).toThrow(
      /BASE_PATH: must be a path/,
    );
  });

  it('binds to HOST: any IP address or host name, nothing else', () => {
    expect(loadConfig({ ...base, HOST: '127.0.0.1' }).host).toBe('127.0.0.1');
    expect(loadConfig({ ...base, HOST: '::' }).host).toBe('::');
    expect(loadConfig({ ...base, HOST: 'localhost' }).host).toBe('localhost');
    expect(loadConfig({ ...base, HOST: 'bff.internal' }).host).toBe('bff.internal');
    expect(() => loadConfig({ ...base, HOST: 'http://0.0.0.0' })).toThrow(/HOST: must be an IP/);
    expect(() => loadConfig({ ...base, HOST: '0.0.0.0:7202' })).toThrow(/HOST: must be an IP/);
  });

  it('names every bad variable at once', () => {
    expect(() =>
      loadConfig({
        REDIS_URL: 'http://x',
        SESSION_SECRET: 'short',
        DISPLAY_TIME_ZONE: 'Mars/Base',
        COOKIE_SECURE: 'maybe',
      }),
    ).toThrow(
      /REDIS_URL: must be a URL[\s\S]*PROFILES_ADDR: required but not set[\s\S]*PROFILES_TOKEN: required but not set[\s\S]*SESSION_SECRET: [^\n]*32[\s\S]*COOKIE_SECURE[\s\S]*DISPLAY_TIME_ZONE: must be an IANA time zone/,
    );
  });

  it('bootstraps an admin only from both variables, and refuses half of them', () => {
    expect(
      loadConfig({ ...base, ADMIN_EMAIL: 'a@b.co', ADMIN_PASSWORD: 'long enough pw' })
        .bootstrapAdmin,
    ).toEqual({ email: 'a@b.co', password: 'long enough pw' });
    expect(() => loadConfig({ ...base, ADMIN_EMAIL: 'a@b.co' })).toThrow(
      /ADMIN_PASSWORD: set ADMIN_EMAIL and ADMIN_PASSWORD together/,
    );
    expect(() => loadConfig({ ...base, ADMIN_EMAIL: 'a@b.co', ADMIN_PASSWORD: 'short' })).toThrow(
      /ADMIN_PASSWORD: [^\n]*12/,
    );
  });
});
