// GetUser and ListUsers: lookups by id, identity and phone; filters (the latest review's too),
// sorts (by last activity, creation or review score) and keyset pages.
import { AppError } from '@ue/kit';
import {
  Channel,
  UserSort,
  type GetUserRequest,
  type ListUsersRequest,
  type ListUsersResponse,
} from '@ue/proto';
import { cursorTime, decodeCursor, encodeCursor } from '../domain/cursor.js';
import {
  LIMITS,
  optionalString,
  optionalTime,
  pageSize,
  normalizeTag,
  requireString,
} from '../domain/limits.js';
import { normalizePhone } from '../domain/phone.js';
import { REVIEW_LIMITS } from '../domain/review.js';
import { parseSearchQuery } from '../domain/search.js';
import { checkEnum, ENUMS, requireEnum } from './enums.js';
import { listPeople } from './people-list.js';
import type { Ports, ReviewFilter, UserListQuery, UserSortField } from './ports.js';
import type { UserView } from './records.js';

type UserPorts = Pick<Ports, 'users'>;

export async function getUser(deps: UserPorts, req: GetUserRequest): Promise<UserView> {
  const l = req.lookup;
  let doc: UserView | null = null;
  if (l?.$case === 'id') {
    doc = await deps.users.findById(requireString('id', l.id));
  } else if (l?.$case === 'accountUser') {
    const ref = l.accountUser.user;
    const waId = optionalString('account_user.user.wa_id', ref?.waId, 32);
    const bsuid = optionalString('account_user.user.bsuid', ref?.bsuid, 128);
    const scopedId = optionalString('account_user.user.scoped_id', ref?.scopedId, 128);
    if (!waId && !bsuid && !scopedId)
      throw AppError.invalid('account_user.user', 'wa_id, bsuid or scoped_id required');
    const accountId = optionalString('account_user.account_id', l.accountUser.accountId, 64);
    if (accountId) {
      const id = await lookupIdentity(deps, { accountId, waId, bsuid, scopedId });
      doc = id ? await deps.users.findById(id) : null;
    } else if (bsuid) {
      doc = await deps.users.findLatestByBsuid(bsuid);
    } else
      throw AppError.invalid(
        'account_user.account_id',
        'required when looking up by wa_id or scoped_id',
      );
  } else if (l?.$case === 'phone') {
    doc = await findByPhone(deps, l.phone);
  } else throw AppError.invalid('lookup', 'one of id, account_user or phone is required');
  if (!doc) throw AppError.notFound('user');
  return doc;
}

/** A scoped id is a PSID on a Messenger account, an IGSID on an Instagram one: either key. */
async function lookupIdentity(
  deps: UserPorts,
  id: { accountId: string; waId: string; bsuid: string; scopedId: string },
): Promise<string | undefined> {
  if (!id.scopedId) return deps.users.lookupIdentity(id);
  for (const channel of [Channel.MESSENGER, Channel.INSTAGRAM]) {
    const found = await deps.users.lookupIdentity({ ...id, channel });
    if (found) return found;
  }
  return undefined;
}

async function findByPhone(
  deps: UserPorts,
  l: { phone: string; accountId: string; defaultRegion: string },
): Promise<UserView | null> {
  const raw = requireString('phone.phone', l.phone, 40);
  const region = l.defaultRegion;
  if (region && !/^[A-Za-z]{2}$/.test(region))
    throw AppError.invalid('phone.default_region', 'ISO 3166 alpha-2 code expected');
  const digits = raw.replace(/\D/g, '').replace(/^00/, '');
  if (digits.length < 5 || digits.length > 17)
    throw AppError.invalid('phone.phone', 'not a phone number');
  return deps.users.findByPhone({
    e164: normalizePhone(raw, region || undefined),
    digits,
    accountId: optionalString('phone.account_id', l.accountId, 64) || undefined,
  });
}

interface SortSpec {
  field: UserSortField;
  dir: 1 | -1;
  name: string;
}

function sortOf(given: UserSort): SortSpec {
  const s = checkEnum('sort', ENUMS.userSort, given);
  if (s === UserSort.CREATED_DESC) return { field: 'createdAt', dir: -1, name: 'cd' };
  if (s === UserSort.CREATED_ASC) return { field: 'createdAt', dir: 1, name: 'ca' };
  if (s === UserSort.SCORE_ASC) return { field: 'review.score', dir: 1, name: 'sa' };
  if (s === UserSort.SCORE_DESC) return { field: 'review.score', dir: -1, name: 'sd' };
  if (s === UserSort.LAST_ACTIVITY_DESC || s === UserSort.UNSPECIFIED)
    return { field: 'lastInteractionAt', dir: -1, name: 'la' };
  throw AppError.invalid('sort', 'unknown sort');
}

