// GetUser and ListUsers: lookups by id, identity and phone; filters, sorts and keyset pages.
import { AppError } from '@ue/kit';
import {
  UserSort,
  type GetUserRequest,
  type ListUsersRequest,
  type ListUsersResponse,
} from '@ue/proto';
import type { Filter } from 'mongodb';
import { cursorTime, decodeCursor, encodeCursor } from '../domain/cursor.js';
import { LIMITS, optionalString, pageSize, normalizeTag, requireString } from '../domain/limits.js';
import { normalizePhone } from '../domain/phone.js';
import { escapeRegex, parseSearchQuery } from '../domain/search.js';
import type { UserDoc } from '../adapters/mongo/docs.js';
import type { AppDeps } from './deps.js';

export async function getUser(deps: AppDeps, req: GetUserRequest): Promise<UserDoc> {
  const l = req.lookup;
  let doc: UserDoc | null = null;
  if (l?.$case === 'id') {
    doc = await deps.users.findById(requireString('id', l.id));
  } else if (l?.$case === 'accountUser') {
    const ref = l.accountUser.user;
    const waId = optionalString('account_user.user.wa_id', ref?.waId, 32);
    const bsuid = optionalString('account_user.user.bsuid', ref?.bsuid, 128);
    if (!waId && !bsuid) throw AppError.invalid('account_user.user', 'wa_id or bsuid required');
    const accountId = optionalString('account_user.account_id', l.accountUser.accountId, 64);
    if (accountId) {
      const id = await deps.users.lookupIdentity({ accountId, waId, bsuid });
      doc = id ? await deps.users.findById(id) : null;
    } else if (bsuid) {
      doc = await deps.users.users.find({ bsuid }).sort({ lastInteractionAt: -1 }).limit(1).next();
    } else throw AppError.invalid('account_user.account_id', 'required when looking up by wa_id');
  } else if (l?.$case === 'phone') {
    doc = await findByPhone(deps, l.phone.phone, l.phone.accountId, l.phone.defaultRegion);
  } else throw AppError.invalid('lookup', 'one of id, account_user or phone is required');
  if (!doc) throw AppError.notFound('user');
  return doc;
}

async function findByPhone(
  deps: AppDeps,
  phone: string,
  accountId: string,
  region: string,
): Promise<UserDoc | null> {
  const raw = requireString('phone.phone', phone, 40);
  if (region && !/^[A-Za-z]{2}$/.test(region))
    throw AppError.invalid('phone.default_region', 'ISO 3166 alpha-2 code expected');
  const digits = raw.replace(/\D/g, '').replace(/^00/, '');
  if (digits.length < 5 || digits.length > 17)
    throw AppError.invalid('phone.phone', 'not a phone number');
  const e164 = normalizePhone(raw, region || undefined);
  const ors: Filter<UserDoc>[] = e164
    ? [{ 'profile.phoneE164': e164 }, { waId: e164.slice(1) }, { previousWaIds: e164.slice(1) }]
    : [{ searchTerms: digits }, { previousWaIds: digits }];
  const filter: Filter<UserDoc> = { $or: ors, ...(accountId ? { accountId } : {}) };
  return deps.users.users.find(filter).sort({ lastInteractionAt: -1, _id: -1 }).limit(1).next();
}

interface SortSpec {
  field: 'lastInteractionAt' | 'createdAt';
  dir: 1 | -1;
  name: string;
}

function sortOf(s: UserSort): SortSpec {
  if (s === UserSort.CREATED_DESC) return { field: 'createdAt', dir: -1, name: 'cd' };
  if (s === UserSort.CREATED_ASC) return { field: 'createdAt', dir: 1, name: 'ca' };
  if (s === UserSort.LAST_ACTIVITY_DESC || s === UserSort.UNSPECIFIED)
    return { field: 'lastInteractionAt', dir: -1, name: 'la' };
  throw AppError.invalid('sort', 'unknown sort');
}

export function searchFilter(query: string): Filter<UserDoc>[] {
  const q = parseSearchQuery(optionalString('query', query, LIMITS.queryLength));
  // Only punctuation: nothing can match (rather than everything).
  if (q.kind === 'empty') return query.trim() ? [{ _id: { $in: [] } }] : [];
  if (q.kind === 'phone') return [{ searchTerms: { $regex: `^${q.digits}` } }];
  return q.terms.map((t) => ({ searchTerms: { $regex: `^${escapeRegex(t)}` } }));
}

function filtersOf(req: ListUsersRequest, now: Date): Filter<UserDoc>[] {
  const and: Filter<UserDoc>[] = [...searchFilter(req.query)];
  if (req.accountId) and.push({ accountId: optionalString('account_id', req.accountId, 64) });
  if (req.statuses.length) and.push({ status: { $in: req.statuses } });
  if (req.tags.length > LIMITS.tagsPerRequest)
    throw AppError.invalid('tags', `at most ${LIMITS.tagsPerRequest}`);
  req.tags.forEach((t, i) => and.push({ tags: normalizeTag(`tags[${i}]`, t) }));
  if (req.activeAfter) and.push({ lastInteractionAt: { $gte: req.activeAfter } });
  if (req.activeBefore) and.push({ lastInteractionAt: { $lt: req.activeBefore } });
  if (req.needsReply !== undefined) and.push({ needsReply: req.needsReply });
  if (req.paused !== undefined) and.push({ paused: req.paused });
  if (req.hasOverdueFollowUp === true) and.push({ nextFollowUpDueAt: { $lt: now } });
  if (req.hasOverdueFollowUp === false) {
    and.push({
      $or: [{ nextFollowUpDueAt: { $exists: false } }, { nextFollowUpDueAt: { $gte: now } }],
    });
  }
  and.push({ erasedAt: { $exists: false } });
  return and;
}

export async function listUsers(
  deps: AppDeps,
  req: ListUsersRequest,
  maxTimeMS: number,
): Promise<{ docs: UserDoc[]; next: string }> {
  const limit = pageSize('page_size', req.pageSize);
  const sort = sortOf(req.sort);
  const and = filtersOf(req, deps.now());
  if (req.pageToken) {
    const c = decodeCursor(req.pageToken);
    if (c.f !== sort.name || typeof c.k !== 'string')
      throw AppError.invalid('page_token', 'token belongs to another sort');
    const k = cursorTime(c);
    const op = sort.dir === -1 ? '$lt' : '$gt';
    and.push({ $or: [{ [sort.field]: { [op]: k } }, { [sort.field]: k, _id: { [op]: c.id } }] });
  }
  const docs = await deps.users.users
    .find({ $and: and })
    .sort({ [sort.field]: sort.dir, _id: sort.dir })
    .limit(limit + 1)
    .maxTimeMS(maxTimeMS)
    .toArray();
  const page = docs.slice(0, limit);
  const last = page[page.length - 1];
  const next =
    docs.length > limit && last
      ? encodeCursor({
          k: (last[sort.field] ?? new Date(0)).toISOString(),
          id: last._id,
          f: sort.name,
        })
      : '';
  return { docs: page, next };
}

export type ListUsersResult = Omit<ListUsersResponse, 'users'>;
