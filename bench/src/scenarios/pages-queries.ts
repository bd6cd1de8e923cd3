// The page and search queries of scenario 4, each three ways: through gRPC (ListUsers /
// GetUser + ListMessages, as an agent or bff calls them), as the bff HTML page an admin opens,
// and as the raw driver's equivalent: the filter, sort and limit profiles builds
// (services/profiles/src/adapters/mongo/user-admin.ts listFilter, message-repo.ts page),
// mirrored here, whole documents like profiles reads them.
import { ListUsersRequest, UserSort, type ListUsersRequest as ListReq } from '@ue/proto';
import type { ProfilesClient } from '@ue/profiles-client';
import type { Db, Filter, Sort } from 'mongodb';
import { explainFind, type PlanSummary } from '../baseline/explain.js';
import { ACCOUNT_B, waIdOf, writtenPhone } from '../people.js';
import type { Doc } from '../seed/records.js';
import type { SeededUser } from '../seed/seeder.js';

export const PAGE_SIZE = 50;
const MESSAGES_PAGE = 40;
const DAY = 86_400_000;

export interface PageQuery {
  name: string;
  grpc(i: number): Promise<unknown>;
  /** The bff URL path for call i; absent when the pages offer no such view. */
  html?: (i: number) => string;
  raw(i: number): Promise<unknown>;
  explain(): Promise<PlanSummary | string>;
}

/** What profiles' ListUsers turns a request into (UserListQuery). */
export interface ListSpec {
  terms?: string[];
  accountId?: string;
  statuses?: number[];
  tags?: string[];
  activeAfter?: Date;
  activeBefore?: Date;
  needsReply?: boolean;
  paused?: boolean;
  overdue?: { now: Date; overdue: boolean };
  sort: { field: 'lastInteractionAt' | 'createdAt'; dir: 1 | -1 };
  after?: { at: Date; id: string };
}

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The users filter profiles sends for a list query (mirror of user-admin.ts listFilter). */
export function rawListFilter(q: ListSpec): Filter<Doc> {
  const and: Filter<Doc>[] = [];
  for (const t of q.terms ?? []) and.push({ searchTerms: { $regex: `^${escapeRegex(t)}` } });
  if (q.accountId) and.push({ accountId: q.accountId });
  if (q.statuses?.length) and.push({ status: { $in: q.statuses } });
  for (const tag of q.tags ?? []) and.push({ tags: tag });
  if (q.activeAfter) and.push({ lastInteractionAt: { $gte: q.activeAfter } });
  if (q.activeBefore) and.push({ lastInteractionAt: { $lt: q.activeBefore } });
  if (q.needsReply !== undefined) and.push({ needsReply: q.needsReply });
  if (q.paused !== undefined) and.push({ paused: q.paused });
  if (q.overdue?.overdue) and.push({ nextFollowUpDueAt: { $lt: q.overdue.now } });
  if (q.overdue && !q.overdue.overdue)
    and.push({ nextFollowUpDueAt: { $not: { $lt: q.overdue.now } } });
  and.push({ erasedAt: { $exists: false } });
  return { $and: and };
}

/**
 * The filters of one page: the first page has one; a keyset page has two index ranges, the rest
 * of the cursor's own time and everything beyond it, queried in parallel and concatenated (the
 * form profiles sends, user-admin.ts `list`, rather than one `$or` a planner may answer by
 * sorting everything past the cursor).
 */
export function rawPageFilters(q: ListSpec): Filter<Doc>[] {
  const base = rawListFilter(q);
  if (!q.after) return [base];
  const op = q.sort.dir === -1 ? '$lt' : '$gt';
  const f = q.sort.field;
  const and = base.$and ?? [];
  return [
    { $and: [...and, { [f]: q.after.at, _id: { [op]: q.after.id } }] },
    { $and: [...and, { [f]: { [op]: q.after.at } }] },
  ];
}

export function rawSort(q: ListSpec): Sort {
  return { [q.sort.field]: q.sort.dir, _id: q.sort.dir };
}

/** The keyset position a ListUsers page token carries (domain/cursor.ts: base64url JSON). */
export function decodePageToken(token: string): { at: Date; id: string } {
  const c = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
    k: string;
    id: string;
  };
  return { at: new Date(c.k), id: c.id };
}

export interface QueryDeps {
  profiles: ProfilesClient;
  db: Db;
  users: SeededUser[];
  /** A word of the seeded messages, for the message-word search. */
  word: string;
  /** A page token of the default list pointing at page `page` ('' when there is one page only). */
  deep: { token: string; page: number };
  now: number;
}

interface ListDef {
  name: string;
  req: (i: number) => Partial<ListReq>;
  path?: (i: number) => string;
  spec: (i: number) => ListSpec;
}

const LA: ListSpec['sort'] = { field: 'lastInteractionAt', dir: -1 };

function listQuery(d: QueryDeps, def: ListDef): PageQuery {
  const users = d.db.collection<Doc>('users');
  const cursors = (i: number) => {
    const s = def.spec(i);
    return rawPageFilters(s).map((f) =>
      users
        .find(f)
        .sort(rawSort(s))
        .limit(PAGE_SIZE + 1),
    );
  };
  const page = async (i: number) =>
    (await Promise.all(cursors(i).map((c) => c.toArray()))).flat().slice(0, PAGE_SIZE + 1);
  return {
    name: def.name,
    grpc: (i) =>
      d.profiles.call(
        'listUsers',
        ListUsersRequest.fromPartial({ pageSize: PAGE_SIZE, ...def.req(i) }),
      ),
    ...(def.path ? { html: def.path } : {}),
    raw: page,
    // The last range is the one that reads (the keyset's "beyond"; the only one of a first page).
    explain: () => explainFind(cursors(0).at(-1)!),
  };
}

