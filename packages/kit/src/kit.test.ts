import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AppError,
  ConfigError,
  env,
  errorCodeOfGrpc,
  grpcStatusOf,
  httpStatusOf,
  maskPhone,
  parseEnv,
} from './index.js';

describe('parseEnv', () => {
  const schema = z.object({
    MONGO_URL: env.url(['mongodb:']),
    PORT: env.port(7204),
    PROFILES_TOKENS: env.list(),
  });

  it('names every missing or malformed variable', () => {
    let err: unknown;
    try {
      parseEnv(schema, { PORT: 'abc', MONGO_URL: 'http://x' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toContain('MONGO_URL: must be a URL starting with mongodb://');
    expect(msg).toContain('PORT:');
    expect(msg).toContain('PROFILES_TOKENS: required but not set');
  });

  it('applies defaults, treats empty as unset and freezes the result', () => {
    const cfg = parseEnv(schema, {
      MONGO_URL: 'mongodb://h:1/db',
      PORT: '',
      PROFILES_TOKENS: 'a:1, b:2',
    });
    expect(cfg).toEqual({
      MONGO_URL: 'mongodb://h:1/db',
      PORT: 7204,
      PROFILES_TOKENS: ['a:1', 'b:2'],
    });
    expect(Object.isFrozen(cfg)).toBe(true);
  });
});

describe('error tables', () => {
  it('maps codes both ways for gRPC and to HTTP', () => {
    expect(grpcStatusOf('INVALID_ARGUMENT')).toBe(3);
    expect(errorCodeOfGrpc(14)).toBe('UNAVAILABLE');
    expect(errorCodeOfGrpc(999)).toBe('INTERNAL');
    expect(httpStatusOf('UNAVAILABLE')).toBe(503);
    expect(AppError.invalid('user_id', 'required').message).toBe('user_id: required');
  });
});

describe('maskPhone', () => {
  it('keeps a prefix and the last two digits only', () => {
    expect(maskPhone('4915112345678')).toBe('49151******78');
    expect(maskPhone('+49 151 1234')).toBe('49151**34');
    expect(maskPhone('12345')).toBe('*****');
    expect(maskPhone(undefined)).toBe('');
  });
});
