// The users list's filters as they appear in the URL, and their translation to ListUsers.
import { UserSort, type ListUsersRequest } from '@ue/proto';
import { parseStatus } from '../views/format.js';

export interface UsersQuery {
  q: string;
  status: string;
  tag: string;
  account: string;
  active: string;
  needsReply: boolean;
  paused: '' | 'yes' | 'no';
  overdue: boolean;
  sort: 'activity' | 'created' | 'created_asc';
}

export const ACTIVE_WINDOWS: [string, string, number][] = [
  ['10m', 'Last 10 minutes', 10 * 60_000],
  ['1h', 'Last hour', 3600_000],
  ['24h', 'Last 24 hours', 86400_000],
  ['7d', 'Last 7 days', 7 * 86400_000],
  ['30d', 'Last 30 days', 30 * 86400_000],
  ['stale7d', 'Quiet for 7+ days', -7 * 86400_000],
];

const SORTS = ['activity', 'created', 'created_asc'] as const;

const clip = (v: string | undefined, n: number): string => (v ?? '').trim().slice(0, n);

export function parseUsersQuery(get: (name: string) => string | undefined): UsersQuery {
  const sort = get('sort');
  const paused = get('paused');
  return {
    q: clip(get('q'), 200),
    status: parseStatus(get('status')) !== undefined ? String(parseStatus(get('status'))) : '',
    tag: clip(get('tag'), 64),
    account: clip(get('account'), 64),
    active: ACTIVE_WINDOWS.some(([k]) => k === get('active')) ? (get('active') ?? '') : '',
    needsReply: get('needs_reply') === '1',
    paused: paused === 'yes' || paused === 'no' ? paused : '',
    overdue: get('overdue') === '1',
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
    active: q.active || undefined,
    needs_reply: q.needsReply ? '1' : undefined,
    paused: q.paused || undefined,
    overdue: q.overdue ? '1' : undefined,
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
    ...(window !== undefined && window > 0
      ? { activeAfter: new Date(now.getTime() - window) }
      : {}),
    ...(window !== undefined && window < 0
      ? { activeBefore: new Date(now.getTime() + window) }
      : {}),
    ...(q.needsReply ? { needsReply: true } : {}),
    ...(q.paused ? { paused: q.paused === 'yes' } : {}),
    ...(q.overdue ? { hasOverdueFollowUp: true } : {}),
    sort:
      q.sort === 'created'
        ? UserSort.CREATED_DESC
        : q.sort === 'created_asc'
          ? UserSort.CREATED_ASC
          : UserSort.LAST_ACTIVITY_DESC,
    pageSize,
    pageToken,
  };
}

/** Ids from profiles appear in our URLs; anything else is refused before it gets there. */
export function isSafeId(id: string | undefined): id is string {
  return typeof id === 'string' && /^[A-Za-z0-9_.:-]{1,128}$/.test(id);
}
