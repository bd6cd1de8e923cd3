// Bearer-token authentication against PROFILES_TOKENS. Tokens are compared as SHA-256 digests
// with timingSafeEqual, so neither content nor length leaks through timing.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Metadata } from '@grpc/grpc-js';
import { AppError } from '@ue/kit';

export interface CallerToken {
  name: string;
  token: string;
}
export type Authenticate = (md: Metadata) => string;

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

export function createAuthenticator(tokens: readonly CallerToken[]): Authenticate {
  const known = tokens.map((t) => ({ name: t.name, digest: digest(t.token) }));
  return (md) => {
    const header = md.get('authorization')[0];
    const value = typeof header === 'string' ? header : header?.toString('utf8');
    const m = value ? /^Bearer\s+(\S+)$/i.exec(value.trim()) : null;
    if (!m?.[1])
      throw new AppError('UNAUTHENTICATED', 'missing "authorization: Bearer <token>" metadata');
    const d = digest(m[1]);
    let caller: string | undefined;
    for (const k of known) if (timingSafeEqual(k.digest, d)) caller ??= k.name;
    if (!caller) throw new AppError('UNAUTHENTICATED', 'unknown bearer token');
    return caller;
  };
}
