import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const base = {
  MONGO_URL: 'mongodb://127.0.0.1:27017/engagement',
  REDIS_URL: 'redis://127.0.0.1:6379',
  PROFILES_TOKENS: 'carol:secret-token-1',
};

describe('config', () => {
  it('binds every address unless HOST says otherwise', () => {
    expect(loadConfig(base).HOST).toBe('0.0.0.0');
    expect(loadConfig({ ...base, HOST: '127.0.0.1' }).HOST).toBe('127.0.0.1');
  });

  it('caps media at 100 MiB unless MEDIA_MAX_BYTES says otherwise', () => {
    expect(loadConfig(base).MEDIA_MAX_BYTES).toBe(100 * 1024 * 1024);
    expect(loadConfig({ ...base, MEDIA_MAX_BYTES: '5242880' }).MEDIA_MAX_BYTES).toBe(5_242_880);
    expect(() => loadConfig({ ...base, MEDIA_MAX_BYTES: 'lots' })).toThrow(/MEDIA_MAX_BYTES/);
  });

  it('joins people by phone unless PEOPLE_SAME_PHONE_JOIN=false', () => {
    expect(loadConfig(base).PEOPLE_SAME_PHONE_JOIN).toBe(true);
    expect(loadConfig({ ...base, PEOPLE_SAME_PHONE_JOIN: 'false' }).PEOPLE_SAME_PHONE_JOIN).toBe(
      false,
    );
    expect(() => loadConfig({ ...base, PEOPLE_SAME_PHONE_JOIN: 'no' })).toThrow(
      /PEOPLE_SAME_PHONE_JOIN/,
    );
  });
});
