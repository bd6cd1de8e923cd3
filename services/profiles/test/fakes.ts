// In-memory fakes of every port in src/app/ports.ts, for the unit tests of app/. Each keeps the
// contract of its MongoDB adapter (src/adapters/mongo/*): the same guards, insert-if-absent ids,
// $max/$min times and return values, and what the driver stores (ignoreUndefined: no undefined
// fields). Records are deep-cloned on the way in and out, so a test cannot change stored state by
// accident. No method awaits while it writes, so each write is atomic like one MongoDB update
// (insertCounted like its transaction). Pure TypeScript: no I/O, no timers.
/* eslint-disable @typescript-eslint/require-await -- async ports, answered from memory at once */
import { isDeepStrictEqual } from 'node:util';
import { AppError } from '@ue/kit';
import { createHash } from 'node:crypto';
import {
  Direction,
  LogEntryKind,
  MediaState,
  LogEntryState,
  MessageType,
  PersonRule,
  ReviewState,
  Sentiment,
  WebhookEvent,
  type Actor,
  type OutboundJob,
  type ReviewSummary,
} from '@ue/proto';
import type {
  AccountSighting,
  AccountStore,
  AccountUsage,
  ChangeEvent,
  CountedMessage,
  FactStore,
  Identity,
  LogStore,
  MediaFileInfo,
  MediaStore,
  MessageStore,
  OrphanStore,
  PeopleRules,
  PeopleStore,
  Ports,
  ReceivedDelivery,
  ReviewFilter,
  ReviewStore,
  ReviewSummaryChange,
  StatsStore,
  UserListQuery,
  UserSortField,
  UserStore,
} from '../src/app/ports.js';
import { WATERMARKS_KEPT } from '../src/app/ports.js';
import type {
  AccountRecord,
  AuditRecord,
  FactRecord,
  LogEntryRecord,
  MessageRecord,
  OrphanRecord,
  PersonLinkRecord,
  ReviewRecord,
  UserRecord,
} from '../src/app/records.js';
import { identitiesOfUser } from '../src/app/identity.js';
import { newAccountRecord } from '../src/app/new-account.js';
import { identityKeys, newUserRecord, userIdOf } from '../src/app/new-user.js';
import { isWhatsApp } from '../src/app/people-placement.js';
import {
  checkSplit,
  initialPersonId,
  personIdOf,
  planJoin,
  soloPersonId,
  undoMove,
} from '../src/domain/person.js';
import { newId, stableId } from '../src/domain/ids.js';
import { MAX_USER_TERMS, SERVICE_WINDOW_MS } from '../src/domain/limits.js';
import { e164FromWaId, phoneTerms } from '../src/domain/phone.js';
import { textTerms } from '../src/domain/search.js';
import { statusRank, statusTimeField } from '../src/domain/status.js';
import { createThrottle } from '../src/domain/throttle.js';

const DUE_KINDS: number[] = [LogEntryKind.FOLLOW_UP, LogEntryKind.PROACTIVE];

type Doc = Record<string, unknown>;
type StoredUser = UserRecord & { followUpsVersion?: number };
type Key = Date | string | number | undefined;

// ---- what a collection does: clone, guarded update, operators, sort -------------------------

const isPlain = (v: unknown): v is Doc =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

/** Drop undefined fields in place, as the driver does with ignoreUndefined. */
function strip<T>(v: T): T {
  if (Array.isArray(v)) v.forEach(strip);
  else if (isPlain(v))
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined) delete v[k];
      else strip(x);
    }
  return v;
}
const stored = <T>(v: T): T => strip(structuredClone(v));
const out = <T>(v: T): T => structuredClone(v);
const always = () => true;

/** updateOne for one collection: change the record when the filter holds; `modified` as MongoDB
 * counts it (the document is different afterwards). */
function updater<T>(docs: Map<string, T>) {
  return (id: string, filter: (d: T) => boolean, change: (d: T) => unknown) => {
    const doc = docs.get(id);
    if (!doc || !filter(doc)) return { matched: false, modified: false };
    const draft = structuredClone(doc);
    change(draft);
    const next = stored(draft); // no reference to the caller's values stays behind
    docs.set(id, next);
    return { matched: true, modified: !isDeepStrictEqual(doc, next) };
  };
}

/** $set of a dotted path; an undefined value is ignored (ignoreUndefined). */
function setPath(doc: object, path: string, value: unknown): void {
  if (value === undefined) return;
  const keys = path.split('.');
  let o = doc as Doc;
  for (const k of keys.slice(0, -1)) o = (o[k] ??= {}) as Doc;
  o[keys[keys.length - 1]!] = value;
}

function unsetPath(doc: object, path: string): void {
  const keys = path.split('.');
  let o = doc as Doc | undefined;
  for (const k of keys.slice(0, -1)) o = o?.[k] as Doc | undefined;
  if (o) delete o[keys[keys.length - 1]!];
}

function addToSet<T>(list: T[], items: readonly T[]): void {
  for (const i of items) if (!list.some((x) => isDeepStrictEqual(x, i))) list.push(i);
}

const timeOf = (doc: object, field: string) => (doc as Record<string, Date | undefined>)[field];

/** $max of a time field (a missing field takes the value). */
function maxTime(doc: object, field: string, at: Date): void {
  const cur = timeOf(doc, field);
  if (!cur || cur.getTime() < at.getTime()) (doc as Doc)[field] = new Date(at);
}

/** $min of a time field (a missing field takes the value). */
function minTime(doc: object, field: string, at: Date): void {
  const cur = timeOf(doc, field);
  if (!cur || cur.getTime() > at.getTime()) (doc as Doc)[field] = new Date(at);
}

