import { createServer, type Server } from 'node:http';
import { Channel } from '@ue/proto';
import { freePort } from '@ue/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fetchMetaProfile,
  maskScopedId,
  profileEvent,
  profileOf,
  profileOutcomeOf,
  profilePath,
} from './user-profile-api.js';

const answer = (status: number, body: unknown, retryAfter: string | null = null) => ({
  status,
  body,
  retryAfter,
});
const graphError = (code: number, subcode?: number, message = 'refused') => ({
  error: { message, type: 'OAuthException', code, ...(subcode ? { error_subcode: subcode } : {}) },
});

describe('User Profile API request', () => {
  it('asks Messenger for first and last name, Instagram for name and username', () => {
    expect(profilePath({ channel: Channel.MESSENGER, scopedId: '6500000000000101' })).toBe(
      '6500000000000101?fields=first_name,last_name,profile_pic',
    );
    expect(profilePath({ channel: Channel.INSTAGRAM, scopedId: '17841400000000201' })).toBe(
      '17841400000000201?fields=name,username,profile_pic',
    );
    expect(profilePath({ channel: Channel.MESSENGER, scopedId: 'a/b?c' })).toBe(
      'a%2Fb%3Fc?fields=first_name,last_name,profile_pic',
    );
  });

  it('masks a scoped id to its last 4 characters', () => {
    expect(maskScopedId('6500000000000101')).toBe('…0101');
    expect(maskScopedId('123')).toBe('***');
  });
});

describe('User Profile API answer', () => {
  it('Messenger: "<first> <last>", trimmed; either alone; nothing when both are missing', () => {
    const m = (b: unknown) => profileOf(Channel.MESSENGER, b);
    expect(m({ first_name: ' Anna ', last_name: 'Schneider ', profile_pic: 'https://x' })).toEqual({
      name: 'Anna Schneider',
    });
    expect(m({ first_name: 'Anna' })).toEqual({ name: 'Anna' });
    expect(m({ last_name: 'Schneider' })).toEqual({ name: 'Schneider' });
    expect(m({ first_name: ' ', last_name: 7 })).toEqual({});
    expect(m(undefined)).toEqual({});
  });

  it('Instagram: name and @username; the @username stands in for a missing name', () => {
    const i = (b: unknown) => profileOf(Channel.INSTAGRAM, b);
    expect(i({ name: 'Chloé Dubois', username: 'chloe.dubois' })).toEqual({
      name: 'Chloé Dubois',
      username: '@chloe.dubois',
    });
    expect(i({ username: 'kenji.design' })).toEqual({
      name: '@kenji.design',
      username: '@kenji.design',
    });
    expect(i({ name: 'Kenji Sato' })).toEqual({ name: 'Kenji Sato' });
    expect(i({})).toEqual({});
  });

  it('classifies: 2xx a profile; 5xx, 429 and rate-limit codes retried; other 4xx refused', () => {
    const o = (a: ReturnType<typeof answer>) => profileOutcomeOf(Channel.MESSENGER, a, '65001234');
    expect(o(answer(200, { first_name: 'Marco', last_name: 'Rossi' }))).toEqual({
      kind: 'profile',
      name: 'Marco Rossi',
    });
    expect(o(answer(500, undefined))).toMatchObject({ kind: 'retry', reason: 'HTTP 500' });
    expect(o(answer(503, graphError(1)))).toMatchObject({ kind: 'retry' });
    expect(o(answer(429, undefined, '7'))).toEqual({
      kind: 'retry',
      reason: 'HTTP 429',
      retryAfterMs: 7000,
    });
    for (const code of [4, 32, 613])
      expect(o(answer(400, graphError(code))).kind, `code ${code}`).toBe('retry');
    for (const [code, sub] of [
      [100, 2018218], // unknown id
      [10, 0], // no permission
      [230, 0], // privacy: the customer has not messaged / opted out
      [190, 0], // bad token
    ] as const)
      expect(o(answer(400, graphError(code, sub))).kind, `code ${code}`).toBe('refused');
    expect(o(answer(403, undefined))).toEqual({ kind: 'refused', reason: 'HTTP 403' });
    expect(o(answer(404, 'not json'))).toEqual({ kind: 'refused', reason: 'HTTP 404' });
  });

  it('a reason names code, subcode and type, and masks the scoped id in the message', () => {
    const out = profileOutcomeOf(
      Channel.MESSENGER,
      answer(400, graphError(100, 2018218, "Object with ID '65001234' does not exist")),
      '65001234',
    );
    expect(out).toEqual({
      kind: 'refused',
      reason: "HTTP 400 (#100/2018218 OAuthException): Object with ID '…1234' does not exist",
    });
  });

  it('the sighting: account, channel, scoped id, name and username', () => {
    const at = new Date('2026-01-02T03:04:05Z');
    const e = profileEvent(
      { channel: Channel.INSTAGRAM, accountId: '178', scopedId: '17841400000000201' },
      { name: 'Chloé Dubois', username: '@chloe.dubois' },
      at,
    );
    expect(e).toMatchObject({
      accountId: '178',
      channel: Channel.INSTAGRAM,
      occurredAt: at,
      event: {
        $case: 'userSeen',
        userSeen: {
          user: { waId: '', bsuid: '', parentBsuid: '', scopedId: '17841400000000201' },
          name: 'Chloé Dubois',
          username: '@chloe.dubois',
        },
      },
    });
  });
});

describe('fetchMetaProfile', () => {
  let server: Server;
  let base = '';
  const seen: Array<{ url: string; authorization?: string }> = [];

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}/v24.0`;
    server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ first_name: 'Sarah', last_name: 'Miller', profile_pic: 'x' }));
    });
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const opts = () => ({
    baseUrl: `${base}/`,
    tokens: {
      messenger: new Map([['111', 'page-token']]),
      instagram: new Map([['222', 'ig-token']]),
    },
    timeoutMs: 2000,
  });

  it("GETs the profile with the account's own token", async () => {
    const out = await fetchMetaProfile(opts(), {
      channel: Channel.MESSENGER,
      accountId: '111',
      scopedId: '6500000000000103',
    });
    expect(out).toEqual({ kind: 'profile', name: 'Sarah Miller' });
    expect(seen.at(-1)).toEqual({
      url: '/v24.0/6500000000000103?fields=first_name,last_name,profile_pic',
      authorization: 'Bearer page-token',
    });
  });

  it('an account without a token is refused without a request', async () => {
    const before = seen.length;
    const out = await fetchMetaProfile(opts(), {
      channel: Channel.INSTAGRAM,
      accountId: '111',
      scopedId: '17841400000000201',
    });
    expect(out).toEqual({
      kind: 'refused',
      reason: 'no access token is configured for Instagram account 111 (INSTAGRAM_TOKENS)',
    });
    expect(seen.length).toBe(before);
  });

  it('a network error is retried', async () => {
    const out = await fetchMetaProfile(
      { ...opts(), baseUrl: 'http://127.0.0.1:9/v24.0' },
      { channel: Channel.MESSENGER, accountId: '111', scopedId: '6500000000000101' },
    );
    expect(out.kind).toBe('retry');
  });
});
