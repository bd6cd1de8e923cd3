import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const base = {
  REDIS_URL: 'redis://127.0.0.1:6379',
  PROFILES_ADDR: '127.0.0.1:7204',
  PROFILES_TOKEN: 'tok-review-0123456789',
};

describe('config', () => {
  it('defaults to the local model, 10 minutes quiet, English, one review at a time', () => {
    const c = loadConfig({ ...base, REVIEW_MODEL_PATH: '/m.gguf' });
    expect(c.REVIEW_PROVIDER).toBe('local');
    expect(c.REVIEW_QUIET_MS).toBe(600_000);
    expect(c.REVIEW_LANGUAGE).toBe('en');
    expect(c.REVIEW_CONCURRENCY).toBe(1);
    expect(c.REVIEW_NICE).toBe(19);
  });

  it('names what each provider needs', () => {
    expect(() => loadConfig(base)).toThrow(/REVIEW_MODEL_PATH: required for local/);
    expect(() => loadConfig({ ...base, REVIEW_PROVIDER: 'openai' })).toThrow(
      /REVIEW_BASE_URL: required for openai[\s\S]*REVIEW_MODEL: required for openai/,
    );
    expect(loadConfig({ ...base, REVIEW_PROVIDER: 'off' }).REVIEW_PROVIDER).toBe('off');
  });
});