/** MongoDB sort order: a missing value sorts first. */
function compare(a: Key, b: Key): number {
  const x = a instanceof Date ? a.getTime() : a;
  const y = b instanceof Date ? b.getTime() : b;
  if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Sort by the fields `keys` picks, in direction `dir` for all of them. */
function sorted<T>(docs: Iterable<T>, dir: 1 | -1, keys: (d: T) => Key[]): T[] {
  return [...docs].sort((p, q) => {
    const [kp, kq] = [keys(p), keys(q)];
    for (let i = 0; i < kp.length; i += 1) {
      const c = compare(kp[i], kq[i]);
      if (c) return c * dir;
    }
    return 0;
  });
}

/** A range filter ($lt / $gte) never matches a missing field. */
const before = (v: Date | undefined, t: Date) => v !== undefined && v.getTime() < t.getTime();
const notBefore = (v: Date | undefined, t: Date) => v !== undefined && v.getTime() >= t.getTime();
/** Keyset: after (sort value, _id) in the sort direction. */
function afterKey(
  [at, id]: [Key, string],
  k: { at: Date | number; id: string },
  dir: 1 | -1,
): boolean {
  const c = compare(at, k.at) * dir;
  return c > 0 || (c === 0 && compare(id, k.id) * dir > 0);
}

function duplicateKey(index: string): Error {
  return Object.assign(new Error(`E11000 duplicate key error (${index})`), { code: 11000 });
}

async function* each<T>(docs: T[]): AsyncIterable<T> {
  for (const d of docs) yield out(d);
}

// ---- users: user-repo.ts + user-admin.ts -----------------------------------------------------

interface UserState {
  users: Map<string, StoredUser>;
  identities: Map<string, string>;
}

const zeroCounters = () => ({
  inboundMessages: 0,
  outboundMessages: 0,
  failedDeliveries: 0,
  openFollowUps: 0,
});

/** The person of a user placed by the same-phone rule within `businessId`. */
const placedIn = (u: StoredUser, businessId: string) =>
  initialPersonId(
    { userId: u._id, whatsapp: isWhatsApp(u), phoneE164: u.profile?.phoneE164 },
    { businessId },
  );

/**
 * As user-repo places a new user with PEOPLE_SAME_PHONE_JOIN on and no account documents: in
 * the person of its phone within its WABA, else provisionally within its account (settled by
 * the first event naming the WABA). Synchronously, so creating stays one step.
 */
const newUser = (_id: string, id: Identity, at: Date): StoredUser => {
  const r = stored(newUserRecord(_id, id, at));
  return { ...r, personId: placedIn(r, r.wabaId || r.accountId) };
};

/** What resolve() does for a known user seen at `at`: first/last times only move outwards. */
function touchDoc(u: StoredUser, at: Date, wabaId = ''): void {
  minTime(u, 'createdAt', at);
  maxTime(u, 'updatedAt', at);
  maxTime(u, 'lastInteractionAt', at);
  if (wabaId > u.wabaId) u.wabaId = wabaId; // $max
}

/** The event-driven writes of user-repo.ts; countMessage runs inside insertCounted. */
function fakeUserRepo(s: UserState) {
  const { users, identities } = s;
  const update = updater(users);
  const touch = (id: string, at: Date, wabaId = '') =>
    update(id, always, (u) => touchDoc(u, at, wabaId));
  /** Users placed before their WABA was known (user-repo marks their identity links). */
  const pending = new Set<string>();
  const settle = (userId: string, wabaId: string) => {
    pending.delete(userId);
    const u = users.get(userId);
    if (!u) return;
    const provisional = placedIn(u, u.accountId);
    const at = (x: StoredUser) => x.personId === provisional;
    update(userId, at, (x) => (x.personId = placedIn(x, wabaId)));
  };
  const link = (key: string, userId: string) => {
    if (!identities.has(key)) identities.set(key, userId); // the first link wins
  };
  const lookup = (id: Identity) => {
    const first = identityKeys(id).find((k) => identities.has(k));
    return first ? identities.get(first) : undefined;
  };
  const addTerms = (id: string, terms: string[], fromMessages = false) => {
    const room = (u: StoredUser) =>
      !u.erasedAt && (!fromMessages || u.searchTerms.length < MAX_USER_TERMS);
    if (terms.length) update(id, room, (u) => addToSet(u.searchTerms, terms));
  };

  /** A user first seen by BSUID learns its wa_id later (and vice versa): fill empty fields only. */
  function fillIdentity(userId: string, id: Identity): void {
    const { waId, bsuid, wabaId } = id;
    const noWaId = (u: StoredUser) => u.waId === '' && !u.previousWaIds.includes(waId);
    const noBsuid = (u: StoredUser) => u.bsuid === '';
    const noWaba = (u: StoredUser) => u.wabaId === '';
    if (waId)
      update(userId, noWaId, (u) => {
        const phone = e164FromWaId(waId);
        u.waId = waId;
        setPath(u, 'profile.phoneE164', phone);
        addToSet(u.searchTerms, phoneTerms(phone, waId));
      });
    if (bsuid)
      update(userId, noBsuid, (u) => {
        Object.assign(u, { bsuid, parentBsuid: id.parentBsuid ?? '' });
        addToSet(u.searchTerms, [bsuid.toLowerCase()]);
      });
    if (wabaId) update(userId, noWaba, (u) => (u.wabaId = wabaId));
  }

  function countMessage(c: CountedMessage): UserRecord | null {
    const at = c.preview.at ?? new Date(0);
    const inbound = c.preview.direction === Direction.INBOUND;
    const key = `${at.toISOString()}|${c.preview.messageId}`;
    const newer = (u: StoredUser) => u.lastMessageKey === undefined || u.lastMessageKey < key;
    update(c.userId, newer, (u) =>
      Object.assign(u, {
        lastMessage: c.preview,
        lastMessageKey: key,
        needsReply: inbound,
      }),
    );
    addTerms(c.userId, c.terms, true);
    const counted = update(c.userId, always, (u) => {
      maxTime(u, 'lastInteractionAt', at);
      maxTime(u, 'updatedAt', at);
      if (inbound) {
        maxTime(u, 'lastInboundAt', at);
        maxTime(u, 'serviceWindowExpiresAt', new Date(at.getTime() + SERVICE_WINDOW_MS));
      } else maxTime(u, 'lastOutboundAt', at);
      const n = (u.counters ??= zeroCounters());
      if (inbound) n.inboundMessages += 1;
      else n.outboundMessages += 1;
      if (c.firstSeen) minTime(u, 'createdAt', at);
      if (c.wabaId && c.wabaId > u.wabaId) u.wabaId = c.wabaId; // $max
    });
    return counted.matched ? out(users.get(c.userId)!) : null;
  }

  const repo: Omit<UserStore, keyof ReturnType<typeof fakeUserAdmin>> = {
    async resolve(id, at, opts = {}) {
      const keys = identityKeys(id);
      if (keys.length === 0) throw AppError.invalid('user', 'wa_id, bsuid or scoped_id required');
      const missing = keys.filter((k) => !identities.has(k));
      let userId = lookup(id);
      let created = false;
      if (!userId) {
        userId = userIdOf(id);
        // An erased user keeps its anonymous record: the same person writing again is a new user.
        if (users.get(userId)?.erasedAt) userId = newId('u');
        created = !users.has(userId);
        if (created) users.set(userId, newUser(userId, id, at));
        if (created && !id.wabaId) pending.add(userId);
      }
      for (const k of missing) link(k, userId);
      if (created) return userId;
      if (pending.has(userId) && id.wabaId) settle(userId, id.wabaId);
      if (missing.length > 0) fillIdentity(userId, id);
      if (opts.touch !== false) touch(userId, at, id.wabaId);
      return userId;
    },
    lookupIdentity: async (id) => lookup(id),
    linkIdentity: async (key, userId) => link(key, userId),
    async applyProfileName(userId, p, withTouch = false) {
      if (p.name === undefined && p.username === undefined) {
        if (withTouch) touch(userId, p.at);
        return false;
      }
      const later = (u: StoredUser) => !u.erasedAt && (!u.nameAt || u.nameAt <= p.at);
      const res = update(userId, later, (u) => {
        u.nameAt = new Date(p.at);
        setPath(u, 'profile.name', p.name);
        setPath(u, 'profile.username', p.username);
        addToSet(u.searchTerms, textTerms(`${p.name ?? ''} ${p.username ?? ''}`));
        if (withTouch) touchDoc(u, p.at);
      });
      if (withTouch && !res.matched) touch(userId, p.at);
      return res.modified;
    },
    addTerms: async (userId, terms, opts = {}) => addTerms(userId, terms, opts.fromMessages),
    async setReferralIfAbsent(userId, referral) {
      const none = (u: StoredUser) => u.referral === undefined;
      return update(userId, none, (u) => (u.referral = referral)).modified;
    },
    async raiseWatermark(userId, w) {
      const field = w.state === 'read' ? 'readWatermarks' : 'deliveredWatermarks';
      const absent = (u: StoredUser) =>
        !(u[field] ?? []).some((x) => x.getTime() === w.at.getTime());
      return update(userId, absent, (u) => {
        u[field] = [...(u[field] ?? []), w.at]
          .sort((a, b) => a.getTime() - b.getTime())
          .slice(-WATERMARKS_KEPT);
      }).modified;
    },
    async watermarksOf(userId) {
      const u = users.get(userId);
      return out({ delivered: u?.deliveredWatermarks ?? [], read: u?.readWatermarks ?? [] });
    },
    async incFailed(userId) {
      update(userId, always, (u) => ((u.counters ??= zeroCounters()).failedDeliveries += 1));
    },
    async setPreviewText(userId, messageId, text) {
      const shows = (u: StoredUser) => u.lastMessage?.messageId === messageId;
      update(userId, shows, (u) => (u.lastMessage!.text = text));
    },
    async moveNumber(m) {
      const pending = (u: StoredUser) =>
        m.oldWaId ? !u.previousWaIds.includes(m.oldWaId) : u.waId !== m.newWaId;
      return update(m.targetId, pending, (u) => {
        addToSet(u.searchTerms, m.terms);
        maxTime(u, 'updatedAt', m.at);
        if (m.oldWaId) u.previousWaIds.push(m.oldWaId);
        if (m.primary) u.waId = m.newWaId;
        if (m.primary) setPath(u, 'profile.phoneE164', m.newPhoneE164);
      }).modified;
    },
    async setBsuid(userId, bsuid, parentBsuid) {
      const other = (u: StoredUser) => u.bsuid !== bsuid;
      return update(userId, other, (u) => {
        Object.assign(u, { bsuid, parentBsuid });
        addToSet(u.searchTerms, [bsuid.toLowerCase()]);
      }).modified;
    },
    findById: async (id) => out(users.get(id) ?? null),
    findByIds: async (ids) => ids.flatMap((id) => (users.has(id) ? [out(users.get(id)!)] : [])),
    // One by one: the adapter's single lookup must give the same answers.
    async resolveMany(items, opts) {
      const ids: string[] = [];
      for (const i of items) ids.push(await repo.resolve(i.id, i.at, opts));
      return ids;
    },
  };
  return { repo, countMessage };
}

/** The filter of ListUsers (user-admin.ts listFilter), but the keyset. */
function listed(u: StoredUser, q: UserListQuery): boolean {
  const terms = q.terms;
  if (terms === 'none' || !terms.every((t) => u.searchTerms.some((s) => s.startsWith(t))))
    return false;
  if (u.erasedAt || (q.accountId && u.accountId !== q.accountId)) return false;
  if (q.statuses.length && !q.statuses.includes(u.status)) return false;
  if (!q.tags.every((t) => u.tags.includes(t))) return false;
  if (q.activeAfter && !notBefore(u.lastInteractionAt, q.activeAfter)) return false;
  if (q.activeBefore && !before(u.lastInteractionAt, q.activeBefore)) return false;
  if (q.needsReply !== undefined && u.needsReply !== q.needsReply) return false;
  if (q.paused !== undefined && u.paused !== q.paused) return false;
  const o = q.overdueAt;
  if (o && before(u.nextFollowUpDueAt, o.now) !== o.overdue) return false;
  if (q.sort.field === 'review.score' && !((u.review?.score ?? -1) >= 0)) return false;
  return !q.review || reviewListed(u, q.review);
}

/** The latest-review filters (user-admin.ts reviewFilter): a missing field matches no value. */
function reviewListed(u: StoredUser, r: ReviewFilter): boolean {
  const v = u.review as Partial<ReviewSummary> | undefined;
  const has = <T>(x: T | undefined): x is T => x !== undefined;
  if (r.scoreBelow !== undefined && !(has(v?.score) && v.score < r.scoreBelow)) return false;
  if (r.sentiments.length && !(has(v?.sentiment) && r.sentiments.includes(v.sentiment)))
    return false;
  const open = v?.openActionItems;
  if (r.openActionItems !== undefined && !(has(open) && open > 0 === r.openActionItems))
    return false;
  return r.pending === undefined || (v?.hasReview === true) !== r.pending;
}

/** A user's value of a ListUsers sort field. */
const sortKey = (u: StoredUser, f: UserSortField): Key =>
  f === 'review.score' ? u.review?.score : u[f];

/** What erasure removes (user-admin.ts erasure $unset). */
const ERASED_FIELDS = [
  'referral',
  'lastMessage',
  'lastMessageKey',
  'nameAt',
  'statusChanged',
  'pausedChanged',
  'nextFollowUpDueAt',
  'review',
];

/** Lookups, lists, attributed changes, follow-up bookkeeping and erasure (user-admin.ts). */
function fakeUserAdmin(s: UserState) {
  const { users, identities } = s;
  const update = updater(users);
  const first = (found: StoredUser[]) => {
    const [u] = sorted(found, -1, (x) => [x.lastInteractionAt, x._id]);
    return u ? out(u) : null;
  };
  return {
    findLatestByBsuid: async (bsuid: string) =>
      first([...users.values()].filter((u) => u.bsuid === bsuid)),
    async findByPhone(q) {
      const e = q.e164;
      const waId = e?.slice(1) ?? '';
      const matches = (u: StoredUser) =>
        e
          ? u.profile?.phoneE164 === e || u.waId === waId || u.previousWaIds.includes(waId)
          : u.searchTerms.includes(q.digits) || u.previousWaIds.includes(q.digits);
      const inAccount = (u: StoredUser) => !q.accountId || u.accountId === q.accountId;
      return first([...users.values()].filter((u) => matches(u) && inAccount(u)));
    },
    async list(q) {
      const f = q.sort.field;
      const after = q.after && { at: q.after.value, id: q.after.id };
      const keyset = (u: StoredUser) =>
        !after || afterKey([sortKey(u, f), u._id], after, q.sort.dir);
      const found = [...users.values()].filter((u) => listed(u, q) && keyset(u));
      return out(sorted(found, q.sort.dir, (u) => [sortKey(u, f), u._id]).slice(0, q.limit));
    },
    async change(userId, c) {
      const was = users.get(userId);
      if (!was || was.erasedAt) return null;
      const result = out(was);
      update(userId, always, (u) => {
        for (const [path, v] of Object.entries(c.set)) setPath(u, path, v);
        for (const path of c.unset) unsetPath(u, path);
        addToSet(u.tags, c.addTags);
        addToSet(u.searchTerms, c.addTerms);
      });
      return result;
    },
    async removeTags(userId, tags) {
      if (tags.length)
        update(userId, always, (u) => (u.tags = u.tags.filter((t) => !tags.includes(t))));
    },
    // A version counter guards the recount: a change that raced with ours bumps it, and the stale
    // result is not written.
    async refreshFollowUps(userId, count) {
      update(userId, always, (u) => (u.followUpsVersion = (u.followUpsVersion ?? 0) + 1));
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const u = users.get(userId);
        if (!u) return;
        const version = u.followUpsVersion ?? 0;
        const { open, nextDue } = await count();
        const unchanged = (x: StoredUser) => (x.followUpsVersion ?? 0) === version;
        const res = update(userId, unchanged, (x) => {
          (x.counters ??= zeroCounters()).openFollowUps = open;
          if (nextDue) x.nextFollowUpDueAt = new Date(nextDue);
          else delete x.nextFollowUpDueAt;
        });
        if (res.matched) return;
      }
    },
    async identitiesOf(userId) {
      const linked = [...identities].filter(([, v]) => v === userId).map(([k]) => k);
      return identitiesOfUser(users.get(userId) ?? null, linked);
    },
    async erase(userId, at) {
      update(userId, always, (u) => {
        Object.assign(u, { updatedAt: new Date(at), waId: '', bsuid: '', parentBsuid: '' });
        u.scopedId = '';
        Object.assign(u, { previousWaIds: [], profile: {}, tags: [], searchTerms: [] });
        Object.assign(u, { needsReply: false, paused: false });
        (u.counters ??= zeroCounters()).openFollowUps = 0;
        minTime(u, 'erasedAt', at);
        for (const f of ERASED_FIELDS) unsetPath(u, f);
      });
      for (const [k, v] of identities) if (v === userId) identities.delete(k);
    },
  } satisfies Partial<UserStore>;
}

