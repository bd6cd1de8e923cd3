// The users list's filters as they appear in the URL, and their translation to ListUsers.
import { Channel, Sentiment, UserSort, type ListUsersRequest } from '@ue/proto';
import { CHANNELS } from '../views/accounts-format.js';
import { parseStatus } from '../views/format.js';

const SORTS = ['activity', 'created', 'created_asc', 'score_asc', 'score_desc'] as const;
/** The "score below" choices the filter offers; anything else in the URL is ignored. */
export const SCORE_LIMITS = ['50', '75', '90'] as const;

export interface UsersQuery {
  q: string;
  status: string;
  tag: string;
  account: string;
  /** A channel's URL value ("messenger"), '' for all. */
  channel: string;
  /** One row per person (all their channels) instead of one per conversation. */
  people: boolean;
  active: string;
  needsReply: boolean;
  paused: '' | 'yes' | 'no';
  overdue: boolean;
  /** Latest review score below this ('' for any). */
  scoreBelow: '' | (typeof SCORE_LIMITS)[number];
  negative: boolean;
  openActions: boolean;
  reviewPending: boolean;
  sort: (typeof SORTS)[number];
}

export const ACTIVE_WINDOWS: [string, string, number][] = [
  ['10m', 'Last 10 minutes', 10 * 60_000],
  ['1h', 'Last hour', 3600_000],
  ['24h', 'Last 24 hours', 86400_000],
  ['7d', 'Last 7 days', 7 * 86400_000],
  ['30d', 'Last 30 days', 30 * 86400_000],
  ['stale7d', 'Quiet for 7+ days', -7 * 86400_000],
];

const SORT_OF: Record<UsersQuery['sort'], UserSort> = {
  activity: UserSort.LAST_ACTIVITY_DESC,
  created: UserSort.CREATED_DESC,
  created_asc: UserSort.CREATED_ASC,
  score_asc: UserSort.SCORE_ASC,
  score_desc: UserSort.SCORE_DESC,
};

const clip = (v: string | undefined, n: number): string => (v ?? '').trim().slice(0, n);

export function parseUsersQuery(get: (name: string) => string | undefined): UsersQuery {
  const sort = get('sort');
  const paused = get('paused');
  const below = get('score_below');
  return {
    q: clip(get('q'), 200),
    status: parseStatus(get('status')) !== undefined ? String(parseStatus(get('status'))) : '',
    tag: clip(get('tag'), 64),
    account: clip(get('account'), 64),
    channel: CHANNELS.find(([, slug]) => slug === get('channel'))?.[1] ?? '',
    people: get('view') === 'people',
    active: ACTIVE_WINDOWS.some(([k]) => k === get('active')) ? (get('active') ?? '') : '',
    needsReply: get('needs_reply') === '1',
    paused: paused === 'yes' || paused === 'no' ? paused : '',
    overdue: get('overdue') === '1',
    scoreBelow: SCORE_LIMITS.find((l) => l === below) ?? '',
    negative: get('sentiment') === 'negative',
    openActions: get('open_actions') === '1',
    reviewPending: get('review_pending') === '1',
    sort: SORTS.find((s) => s === sort) ?? 'activity',
  };
}

/** URL parameters for a query (defaults left out so URLs stay short). */
export function usersQueryParams(q: UsersQuery): Record<string, string | undefined> {
  return {
    q: q.q || undefined,
    status: q.status || undefined,
    tag: q.tag || undefined,
    account: q.account || undefined,
    channel: q.channel || undefined,
    view: q.people ? 'people' : undefined,
    active: q.active || undefined,
    needs_reply: q.needsReply ? '1' : undefined,
    paused: q.paused || undefined,
    overdue: q.overdue ? '1' : undefined,
    score_below: q.scoreBelow || undefined,
    sentiment: q.negative ? 'negative' : undefined,
    open_actions: q.openActions ? '1' : undefined,
    review_pending: q.reviewPending ? '1' : undefined,
    sort: q.sort === 'activity' ? undefined : q.sort,
  };
}

export function toListUsersRequest(
  q: UsersQuery,
  now: Date,
  page: { token?: string; size?: number } = {},
): Partial<ListUsersRequest> {
  const { token: pageToken = '', size: pageSize = 50 } = page;
  const window = ACTIVE_WINDOWS.find(([k]) => k === q.active)?.[2];
  const status = parseStatus(q.status);
  return {
    query: q.q,
    statuses: status !== undefined ? [status] : [],
    tags: q.tag ? [q.tag] : [],
    accountId: q.account,
    channel: CHANNELS.find(([, slug]) => slug === q.channel)?.[0] ?? Channel.UNSPECIFIED,
    groupByPerson: q.people,
    ...(window !== undefined && window > 0
      ? { activeAfter: new Date(now.getTime() - window) }
      : {}),
    ...(window !== undefined && window < 0
      ? { activeBefore: new Date(now.getTime() + window) }
      : {}),
    ...(q.needsReply ? { needsReply: true } : {}),
    ...(q.paused ? { paused: q.paused === 'yes' } : {}),
    ...(q.overdue ? { hasOverdueFollowUp: true } : {}),
    ...(q.scoreBelow ? { scoreBelow: Number(q.scoreBelow) } : {}),
    sentiments: q.negative ? [Sentiment.NEGATIVE] : [],
    ...(q.openActions ? { hasOpenActionItems: true } : {}),
    ...(q.reviewPending ? { reviewPending: true } : {}),
    sort: SORT_OF[q.sort],
    pageSize,
    pageToken,
  };
}

/** Ids from profiles appear in our URLs; anything else is refused before it gets there. */
export function isSafeId(id: string | undefined): id is string {
  return typeof id === 'string' && /^[A-Za-z0-9_.:-]{1,128}$/.test(id);
}