function userPage(d: QueryDeps): PageQuery {
  const users = d.db.collection<Doc>('users');
  const messages = d.db.collection<Doc>('messages');
  const at = (i: number): SeededUser => d.users[i % d.users.length]!;
  const page = (id: string) =>
    messages
      .find({ userId: id })
      .sort({ sentAt: -1, _id: -1 })
      .limit(MESSAGES_PAGE + 1);
  return {
    name: 'user page (GetUser + latest 40 messages)',
    grpc: async (i) => {
      const id = at(i).id;
      await d.profiles.call('getUser', { lookup: { $case: 'id', id } });
      await d.profiles.call('listMessages', {
        userId: id,
        personId: '',
        pageSize: MESSAGES_PAGE,
        pageToken: '',
      });
    },
    html: (i) => `/users/${encodeURIComponent(at(i).id)}`,
    raw: async (i) => {
      const id = at(i).id;
      await users.findOne({ _id: id });
      await page(id).toArray();
    },
    explain: () => explainFind(page(at(0).id)),
  };
}

/** Every query of the scenario, in report order. */
export function pageQueries(d: QueryDeps): PageQuery[] {
  const now = new Date(d.now);
  const deep = d.deep.token ? decodePageToken(d.deep.token) : undefined;
  const phoneOf = (i: number): string => writtenPhone(waIdOf(d.users[i % d.users.length]!.n));
  const defs: ListDef[] = [
    {
      name: 'users page, first',
      req: () => ({}),
      path: () => '/users',
      spec: () => ({ sort: LA }),
    },
    {
      name: 'search: name prefix "ann"',
      req: () => ({ query: 'ann' }),
      path: () => '/users?q=ann',
      spec: () => ({ sort: LA, terms: ['ann'] }),
    },
    {
      name: 'search: phone "+49 17x …"',
      req: (i) => ({ query: phoneOf(i) }),
      path: (i) => `/users?q=${encodeURIComponent(phoneOf(i))}`,
      spec: (i) => ({ sort: LA, terms: [phoneOf(i).replace(/\D/g, '')] }),
    },
    {
      name: `search: message word "${d.word}"`,
      req: () => ({ query: d.word }),
      path: () => `/users?q=${encodeURIComponent(d.word)}`,
      spec: () => ({ sort: LA, terms: [d.word] }),
    },
    {
      name: 'filter: status',
      req: () => ({ statuses: [1] }),
      path: () => '/users?status=1',
      spec: () => ({ sort: LA, statuses: [1] }),
    },
    {
      name: 'filter: tag "vip"',
      req: () => ({ tags: ['vip'] }),
      path: () => '/users?tag=vip',
      spec: () => ({ sort: LA, tags: ['vip'] }),
    },
    {
      name: 'filter: account (the smaller one)',
      req: () => ({ accountId: ACCOUNT_B }),
      path: () => `/users?account=${ACCOUNT_B}`,
      spec: () => ({ sort: LA, accountId: ACCOUNT_B }),
    },
    {
      name: 'filter: active in the last 24 h',
      req: () => ({ activeAfter: new Date(d.now - DAY) }),
      path: () => '/users?active=24h',
      spec: () => ({ sort: LA, activeAfter: new Date(d.now - DAY) }),
    },
    {
      name: 'filter: quiet for 7+ days',
      req: () => ({ activeBefore: new Date(d.now - 7 * DAY) }),
      path: () => '/users?active=stale7d',
      spec: () => ({ sort: LA, activeBefore: new Date(d.now - 7 * DAY) }),
    },
    {
      name: 'filter: needs reply',
      req: () => ({ needsReply: true }),
      path: () => '/users?needs_reply=1',
      spec: () => ({ sort: LA, needsReply: true }),
    },
    {
      name: 'filter: paused',
      req: () => ({ paused: true }),
      path: () => '/users?paused=yes',
      spec: () => ({ sort: LA, paused: true }),
    },
    {
      name: 'filter: overdue follow-up',
      req: () => ({ hasOverdueFollowUp: true }),
      path: () => '/users?overdue=1',
      spec: () => ({ sort: LA, overdue: { now, overdue: true } }),
    },
    {
      name: 'filter: no overdue follow-up (gRPC only)',
      req: () => ({ hasOverdueFollowUp: false }),
      spec: () => ({ sort: LA, overdue: { now, overdue: false } }),
    },
    {
      name: 'sort: newest users first',
      req: () => ({ sort: UserSort.CREATED_DESC }),
      path: () => '/users?sort=created',
      spec: () => ({ sort: { field: 'createdAt', dir: -1 } }),
    },
    {
      name: 'sort: oldest users first',
      req: () => ({ sort: UserSort.CREATED_ASC }),
      path: () => '/users?sort=created_asc',
      spec: () => ({ sort: { field: 'createdAt', dir: 1 } }),
    },
  ];
  const deepPage: ListDef[] = deep
    ? [
        {
          name: `users page ${d.deep.page} (keyset)`,
          req: () => ({ pageToken: d.deep.token }),
          path: () => `/users/rows?page_token=${encodeURIComponent(d.deep.token)}`,
          spec: () => ({ sort: LA, after: deep }),
        },
      ]
    : [];
  const list = defs.map((def) => listQuery(d, def));
  return [list[0]!, ...deepPage.map((def) => listQuery(d, def)), userPage(d), ...list.slice(1)];
}