// ---- messages: message-repo.ts + message-store.ts ---------------------------------------------

function fakeMessages(
  messages: Map<string, MessageRecord>,
  count: (c: CountedMessage) => UserRecord | null,
): MessageStore {
  const all = () => [...messages.values()];
  const update = updater(messages);
  const byWamid = (accountId: string, wamid: string) =>
    all().find((m) => m.accountId === accountId && m.wamidKey === wamid);
  const byClientKey = (userId: string, key: string) =>
    all().find((m) => m.userId === userId && m.clientKey === key);
  // The unique indexes: _id, (account, wamid key), (user, client key).
  const taken = (m: MessageRecord) =>
    messages.has(m._id) ||
    !!byWamid(m.accountId, m.wamidKey) ||
    !!byClientKey(m.userId, m.clientKey);
  const ofUser = (userId: string, dir: 1 | -1) => {
    const mine = all().filter((m) => m.userId === userId);
    return sorted(mine, dir, (m) => [m.sentAt, m._id]);
  };
  return {
    async insert(m) {
      if (taken(m)) return false;
      messages.set(m._id, stored(m));
      return true;
    },
    // Insert and count in one step, as the adapter's transaction: a replay changes nothing.
    async insertCounted(m, c) {
      if (taken(m)) return { created: false, user: null };
      messages.set(m._id, stored(m));
      return { created: true, user: count({ ...c, userId: m.userId }) };
    },
    // Message by message, in one step: the adapter's one-update-per-user must match this.
    async insertCountedMany(items) {
      const created = new Set<string>();
      const users = new Map<string, UserRecord>();
      for (const { message: m, count: c } of items) {
        if (taken(m)) continue;
        messages.set(m._id, stored(m));
        created.add(m._id);
        const user = count({ ...c, userId: m.userId });
        if (user) users.set(m.userId, user); // the last count is the user's final state
      }
      // Takes no sightings: the caller applies them (the contract allows either).
      return { created, users, named: new Map() };
    },
    async applyStatus(id, c) {
      const field = statusTimeField(c.state);
      const times = (m: MessageRecord) => (m.statusTimes ?? {}) as Record<string, Date | undefined>;
      const firstTime = (m: MessageRecord) => times(m)[field] === undefined;
      const first = update(id, firstTime, (m) => {
        setPath(m, `statusTimes.${field}`, c.at);
        if (c.errors.length) addToSet((m.errors ??= []), c.errors);
      });
      const data = c.bizOpaqueCallbackData;
      const noData = (m: MessageRecord) => m.bizOpaqueCallbackData === '';
      if (data) update(id, noData, (m) => (m.bizOpaqueCallbackData = data));
      const rank = statusRank(c.state);
      const lower = (m: MessageRecord) => m.statusRank < rank;
      // Pricing of the highest-ranked status that carried one: the same in any arrival order.
      const { pricing } = c;
      const pricedLower = (m: MessageRecord) => m.pricingRank === undefined || m.pricingRank < rank;
      if (pricing) update(id, pricedLower, (m) => Object.assign(m, { pricing, pricingRank: rank }));
      const raised = update(id, lower, (m) =>
        Object.assign(m, { status: c.status, statusRank: rank }),
      );
      return { newTransition: first.modified, raised: raised.modified };
    },
    async applyReaction(id, reactorKey, r) {
      const older = (m: MessageRecord) => {
        const slot = m.reactionsBy?.[reactorKey];
        return !slot || slot.key < r.key;
      };
      return update(id, older, (m) => ((m.reactionsBy ??= {})[reactorKey] = r)).modified;
    },
    async applyEdit(id, version, terms) {
      const unseen = (m: MessageRecord) =>
        !(m.editVersions ?? []).some((v) => v.editWamid === version.editWamid);
      return update(id, unseen, (m) => {
        (m.editVersions ??= []).push(version);
        if (terms.length) addToSet((m.terms ??= []), terms);
      }).modified;
    },
    async applyRevoke(id, at) {
      const live = (m: MessageRecord) => m.revoked !== true;
      const res = update(id, live, (m) => Object.assign(m, { revoked: true, revokedAt: at }));
      // Replays with an earlier time keep the earliest revoke time.
      update(id, always, (m) => minTime(m, 'revokedAt', at));
      return res.modified;
    },
    async applyWatermark(w) {
      const field = statusTimeField(w.state);
      const covered = all().filter(
        (m) =>
          m.userId === w.userId &&
          m.direction === Direction.OUTBOUND &&
          m.wamid !== '' &&
          m.sentAt !== undefined &&
          m.sentAt <= w.at &&
          !(timeOf(m.statusTimes ?? {}, field) && timeOf(m.statusTimes ?? {}, field)! <= w.at) &&
          (!w.messageId || m._id === w.messageId),
      );
      const rank = statusRank(w.state);
      const states =
        w.state === 'read' ? (['read', 'delivered'] as const) : (['delivered'] as const);
      for (const m of covered)
        update(m._id, always, (x) => {
          if (x.statusRank < rank) Object.assign(x, { status: w.status, statusRank: rank });
          x.statusTimes ??= {} as NonNullable<MessageRecord['statusTimes']>;
          for (const st of states) minTime(x.statusTimes, statusTimeField(st), w.at);
        });
      return covered.map((m) => m._id);
    },
    async setWamid(id, wamid) {
      const m = messages.get(id);
      if (!m || m.wamid !== '') return false;
      if (byWamid(m.accountId, wamid)) throw duplicateKey('account_wamid_unique');
      return update(id, always, (x) => Object.assign(x, { wamid, wamidKey: wamid })).modified;
    },
    async page(q) {
      const dir = q.after?.direction === 'newer' ? 1 : -1;
      const keyset = (m: MessageRecord) => !q.after || afterKey([m.sentAt, m._id], q.after, dir);
      const theirs = all().filter((m) => q.userIds.includes(m.userId));
      return out(
        sorted(theirs, dir, (m) => [m.sentAt, m._id])
          .filter(keyset)
          .slice(0, q.limit + 1),
      );
    },
    findById: async (id) => out(messages.get(id) ?? null),
    findByWamid: async (accountId, wamid) => out(byWamid(accountId, wamid) ?? null),
    findByClientId: async (userId, clientId) => out(byClientKey(userId, clientId) ?? null),
    async idsByWamid(accountId, wamids) {
      const found = all().filter((m) => m.accountId === accountId && wamids.includes(m.wamidKey));
      return new Map(found.map((m) => [m.wamidKey, m._id]));
    },
    allOf: (userId) => each(ofUser(userId, 1)),
    refsOf: async (userId) =>
      ofUser(userId, 1).map((m) => ({
        id: m._id,
        wamid: m.wamid,
        outbound: m.direction === Direction.OUTBOUND,
      })),
    async eraseForUser(userId) {
      const mine = ofUser(userId, 1);
      for (const m of mine) messages.delete(m._id);
      return mine.length;
    },
    // The adapter's guards: an original only while not STORED, a thumbnail only once.
    async linkMedia(id, link) {
      const storedOf = (m: MessageRecord) => m.content?.media?.stored;
      if (link.variant === 'thumbnail') {
        const open = (m: MessageRecord) =>
          storedOf(m)?.state === MediaState.STORED && !storedOf(m)?.thumbnailFileId;
        return update(id, open, (m) => {
          setPath(m, 'content.media.stored.thumbnailFileId', link.fileId);
          setPath(m, 'content.media.stored.updatedAt', link.at);
        }).modified;
      }
      const notStored = (m: MessageRecord) => storedOf(m)?.state !== MediaState.STORED;
      const { thumbnailFileId: _t, ...fields } = link.stored;
      return update(id, notStored, (m) => {
        for (const [k, v] of Object.entries(fields)) setPath(m, `content.media.stored.${k}`, v);
      }).modified;
    },
    async setMediaState(id, c) {
      const notStored = (m: MessageRecord) => m.content?.media?.stored?.state !== MediaState.STORED;
      return update(id, notStored, (m) => {
        setPath(m, 'content.media.stored.state', c.state);
        setPath(m, 'content.media.stored.reason', c.reason);
        setPath(m, 'content.media.stored.updatedAt', c.at);
      }).modified;
    },
  };
}

