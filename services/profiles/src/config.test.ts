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
});