/** The sort value of a user: a time, or the latest review's score. */
function sortValue(u: UserView, field: UserSortField): string | number {
  if (field === 'review.score') return u.review?.score ?? 0;
  return (u[field] ?? new Date(0)).toISOString();
}

/** Where a page token says the page starts; it must belong to this sort. */
function afterOf(token: string, sort: SortSpec): UserListQuery['after'] {
  const c = decodeCursor(token);
  const score = sort.field === 'review.score';
  if (c.f !== sort.name || typeof c.k !== (score ? 'number' : 'string'))
    throw AppError.invalid('page_token', 'token belongs to another sort');
  if (!score) return { value: cursorTime(c), id: c.id };
  const k = c.k as number;
  if (!Number.isInteger(k) || k < 0 || k > REVIEW_LIMITS.scoreMax)
    throw AppError.invalid('page_token', 'malformed or foreign page token');
  return { value: k, id: c.id };
}

/** The latest-review filters (ListUsers fields 13-16); undefined when none is asked for. */
function reviewFilterOf(req: ListUsersRequest): ReviewFilter | undefined {
  const { scoreBelow, sentiments, hasOpenActionItems, reviewPending } = req;
  if (
    scoreBelow !== undefined &&
    !(Number.isInteger(scoreBelow) && scoreBelow >= 1 && scoreBelow <= REVIEW_LIMITS.scoreMax)
  )
    throw AppError.invalid('score_below', `must be between 1 and ${REVIEW_LIMITS.scoreMax}`);
  sentiments.forEach((s, i) => requireEnum(`sentiments[${i}]`, ENUMS.sentiment, s));
  if (
    scoreBelow === undefined &&
    sentiments.length === 0 &&
    hasOpenActionItems === undefined &&
    reviewPending === undefined
  )
    return undefined;
  return {
    scoreBelow,
    sentiments: [...new Set(sentiments)],
    openActionItems: hasOpenActionItems,
    pending: reviewPending,
  };
}

/** Prefix terms a search query asks for; "none" when it can match nothing (only punctuation). */
export function searchTerms(query: string): string[] | 'none' {
  const q = parseSearchQuery(optionalString('query', query, LIMITS.queryLength));
  if (q.kind === 'empty') return query.trim() ? 'none' : [];
  if (q.kind === 'phone') return [q.digits];
  return q.terms;
}

function queryOf(
  req: ListUsersRequest,
  now: Date,
): Omit<UserListQuery, 'sort' | 'limit' | 'maxTimeMS'> {
  if (req.tags.length > LIMITS.tagsPerRequest)
    throw AppError.invalid('tags', `at most ${LIMITS.tagsPerRequest}`);
  req.statuses.forEach((s, i) => checkEnum(`statuses[${i}]`, ENUMS.userStatus, s));
  return {
    terms: searchTerms(req.query),
    accountId: optionalString('account_id', req.accountId, 64) || undefined,
    channel: checkEnum('channel', ENUMS.channel, req.channel) || undefined,
    statuses: req.statuses,
    tags: req.tags.map((t, i) => normalizeTag(`tags[${i}]`, t)),
    activeAfter: optionalTime('active_after', req.activeAfter),
    activeBefore: optionalTime('active_before', req.activeBefore),
    needsReply: req.needsReply,
    paused: req.paused,
    overdueAt:
      req.hasOverdueFollowUp === undefined ? undefined : { now, overdue: req.hasOverdueFollowUp },
    review: reviewFilterOf(req),
  };
}

export async function listUsers(
  deps: Pick<Ports, 'users' | 'people' | 'now'>,
  req: ListUsersRequest,
  maxTimeMS: number,
): Promise<{ docs: UserView[]; next: string }> {
  const limit = pageSize('page_size', req.pageSize);
  const sort = sortOf(req.sort);
  const q = queryOf(req, deps.now());
  const after = req.pageToken ? afterOf(req.pageToken, sort) : undefined;
  if (req.groupByPerson) {
    const key = (u: UserView) => sortValue(u, sort.field);
    const people = await listPeople(
      deps,
      { ...q, sort: { field: sort.field, dir: sort.dir }, after, limit, maxTimeMS },
      key,
    );
    const at = people.nextAfter;
    return {
      docs: people.docs,
      next: at ? encodeCursor({ k: key(at), id: at._id, f: sort.name }) : '',
    };
  }
  const docs = await deps.users.list({
    ...q,
    sort: { field: sort.field, dir: sort.dir },
    after,
    limit: limit + 1,
    maxTimeMS,
  });
  const page = docs.slice(0, limit);
  const last = page[page.length - 1];
  const next =
    docs.length > limit && last
      ? encodeCursor({ k: sortValue(last, sort.field), id: last._id, f: sort.name })
      : '';
  return { docs: page, next };
}

export type ListUsersResult = Omit<ListUsersResponse, 'users'>;