// ---- media: media-store.ts (GridFS) -----------------------------------------------------------

function fakeMedia(files: Map<string, MediaFileInfo & { bytes: Buffer }>): MediaStore {
  let seq = 0;
  const info = (f: MediaFileInfo & { bytes: Buffer }): MediaFileInfo => {
    const { bytes: _b, ...rest } = f;
    return out(rest);
  };
  const removeWhere = (keep: (f: MediaFileInfo) => boolean) => {
    const gone = [...files.values()].filter((f) => !keep(f));
    for (const f of gone) files.delete(f.fileId);
    return gone.length;
  };
  return {
    // As the adapter: nothing is kept when the body throws.
    async put(meta, body) {
      const parts: Buffer[] = [];
      for await (const b of body) parts.push(Buffer.from(b));
      const bytes = Buffer.concat(parts);
      const fileId = (++seq).toString(16).padStart(24, '0');
      const f = {
        ...meta,
        fileId,
        sizeBytes: bytes.length,
        sha256Hex: createHash('sha256').update(bytes).digest('hex'),
        uploadedAt: new Date(),
        bytes,
      };
      files.set(fileId, f);
      return info(f);
    },
    info: async (fileId) => {
      const f = files.get(fileId);
      return f ? info(f) : null;
    },
    async *open(fileId, range) {
      const f = files.get(fileId);
      if (!f) throw new Error(`no file ${fileId}`);
      yield Buffer.from(range ? f.bytes.subarray(range.start, range.end) : f.bytes);
    },
    delete: async (fileId) => void files.delete(fileId),
    async attach(fileId, to) {
      const f = files.get(fileId);
      if (!f || f.attached || f.userId !== to.userId) return false;
      Object.assign(f, { attached: true, messageId: to.messageId });
      return true;
    },
    async detach(fileId) {
      const f = files.get(fileId);
      if (f) Object.assign(f, { attached: false, messageId: '' });
    },
    deleteForUser: async (userId) => removeWhere((f) => f.userId !== userId),
    deleteUnattachedBefore: async (at) => removeWhere((f) => f.attached || f.uploadedAt >= at),
  };
}

