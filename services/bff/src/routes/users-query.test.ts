import { describe, expect, it } from 'vitest';
import { Channel, Sentiment, UserSort, UserStatus } from '@ue/proto';
import { isSafeId, parseUsersQuery, toListUsersRequest, usersQueryParams } from './users-query.js';

const now = new Date('2026-11-21T12:00:00Z');
const parse = (q: Record<string, string>) => parseUsersQuery((n) => q[n]);

describe('users query', () => {
  it('turns URL filters into a ListUsers request', () => {
    const q = parse({
      q: ' josé ',
      status: '4',
      tag: 'vip',
      account: '1177',
      active: '1h',
      needs_reply: '1',
      paused: 'yes',
      overdue: '1',
      sort: 'created',
    });
    expect(toListUsersRequest(q, now, { token: 'tok', size: 25 })).toEqual({
      query: 'josé',
      statuses: [UserStatus.QUOTE_REQUEST],
      tags: ['vip'],
      accountId: '1177',
      activeAfter: new Date('2026-11-21T11:00:00Z'),
      needsReply: true,
      paused: true,
      hasOverdueFollowUp: true,
      sentiments: [],
      sort: UserSort.CREATED_DESC,
      pageSize: 25,
      pageToken: 'tok',
      channel: Channel.UNSPECIFIED,
      groupByPerson: false,
    });
  });

  it('keeps the people view and the channel filter in the URL and asks ListUsers for them', () => {
    const q = parse({ view: 'people', channel: 'messenger' });
    expect(toListUsersRequest(q, now)).toMatchObject({
      groupByPerson: true,
      channel: Channel.MESSENGER,
    });
    expect(usersQueryParams(q)).toMatchObject({ view: 'people', channel: 'messenger' });
    // Conversations are the default; anything but a known channel is no filter at all.
    const plain = parse({ view: 'whatever', channel: '<script>' });
    expect(toListUsersRequest(plain, now)).toMatchObject({
      groupByPerson: false,
      channel: Channel.UNSPECIFIED,
    });
    expect(usersQueryParams(plain)).toMatchObject({ view: undefined, channel: undefined });
  });

  it('turns the review filters and score sorts into ListUsers fields', () => {
    const q = parse({
      score_below: '75',
      sentiment: 'negative',
      open_actions: '1',
      review_pending: '1',
      sort: 'score_asc',
    });
    expect(toListUsersRequest(q, now)).toMatchObject({
      scoreBelow: 75,
      sentiments: [Sentiment.NEGATIVE],
      hasOpenActionItems: true,
      reviewPending: true,
      sort: UserSort.SCORE_ASC,
    });
    expect(toListUsersRequest(parse({ sort: 'score_desc' }), now).sort).toBe(UserSort.SCORE_DESC);
    // Only the offered limits: a crafted URL cannot ask for "below 1000" or "below -1".
    for (const bad of ['1000', '-1', '49.5', 'x']) {
      const req = toListUsersRequest(parse({ score_below: bad, sentiment: 'angry' }), now);
      expect(req).not.toHaveProperty('scoreBelow');
      expect(req.sentiments).toEqual([]);
    }
  });

  it('ignores values it does not know, and leaves defaults out of URLs', () => {
    const q = parse({
      status: '99',
      active: 'forever',
      paused: 'maybe',
      sort: 'random',
      needs_reply: 'true',
    });
    const req = toListUsersRequest(q, now);
    expect(req).toMatchObject({ statuses: [], sort: UserSort.LAST_ACTIVITY_DESC });
    expect(req).not.toHaveProperty('activeAfter');
    expect(req).not.toHaveProperty('paused');
    expect(req).not.toHaveProperty('needsReply');
    expect(Object.values(usersQueryParams(q)).filter(Boolean)).toEqual([]);
  });

  it('finds users quiet for a week with an upper bound on activity', () => {
    expect(toListUsersRequest(parse({ active: 'stale7d' }), now).activeBefore).toEqual(
      new Date('2026-11-14T12:00:00Z'),
    );
  });

  it('round-trips filters through the URL', () => {
    const q = parse({
      q: 'a b',
      tag: 'x',
      paused: 'no',
      sort: 'score_desc',
      score_below: '90',
      sentiment: 'negative',
      open_actions: '1',
      review_pending: '1',
    });
    const params = new URLSearchParams(
      Object.entries(usersQueryParams(q)).filter((e): e is [string, string] => Boolean(e[1])),
    );
    expect(parse(Object.fromEntries(params))).toEqual(q);
    expect(params.toString()).toBe(
      'q=a+b&tag=x&paused=no&score_below=90&sentiment=negative&open_actions=1&review_pending=1&sort=score_desc',
    );
  });

  it('accepts only id-shaped path parameters', () => {
    expect(isSafeId('u_fd462c5932ce33cc138d9340')).toBe(true);
    expect(isSafeId('../etc/passwd')).toBe(false);
    expect(isSafeId('javascript:alert(1)')).toBe(false);
    expect(isSafeId('')).toBe(false);
  });
});