// ---- orphans, facts, log, reviews, stats: aux-repos.ts, fact-repo.ts, log-repo.ts, review-store.ts,
// stats-repo.ts -------------------------------------------------------------------------------

/** Kept as WebhookEvent JSON, one record per (account, target, event). */
function fakeOrphans(orphans: Map<string, OrphanRecord>): OrphanStore {
  return {
    async keep({ accountId, targetWamid, event, at, keys }) {
      const json = WebhookEvent.toJSON(event);
      const _id = stableId('o', accountId, targetWamid, JSON.stringify(json));
      if (!orphans.has(_id))
        orphans.set(_id, stored({ _id, accountId, targetWamid, event: json, storedAt: at, keys }));
    },
    async take(accountId, targetWamid) {
      const mine = [...orphans.values()].filter(
        (o) => o.accountId === accountId && o.targetWamid === targetWamid,
      );
      return sorted(mine, 1, (o) => [o.storedAt, o._id])
        .slice(0, 1000)
        .map((o) => ({ id: o._id, event: WebhookEvent.fromJSON(o.event) }));
    },
    async waitingFor(accountId, wamids) {
      const mine = [...orphans.values()].filter(
        (o) => o.accountId === accountId && wamids.includes(o.targetWamid),
      );
      return new Set(mine.map((o) => o.targetWamid));
    },
    async drop(ids) {
      for (const id of ids) orphans.delete(id);
    },
    async eraseFor({ accountId, wamids, keys }) {
      const gone = [...orphans.values()].filter(
        (o) =>
          (o.keys ?? []).some((k) => keys.includes(k)) ||
          (o.accountId === accountId && wamids.includes(o.targetWamid)),
      );
      for (const o of gone) orphans.delete(o._id);
      return gone.length;
    },
  };
}

/** An atomic per-(user, key) version counter and append-only versions. */
function fakeFacts(facts: Map<string, FactRecord>, heads: Map<string, number>): FactStore {
  const mine = (userId: string) => {
    const found = [...facts.values()].filter((f) => f.userId === userId);
    return sorted(found, 1, (f) => [f.key, f.version]);
  };
  return {
    async nextVersion(userId, key) {
      const version = (heads.get(`${userId}|${key}`) ?? 0) + 1;
      heads.set(`${userId}|${key}`, version);
      return version;
    },
    // As fact-repo.ts: a taken version moves the counter past the stored versions.
    async insert(f) {
      const same = mine(f.userId).filter((x) => x.key === f.key);
      if (facts.has(f._id) || same.some((x) => x.version === f.version)) {
        const top = Math.max(f.version, ...same.map((x) => x.version));
        const head = `${f.userId}|${f.key}`;
        heads.set(head, Math.max(heads.get(head) ?? 0, top));
        return false;
      }
      facts.set(f._id, stored(f));
      return true;
    },
    async list(userId, q) {
      const asked = (f: FactRecord) => !q.keys.length || q.keys.includes(f.key);
      const known = (f: FactRecord) => !q.asOf || !before(q.asOf, f.recordedAt!);
      return out(
        mine(userId)
          .filter((f) => asked(f) && known(f))
          .slice(0, 10_000),
      );
    },
    allOf: (userId) => each(mine(userId)),
    async eraseForUser(userId) {
      const gone = mine(userId);
      for (const f of gone) facts.delete(f._id);
      for (const k of heads.keys()) if (k.startsWith(`${userId}|`)) heads.delete(k);
      return gone.length;
    },
  };
}

/** Unique (user, client key); state transitions guarded by the expected state. */
function fakeLog(entries: Map<string, LogEntryRecord>): LogStore {
  const all = () => [...entries.values()];
  const byClientKey = (userId: string, key: string) =>
    all().find((e) => e.userId === userId && e.clientKey === key);
  const openDue = (e: LogEntryRecord) =>
    e.state === LogEntryState.OPEN && DUE_KINDS.includes(e.kind);
  const overdue = (e: LogEntryRecord, now: Date) => openDue(e) && before(e.dueAt, now);
  const ofUser = (userId: string) => all().filter((e) => e.userId === userId);
  return {
    async insert(e) {
      const existing = byClientKey(e.userId, e.clientKey);
      if (existing) return { entry: out(existing), created: false };
      if (entries.has(e._id)) throw duplicateKey('_id');
      entries.set(e._id, stored(e));
      return { entry: out(e), created: true };
    },
    findById: async (id) => out(entries.get(id) ?? null),
    findByClientId: async (userId, clientId) => out(byClientKey(userId, clientId) ?? null),
    async update(id, set, expectedState) {
      const expected = (e: LogEntryRecord) =>
        expectedState === undefined || Number(e.state) === expectedState;
      const res = updater(entries)(id, expected, (e) => {
        for (const [k, v] of Object.entries(set)) setPath(e, k, v);
      });
      return res.matched ? out(entries.get(id)!) : null;
    },
    async list(q) {
      const due = q.order === 'due';
      const dir = due ? 1 : -1;
      const at = (e: LogEntryRecord) => (due ? e.dueAt : e.createdAt);
      const matches = (e: LogEntryRecord) =>
        (!q.userId || e.userId === q.userId) &&
        (!q.accountId || e.accountId === q.accountId) &&
        (!q.kinds.length || q.kinds.includes(e.kind)) &&
        (!q.states.length || q.states.includes(e.state)) &&
        (!q.overdueAt || overdue(e, q.overdueAt)) &&
        (!q.dueBefore || before(e.dueAt, q.dueBefore)) &&
        (!q.after || afterKey([at(e), e._id], q.after, dir));
      return out(sorted(all().filter(matches), dir, (e) => [at(e), e._id]).slice(0, q.limit));
    },
    async openDue(userId) {
      const open = ofUser(userId).filter(openDue);
      const dues = open.flatMap((e) => (e.dueAt ? [e.dueAt] : []));
      const [nextDue] = sorted(dues, 1, (d) => [d]);
      return { open: open.length, nextDue: out(nextDue) };
    },
    countOverdue: async ({ accountId, now }) =>
      all().filter((e) => (!accountId || e.accountId === accountId) && overdue(e, now)).length,
    allOf: (userId) => each(sorted(ofUser(userId), 1, (e) => [e.createdAt, e._id])),
    async eraseForUser(userId) {
      const gone = ofUser(userId);
      for (const e of gone) entries.delete(e._id);
      return gone.length;
    },
  };
}

/**
 * The history and, in the same step, its user's summary (review-store.ts's transaction); unique
 * (user, client id) for the reviews that carry one.
 */
function fakeReviews(
  reviews: Map<string, ReviewRecord>,
  users: Map<string, StoredUser>,
): ReviewStore {
  const update = updater(users);
  const ofUser = (userId: string, dir: 1 | -1) => {
    const mine = [...reviews.values()].filter((r) => r.userId === userId);
    return sorted(mine, dir, (r) => [r.reviewedAt, r._id]);
  };
  const live = (u: StoredUser) => !u.erasedAt;
  /** user-repo.ts applyReviewSummary: newer (or equal) coverage replaces the summary. */
  const apply = (userId: string, c: ReviewSummaryChange) => {
    if (c.kind === 'failed')
      return update(userId, live, (u) => {
        setPath(u, 'review.lastError', c.error);
        setPath(u, 'review.lastErrorAt', c.at);
      });
    const covers = (u: StoredUser) =>
      live(u) &&
      !before(c.summary.coveredUntil ?? new Date(0), u.review?.coveredUntil ?? new Date(0));
    return update(userId, covers, (u) => (u.review = c.summary));
  };
  const byClientId = (userId: string, clientId: string) =>
    [...reviews.values()].find((r) => r.userId === userId && r.clientId === clientId);
  return {
    async record(r, change) {
      const u = users.get(r.userId);
      if (!u || u.erasedAt) throw AppError.notFound('user');
      const existing = r.clientId ? byClientId(r.userId, r.clientId) : undefined;
      if (existing) return { review: out(existing), created: false };
      if (reviews.has(r._id)) throw duplicateKey('_id');
      reviews.set(r._id, stored(r));
      apply(r.userId, change);
      return { review: out(r), created: true };
    },
    findByClientId: async (userId, clientId) => out(byClientId(userId, clientId) ?? null),
    async page(q) {
      const keyset = (r: ReviewRecord) => !q.after || afterKey([r.reviewedAt, r._id], q.after, -1);
      return out(ofUser(q.userId, -1).filter(keyset).slice(0, q.limit));
    },
    allOf: (userId) => each(ofUser(userId, 1)),
    async eraseForUser(userId) {
      const gone = ofUser(userId, 1);
      for (const r of gone) reviews.delete(r._id);
      return gone.length;
    },
  };
}

function fakeStats(
  users: Map<string, StoredUser>,
  messages: Map<string, MessageRecord>,
  reviews: Map<string, ReviewRecord>,
): StatsStore {
  const inAccount = (d: { accountId: string }, accountId?: string) =>
    !accountId || d.accountId === accountId;
  const within = (t: Date | undefined, q: { from: Date; to: Date }) =>
    notBefore(t, q.from) && before(t, q.to);
  return {
    async messagesBetween(q) {
      const counted = (m: MessageRecord) =>
        inAccount(m, q.accountId) && within(m.sentAt, q) && m.content?.type !== MessageType.SYSTEM;
      return sorted([...messages.values()].filter(counted), 1, (m) => [m.sentAt])
        .slice(0, q.limit)
        .map((m) => ({
          userId: m.userId,
          direction: m.direction,
          sentAt: new Date(m.sentAt!),
          status: m.status,
          type: m.content?.type ?? 0,
        }));
    },
    usersCreatedBetween: async (q) =>
      [...users.values()]
        .filter((u) => inAccount(u, q.accountId) && within(u.createdAt, q))
        .map((u) => new Date(u.createdAt!)),
    reviewsOfActiveUsers: async (q) =>
      [...users.values()]
        .filter((u) => inAccount(u, q.accountId) && !u.erasedAt && within(u.lastInteractionAt, q))
        .map((u) => ({
          reviewed: u.review?.hasReview === true,
          score: u.review?.score ?? 0,
          sentiment: u.review?.sentiment ?? Sentiment.UNSPECIFIED,
        })),
    reviewsDoneBetween: async (q) =>
      [...reviews.values()]
        .filter(
          (r) =>
            inAccount(r, q.accountId) && within(r.reviewedAt, q) && r.state === ReviewState.DONE,
        )
        .slice(0, q.limit)
        .map((r) => ({
          reviewedAt: new Date(r.reviewedAt!),
          score: r.score,
          sentiment: r.sentiment,
        })),
    countUsers: async (q) =>
      [...users.values()].filter(
        (u) =>
          inAccount(u, q.accountId) &&
          !u.erasedAt &&
          (q.status === undefined || Number(u.status) === q.status) &&
          (q.needsReply === undefined || u.needsReply === q.needsReply) &&
          (q.paused === undefined || u.paused === q.paused),
      ).length,
  };
}

// ---- people: people-repo.ts --------------------------------------------------------------------

interface PeopleState {
  users: Map<string, StoredUser>;
  links: Map<string, PersonLinkRecord>;
  facts: Map<string, FactRecord>;
  rules: PeopleRules;
}

/** Joins, undos and splits each in one step, as the adapter's transactions. */
function fakePeople(s: PeopleState): PeopleStore {
  const { users, links } = s;
  const update = updater(users);
  const rules = s.rules;
  const inPersons = (ids: string[]) => (u: StoredUser) => ids.includes(personIdOf(u));
  const members = (personId: string) =>
    [...users.values()]
      .filter(inPersons([personId]))
      .map((u) => u._id)
      .sort();
  const move = (ids: string[], to: string) => {
    for (const id of ids) update(id, always, (u) => (u.personId = to));
  };
  const byClient = (clientId: string) =>
    sorted(
      [...links.values()].filter((l) => l.clientId === clientId),
      1,
      (l) => [l.at, l._id],
    );
  const record = (l: PersonLinkRecord) => {
    links.set(l._id, stored(l));
    return l;
  };
  const baseLink = (c: { by: Actor; at: Date; reason: string }) => ({
    _id: newId('pl'),
    by: c.by,
    at: c.at,
    reason: c.reason,
    undoneAt: undefined,
    undoneBy: undefined,
    undoReason: '',
  });
  return {
    rules,
    businessOf: async (accountId, wabaId) => wabaId || accountId,
    identities: async (ids) => out([...users.values()].filter(inPersons(ids))),
    listed: async (q, ids) =>
      out([...users.values()].filter((u) => inPersons(ids)(u) && listed(u, q))),
    links: async (personId, limit) => {
      const mine = [...links.values()].filter(
        (l) => l.personId === personId || l.fromPersonId === personId,
      );
      return out(sorted(mine, -1, (l) => [l.at, l._id]).slice(0, limit));
    },
    findLink: async (id) => out(links.get(id) ?? null),
    async *linksOfUser(userId) {
      const mine = [...links.values()].filter((l) => l.userIds.includes(userId));
      for (const l of sorted(mine, 1, (x) => [x.at, x._id])) yield out(l);
    },
    linksByClientId: async (clientId) => out(byClient(clientId)),
    async join(j) {
      const done = j.clientId ? byClient(j.clientId) : [];
      if (done.length) return out({ personId: done[0]!.personId, links: done, moved: [] });
      const found = [...users.values()].filter((u) => j.userIds.includes(u._id));
      const plan = planJoin(
        j.userIds,
        new Map(
          found.map((u) => [u._id, { id: u._id, personId: personIdOf(u), erased: !!u.erasedAt }]),
        ),
      );
      const made = plan.joining.map((from) => {
        const ids = members(from);
        move(ids, plan.target);
        return record({
          ...baseLink(j),
          personId: plan.target,
          fromPersonId: from,
          userIds: ids,
          rule: j.rule,
          split: false,
          ...(j.clientId ? { clientId: j.clientId } : {}),
        });
      });
      return out({ personId: plan.target, links: made, moved: made.flatMap((l) => l.userIds) });
    },
    async undo(linkId, c) {
      const link = links.get(linkId);
      if (!link) throw new AppError('NOT_FOUND', 'link_id: link not found', { field: 'link_id' });
      if (link.undoneAt)
        throw new AppError('FAILED_PRECONDITION', 'link_id: this link was undone already', {
          field: 'link_id',
        });
      const { from, to } = undoMove(link);
      const moved = link.userIds.filter((id) => users.has(id) && inPersons([from])(users.get(id)!));
      move(moved.sort(), to);
      const after = record({ ...link, undoneAt: c.at, undoneBy: c.by, undoReason: c.reason });
      return out({ left: from, restored: to, link: after, moved });
    },
    async split(userId, c) {
      const u = users.get(userId);
      if (!u) throw new AppError('NOT_FOUND', 'user_id: user not found', { field: 'user_id' });
      const current = personIdOf(u);
      const own = soloPersonId(userId);
      const others = members(current).filter((id) => id !== userId).length;
      const joins = [...links.values()].filter(
        (l) => l.personId === own && !l.split && !l.undoneAt,
      );
      const joinLinks = current === own && others > 0 ? joins.map((l) => l._id) : [];
      checkSplit({ id: userId, personId: current }, { others, joinLinks });
      move([userId], own);
      const link = record({
        ...baseLink(c),
        personId: current,
        fromPersonId: own,
        userIds: [userId],
        rule: PersonRule.MANUAL,
        split: true,
      });
      return out({ left: current, restored: own, link, moved: [userId] });
    },
    holdersOf: async (q) =>
      out(
        [...users.values()]
          .filter(
            (u) =>
              !u.erasedAt &&
              u.personId !== q.notPersonId &&
              u.searchTerms.some((t) => q.terms.includes(t)),
          )
          .slice(0, q.limit),
      ),
    factsOf: async (ids) => {
      const theirs = [...s.facts.values()].filter((f) => ids.includes(f.userId));
      return out(sorted(theirs, 1, (f) => [f.userId, f.key, f.version]));
    },
  };
}

// ---- accounts: account-repo.ts -----------------------------------------------------------------

function fakeAccounts(
  s: { accounts: Map<string, AccountRecord>; users: Map<string, StoredUser> },
  clock: () => Date,
): AccountStore {
  const { accounts } = s;
  const update = updater(accounts);
  const throttle = createThrottle(5000);
  const register = (a: AccountSighting, at: Date) => {
    if (!accounts.has(a.accountId)) accounts.set(a.accountId, stored(newAccountRecord(a, at)));
    update(a.accountId, always, (x) => {
      maxTime(x.health, 'lastDeliveryAt', at);
      if (!x.displayId) x.displayId = a.display;
      if (!x.wabaId && a.wabaId && x.businessId === x._id) x.businessId = a.wabaId;
      if (!x.wabaId) x.wabaId = a.wabaId;
    });
  };
  const usageOf = (accountId: string): AccountUsage => {
    const mine = [...s.users.values()].filter((u) => u.accountId === accountId);
    const latest = (ds: (Date | undefined)[], pick: (a: number, b: number) => number) => {
      const ms = ds.filter((d): d is Date => !!d).map(Number);
      return ms.length ? new Date(ms.reduce(pick)) : undefined;
    };
    return {
      accountId,
      users: mine.filter((u) => !u.erasedAt).length,
      inboundMessages: mine.reduce((n, u) => n + (u.counters?.inboundMessages ?? 0), 0),
      outboundMessages: mine.reduce((n, u) => n + (u.counters?.outboundMessages ?? 0), 0),
      lastActivityAt: latest(
        mine.map((u) => u.lastInteractionAt),
        Math.max,
      ),
      firstSeenAt: latest(
        mine.map((u) => u.createdAt),
        Math.min,
      ),
      wabaId: mine.map((u) => u.wabaId).reduce((a, b) => (b > a ? b : a), ''),
    };
  };
  return {
    async noteDeliveries(seen, at) {
      for (const a of seen) if (throttle.take(a.accountId, clock().getTime())) register(a, at);
    },
    async noteError(accountId, e) {
      const older = (x: AccountRecord) => !x.health.lastErrorAt || x.health.lastErrorAt <= e.at;
      update(accountId, older, (x) =>
        Object.assign(x.health, { lastErrorAt: e.at, lastError: e.error }),
      );
    },
    find: async (id) => out(accounts.get(id) ?? null),
    cached: async (id) => out(accounts.get(id) ?? null),
    async upsert(c) {
      const was = accounts.get(c.accountId);
      if (was && was.channel !== c.channel)
        throw new AppError('FAILED_PRECONDITION', 'the account exists on another channel');
      if (!was) {
        const fresh = newAccountRecord({ ...c, wabaId: '', display: '' }, c.changed.at);
        accounts.set(c.accountId, stored(fresh));
      }
      update(c.accountId, always, (x) => {
        const { accountId: _a, channel: _c, ...given } = c;
        for (const [k, v] of Object.entries(given)) setPath(x, k, v);
      });
      return out(accounts.get(c.accountId)!);
    },
    list: async () => out([...accounts.values()]),
    async usage(accountId) {
      const ids = new Set([...s.users.values()].map((u) => u.accountId));
      return [...ids].filter((id) => !accountId || id === accountId).map(usageOf);
    },
  };
}

// ---- the ports, and what tests can look at -----------------------------------------------------

export interface FakePorts extends Ports {
  /** What the fakes hold and what went out, as copies. */
  inspect: {
    users(): UserRecord[];
    accounts(): AccountRecord[];
    messages(): MessageRecord[];
    orphans(): OrphanRecord[];
    facts(): FactRecord[];
    logEntries(): LogEntryRecord[];
    reviews(): ReviewRecord[];
    audit(): AuditRecord[];
    /** SHA-256 of every raw delivery stored. */
    deliveries(): string[];
    /** Events published to the live feed, in order. */
    published(): ChangeEvent[];
    /** Events waiting in the outbox (published while the feed was down). */
    outbox(): ChangeEvent[];
    /** Outbound jobs, one per message id (the BullMQ job id is the message id). */
    enqueued(): OutboundJob[];
    /** Media files stored (without their bytes). */
    mediaFiles(): MediaFileInfo[];
    warnings(): { fields: object; msg: string }[];
    /** Everything stored and sent, for "nothing changed" assertions. */
    snapshot(): unknown;
  };
  /** The live feed's Redis refuses events (they wait in the outbox), or answers again. */
  setFeedDown(down: boolean): void;
  /** Publish what waits in the outbox, oldest first; how many were published. */
  flushOutbox(): number;
}

/** Fresh in-memory ports; `now` defaults to a fixed instant (2026-11-10T09:00Z). */
export function createFakePorts(
  opts: { now?: () => Date; peopleRules?: Partial<PeopleRules> } = {},
): FakePorts {
  const s = {
    users: new Map<string, StoredUser>(),
    identities: new Map<string, string>(),
    messages: new Map<string, MessageRecord>(),
    orphans: new Map<string, OrphanRecord>(),
    facts: new Map<string, FactRecord>(),
    factHeads: new Map<string, number>(),
    log: new Map<string, LogEntryRecord>(),
    reviews: new Map<string, ReviewRecord>(),
    links: new Map<string, PersonLinkRecord>(),
    accounts: new Map<string, AccountRecord>(),
    deliveries: new Map<
      string,
      { body: Buffer; receivedAt: Date; provider: string; keys: string[] }
    >(),
    audit: [] as AuditRecord[],
    jobs: new Map<string, OutboundJob>(),
    media: new Map<string, MediaFileInfo & { bytes: Buffer }>(),
    warnings: [] as { fields: object; msg: string }[],
    feed: { down: false, published: [] as ChangeEvent[], outbox: [] as ChangeEvent[] },
  };
  const { feed } = s;
  const logger = {
    warn: (fields: object, msg: string) => void s.warnings.push(stored({ fields, msg })),
  };
  const storeDelivery = (d: ReceivedDelivery): boolean => {
    if (s.deliveries.has(d.sha256)) return false;
    const { body, receivedAt, provider, keys } = d;
    s.deliveries.set(d.sha256, {
      body: Buffer.from(body),
      receivedAt: new Date(receivedAt),
      provider,
      keys: [...keys],
    });
    return true;
  };
  const { repo, countMessage } = fakeUserRepo(s);
  return {
    users: { ...repo, ...fakeUserAdmin(s) },
    messages: fakeMessages(s.messages, countMessage),
    orphans: fakeOrphans(s.orphans),
    facts: fakeFacts(s.facts, s.factHeads),
    log: fakeLog(s.log),
    reviews: fakeReviews(s.reviews, s.users),
    stats: fakeStats(s.users, s.messages, s.reviews),
    deliveries: {
      store: async (d) => storeDelivery(d),
      async storeMany(ds) {
        return ds.filter((d) => storeDelivery(d)).length;
      },
      async eraseFor(keys) {
        const gone = [...s.deliveries].filter(([, d]) => d.keys.some((k) => keys.includes(k)));
        for (const [sha] of gone) s.deliveries.delete(sha);
        return gone.length;
      },
    },
    audit: { record: async (a) => void s.audit.push(stored({ _id: newId('a'), ...a })) },
    // As event-outbox.ts: what the feed refuses waits in the outbox; erasure drops what waits.
    events: {
      async publish(e) {
        if (!feed.down) return void feed.published.push(stored(e));
        logger.warn(
          { kind: e.kind, userId: e.userId },
          'event kept in the outbox until Redis answers',
        );
        feed.outbox.push(stored(e));
      },
      async eraseForUser(userId) {
        feed.outbox = feed.outbox.filter((e) => e.userId !== userId);
        feed.published = feed.published.filter((e) => e.userId !== userId);
      },
    },
    outbound: {
      async enqueue(job) {
        if (!s.jobs.has(job.messageId)) s.jobs.set(job.messageId, stored(job));
      },
      async remove(messageIds) {
        for (const id of messageIds) s.jobs.delete(id);
      },
    },
    media: fakeMedia(s.media),
    people: fakePeople({
      users: s.users,
      links: s.links,
      facts: s.facts,
      rules: {
        samePhoneJoin: true,
        suggestSameEmail: true,
        suggestPhoneInFacts: true,
        ...opts.peopleRules,
      },
    }),
    accounts: fakeAccounts(
      { accounts: s.accounts, users: s.users },
      opts.now ?? (() => new Date(Date.UTC(2026, 10, 10, 9))),
    ),
    // The sweep runs against MongoDB only (test/retention.int.test.ts); no unit test uses it.
    retention: new Proxy({} as Ports['retention'], {
      get: (_t, name) => () => Promise.reject(new Error(`retention.${String(name)} is not faked`)),
    }),
    logger,
    now: opts.now ?? (() => new Date(Date.UTC(2026, 10, 10, 9))),
    inspect: {
      users: () => out([...s.users.values()]),
      accounts: () => out([...s.accounts.values()]),
      messages: () => out([...s.messages.values()]),
      orphans: () => out([...s.orphans.values()]),
      facts: () => out([...s.facts.values()]),
      logEntries: () => out([...s.log.values()]),
      reviews: () => out([...s.reviews.values()]),
      audit: () => out(s.audit),
      deliveries: () => [...s.deliveries.keys()],
      published: () => out(feed.published),
      outbox: () => out(feed.outbox),
      enqueued: () => out([...s.jobs.values()]),
      mediaFiles: () => [...s.media.values()].map(({ bytes: _b, ...f }) => out(f)),
      warnings: () => out(s.warnings),
      snapshot: () => out(s),
    },
    setFeedDown: (down) => void (feed.down = down),
    flushOutbox() {
      const waiting = feed.outbox.splice(0);
      feed.published.push(...waiting);
      return waiting.length;
    },
  };
}
