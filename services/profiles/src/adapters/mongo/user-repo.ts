// Users: identity resolution (account + wa_id / BSUID), atomic counter and time updates, search
// terms. Every write is a single-document atomic update; no read-modify-write.
import { AppError } from '@ue/kit';
import { Direction, type Referral } from '@ue/proto';
import type { ClientSession, Filter, UpdateFilter } from 'mongodb';
import { newId } from '../../domain/ids.js';
import { e164FromWaId, phoneTerms } from '../../domain/phone.js';
import { MAX_USER_TERMS, SERVICE_WINDOW_MS } from '../../domain/limits.js';
import { textTerms } from '../../domain/search.js';
import type { Collections } from './db.js';
import { insertManyNew, isDuplicateKey, VIEW } from './db.js';
import { WATERMARKS_KEPT } from '../../app/ports.js';
import type {
  CountedMessage,
  Identity,
  NumberMove,
  ProfileSighting,
  ReviewSummaryChange,
  UserStore,
  UserWatermarks,
  WatermarkState,
} from '../../app/ports.js';
import { identityKeys, newUserRecord, userIdOf } from '../../app/new-user.js';
import { placeNewUser, settledPerson, type PersonPlacement } from '../../app/people-placement.js';
import type { UserRecord, UserView } from '../../app/records.js';

export function createUserRepo(cols: Collections, placement: PersonPlacement) {
  const { users, identities } = cols;
  /** A new user's record, in the person it starts in (people-placement.ts). */
  const newUser = (userId: string, id: Identity, at: Date) =>
    placeNewUser(newUserRecord(userId, id, at), placement);

  async function lookupKeys(
    keys: string[],
  ): Promise<{ userId?: string; missing: string[]; pending?: boolean }> {
    if (keys.length === 0) return { missing: [] };
    const found = await identities.find({ _id: { $in: keys } }).toArray();
    // wa_id links first: a number change points the old wa_id at the surviving user.
    const byKey = new Map(found.map((f) => [f._id, f.userId]));
    const first = keys.find((k) => byKey.has(k));
    return {
      userId: first ? byKey.get(first) : undefined,
      missing: keys.filter((k) => !byKey.has(k)),
      pending: found.some((f) => f.personPending),
    };
  }

  /**
   * A user placed before its business was known (people-placement.ts) moves to the person the
   * WABA an event now names gives it, unless a join or split moved it meanwhile; its identity
   * links stop asking. Read only through such a link: nothing for every other user.
   */
  async function settle(userId: string, wabaId: string): Promise<void> {
    const u = await users.findOne(
      { _id: userId },
      { projection: { accountId: 1, channel: 1, profile: 1 } },
    );
    if (u) {
      const p = await settledPerson(u, { wabaId, placement });
      if (p.settled !== p.provisional)
        await users.updateOne(
          { _id: userId, personId: p.provisional },
          { $set: { personId: p.settled } },
        );
    }
    await identities.updateMany({ userId, personPending: true }, { $unset: { personPending: '' } });
  }

  async function lookupIdentity(keys: string[]): Promise<string | undefined> {
    return (await lookupKeys(keys)).userId;
  }

  /** Insert-if-absent: the first link of an identity wins (a later duplicate is a no-op). */
  async function linkNew(key: string, userId: string, personPending: boolean): Promise<void> {
    const link = personPending ? { _id: key, userId, personPending } : { _id: key, userId };
    await identities.insertOne(link).catch((e: unknown) => {
      if (!isDuplicateKey(e)) throw e;
    });
  }

  const linkIdentity = (key: string, userId: string) => linkNew(key, userId, false);

  /** Find or create the user for an identity; `at` is the provider time of the event. */
  async function resolve(id: Identity, at: Date, opts: { touch?: boolean } = {}): Promise<string> {
    const keys = identityKeys(id);
    if (keys.length === 0) throw AppError.invalid('user', 'wa_id, bsuid or scoped_id required');
    const found = await lookupKeys(keys);
    let userId = found.userId;
    let created = false;
    let provisional = false;
    if (!userId) {
      userId = userIdOf(id);
      // An erased user keeps its (anonymous) document: the same person writing again is a new user.
      const existing = await users.findOne(
        { _id: userId },
        { projection: { _id: 1, erasedAt: 1 } },
      );
      if (existing?.erasedAt) userId = newId('u');
      // Insert-if-absent: a concurrent batch (or another profiles process) that created it first
      // makes this a duplicate key, and both go on with the same deterministic id.
      const placed = await newUser(userId, id, at);
      try {
        await users.insertOne(placed.record);
        created = true;
        provisional = placed.provisional;
      } catch (e) {
        if (!isDuplicateKey(e)) throw e; // a concurrent batch created it first
      }
    }
    // Known identities need no linking or filling, a user just created from this identity needs
    // no filling or time update: every write skipped is a round trip saved.
    for (const k of found.missing) await linkNew(k, userId, provisional);
    if (created) return userId;
    if (found.pending && id.wabaId) await settle(userId, id.wabaId);
    if (found.missing.length > 0) await fillIdentity(userId, id);
    // touch: false when the caller's next update moves the same times (countMessage with firstSeen).
    if (opts.touch === false) return userId;
    await touch(userId, at, id.wabaId);
    return userId;
  }

  /**
   * resolve() for many: one identities query for all; users never seen before are created
   * together (one read for erased ones, one insert of the users, one of their identity links);
   * a half-known identity, or one a concurrent writer created meanwhile, goes the single path.
   */
  async function resolveMany(
    items: { id: Identity; at: Date }[],
    opts: { touch?: boolean } = {},
  ): Promise<string[]> {
    const keysOf = items.map((i) => identityKeys(i.id));
    const all = [...new Set(keysOf.flat())];
    const found = new Map<string, string>();
    const pending = new Set<string>();
    if (all.length > 0)
      for (const f of await identities.find({ _id: { $in: all } }).toArray()) {
        found.set(f._id, f.userId);
        if (f.personPending) pending.add(f.userId);
      }
    const unknown = items.filter(
      (_, n) => keysOf[n]!.length > 0 && !keysOf[n]!.some((k) => found.has(k)),
    );
    const created = await createMany(unknown);
    for (const [k, userId] of created) found.set(k, userId);
    const out: string[] = [];
    for (const [n, item] of items.entries()) {
      const keys = keysOf[n]!;
      const made = keys.length > 0 && keys.every((k) => created.has(k));
      if (!made && (keys.length === 0 || !keys.every((k) => found.has(k)))) {
        // Half-known (or lost a race): the full path, one after the other (a later item with the
        // same identity then finds what this one linked).
        const userId = await resolve(item.id, item.at, opts);
        for (const k of keys) found.set(k, userId);
        out.push(userId);
        continue;
      }
      const userId = found.get(keys[0]!)!; // wa_id links first, like lookupKeys
      if (!made && opts.touch !== false) await touch(userId, item.at, item.id.wabaId);
      if (pending.has(userId) && item.id.wabaId) {
        pending.delete(userId);
        await settle(userId, item.id.wabaId);
      }
      out.push(userId);
    }
    return out;
  }

  /** New users for identities nobody links yet, one per identity; identity key -> user id. */
  async function createMany(items: { id: Identity; at: Date }[]): Promise<Map<string, string>> {
    const first = new Map<string, { id: Identity; at: Date; userId: string }>();
    for (const { id, at } of items) {
      const sig = identityKeys(id).join(' ');
      const userId = userIdOf(id);
      const seen = first.get(sig);
      if (!seen || at < seen.at) first.set(sig, { id, at, userId });
    }
    const planned = [...first.values()];
    if (planned.length === 0) return new Map();
    // An erased user keeps its (anonymous) document: the same person writing again is a new user.
    const erased = await users
      .find(
        { _id: { $in: planned.map((p) => p.userId) }, erasedAt: { $exists: true } },
        { projection: { _id: 1 } },
      )
      .toArray();
    const gone = new Set(erased.map((u) => u._id));
    for (const p of planned) if (gone.has(p.userId)) p.userId = newId('u');
    // Insert-if-absent: one a concurrent writer created first is skipped and resolved alone.
    const placed = await Promise.all(planned.map((p) => newUser(p.userId, p.id, p.at)));
    const skipped = await insertManyNew(
      users,
      placed.map((p) => p.record),
    );
    const made = planned.flatMap((p, i) =>
      skipped.has(i) ? [] : [{ ...p, provisional: placed[i]!.provisional }],
    );
    const links = made.flatMap((p) =>
      identityKeys(p.id).map((k) =>
        p.provisional
          ? { _id: k, userId: p.userId, personPending: true }
          : { _id: k, userId: p.userId },
      ),
    );
    const taken = await insertManyNew(identities, links);
    const out = new Map<string, string>();
    links.forEach((l, i) => {
      if (!taken.has(i)) out.set(l._id, l.userId); // the first link of an identity wins
    });
    return out;
  }

  /** A user first seen by BSUID learns its wa_id later (and vice versa): fill empty fields only. */
  async function fillIdentity(userId: string, id: Identity): Promise<void> {
    if (id.waId) {
      const phone = e164FromWaId(id.waId);
      await users.updateOne(
        { _id: userId, waId: '', previousWaIds: { $ne: id.waId } },
        {
          $set: { waId: id.waId, 'profile.phoneE164': phone },
          $addToSet: { searchTerms: { $each: phoneTerms(phone, id.waId) } },
        },
      );
    }
    if (id.bsuid) {
      await users.updateOne(
        { _id: userId, bsuid: '' },
        {
          $set: { bsuid: id.bsuid, parentBsuid: id.parentBsuid ?? '' },
          $addToSet: { searchTerms: id.bsuid.toLowerCase() },
        },
      );
    }
    if (id.wabaId)
      await users.updateOne({ _id: userId, wabaId: '' }, { $set: { wabaId: id.wabaId } });
  }

  /** What resolve() does for a known user seen at `at`: first/last times only move outwards. */
  // The WABA id joins the $max: an empty one is filled whatever arrived first (one account has
  // one WABA, so there is never a second value to choose from).
  const touchOf = (at: Date, wabaId = '') => ({
    $min: { createdAt: at },
    $max: { updatedAt: at, lastInteractionAt: at, ...(wabaId ? { wabaId } : {}) },
  });

  async function touch(userId: string, at: Date, wabaId = ''): Promise<void> {
    await users.updateOne({ _id: userId }, touchOf(at, wabaId));
  }

  /**
   * Profile name / username: the latest by provider time wins (guarded, no read-modify-write).
   * With `withTouch` the sender's times move in the same update when the guard holds, and in a
   * separate one when it does not (resolve() was called with touch: false): one write in the usual case.
   */
  async function applyProfileName(
    userId: string,
    p: { name?: string; username?: string; at: Date },
    withTouch = false,
  ) {
    if (p.name === undefined && p.username === undefined) {
      if (withTouch) await touch(userId, p.at);
      return false;
    }
    const set: Record<string, unknown> = { nameAt: p.at };
    if (p.name !== undefined) set['profile.name'] = p.name;
    if (p.username !== undefined) set['profile.username'] = p.username;
    const res = await users.updateOne(
      {
        _id: userId,
        erasedAt: { $exists: false },
        // Missing or not later than this event: `$not` instead of an `$or` of the two.
        nameAt: { $not: { $gt: p.at } },
      },
      {
        $set: set,
        $addToSet: {
          searchTerms: { $each: textTerms(`${p.name ?? ''} ${p.username ?? ''}`) },
        },
        ...(withTouch ? touchOf(p.at) : {}),
      },
    );
    if (withTouch && res.matchedCount === 0) await touch(userId, p.at);
    return res.modifiedCount > 0;
  }

  /** Profile-derived terms always; message-derived ones only while the user has < MAX_USER_TERMS. */
  async function addTerms(
    userId: string,
    terms: string[],
    opts: { fromMessages?: boolean } = {},
  ): Promise<void> {
    if (terms.length === 0) return;
    const filter: Filter<UserRecord> = { _id: userId, erasedAt: { $exists: false } };
    if (opts.fromMessages) filter[`searchTerms.${MAX_USER_TERMS - 1}`] = { $exists: false };
    await users.updateOne(filter, { $addToSet: { searchTerms: { $each: terms } } });
  }

  /**
   * Count newly stored messages on their users, one update per user whatever the number of its
   * messages: the counters go up by the user's messages, the last-* times move to the newest,
   * the newest message becomes the preview (when newer than the stored one), message terms are
   * added while the user has room; with `firstSeen` also what resolve() would have done for the
   * sender ($min createdAt). Runs inside the transaction that inserted the messages
   * (message-store.ts): the users are read in it first, and a concurrent change to one of them
   * is a write conflict that makes the driver run the transaction again, so deciding from what
   * was read is safe. Returns the users after the update (for the live event).
   */
  async function countMessages(
    batch: { counts: CountedMessage[]; sightings?: ProfileSighting[] },
    session: ClientSession,
  ): Promise<{ users: Map<string, UserView>; named: Map<string, boolean> }> {
    const byUser = new Map<string, CountedMessage[]>();
    for (const c of batch.counts) byUser.set(c.userId, [...(byUser.get(c.userId) ?? []), c]);
    // The latest sighting of each counted user goes into its update (the latest name wins).
    const sightingOf = new Map<string, ProfileSighting>();
    for (const s of batch.sightings ?? [])
      if (byUser.has(s.userId) && !(s.at < (sightingOf.get(s.userId)?.at ?? s.at)))
        sightingOf.set(s.userId, s);
    const ids = [...byUser.keys()];
    const before = await users
      .find(
        { _id: { $in: ids } },
        {
          session,
          // Of the terms only the one at the cap: present means no room for more.
          projection: {
            lastMessageKey: 1,
            erasedAt: 1,
            nameAt: 1,
            profile: 1,
            searchTerms: { $slice: [MAX_USER_TERMS - 1, 1] },
          },
        },
      )
      .toArray();
    const named = new Map<string, boolean>();
    const ops = before.map((u) => {
      const update = countUpdate(u, byUser.get(u._id)!);
      const s = sightingOf.get(u._id);
      if (s) named.set(u._id, addSighting(update, u, s));
      return { updateOne: { filter: { _id: u._id }, update } };
    });
    if (ops.length) await users.bulkWrite(ops, { session, ordered: false });
    const after = await users.find({ _id: { $in: ids } }, { session, projection: VIEW }).toArray();
    return { users: new Map(after.map((u) => [u._id, u])), named };
  }

  /**
   * What applyProfileName(withTouch) does, folded into a count update and decided against the
   * user as read: the times always move, the name when this sighting is not older than the
   * stored one. True when something changes.
   */
  function addSighting(
    update: UpdateFilter<UserRecord>,
    u: Pick<UserRecord, 'erasedAt' | 'nameAt' | 'profile'>,
    s: ProfileSighting,
  ): boolean {
    const max = (update.$max ??= {}) as Record<string, Date>;
    for (const f of ['updatedAt', 'lastInteractionAt']) if (!max[f] || max[f] < s.at) max[f] = s.at;
    const min = (update.$min ??= {}) as Record<string, Date>;
    if (!min.createdAt || s.at < min.createdAt) min.createdAt = s.at;
    if (s.name === undefined && s.username === undefined) return false;
    if (u.erasedAt || (u.nameAt && u.nameAt > s.at)) return false;
    const set = (update.$set ??= {}) as Record<string, unknown>;
    set.nameAt = s.at;
    if (s.name !== undefined) set['profile.name'] = s.name;
    if (s.username !== undefined) set['profile.username'] = s.username;
    const terms = textTerms(`${s.name ?? ''} ${s.username ?? ''}`);
    const add = update.$addToSet as { searchTerms?: { $each: string[] } } | undefined;
    if (terms.length)
      update.$addToSet = {
        searchTerms: { $each: [...new Set([...(add?.searchTerms?.$each ?? []), ...terms])] },
      };
    return (
      u.nameAt?.getTime() !== s.at.getTime() ||
      (s.name !== undefined && s.name !== u.profile?.name) ||
      (s.username !== undefined && s.username !== u.profile?.username)
    );
  }

  /** One message (SendMessage): countMessages for it alone; null when its user is missing. */
  async function countMessage(c: CountedMessage, session: ClientSession): Promise<UserView | null> {
    return (await countMessages({ counts: [c] }, session)).users.get(c.userId) ?? null;
  }

  const atOf = (c: CountedMessage): Date => c.preview.at ?? new Date(0);
  const keyOf = (c: CountedMessage): string => `${atOf(c).toISOString()}|${c.preview.messageId}`;
  const latest = (dates: Date[]): Date | undefined =>
    dates.length ? new Date(Math.max(...dates.map(Number))) : undefined;

  /** The one update that counts a user's new messages, decided against the user as read. */
  function countUpdate(
    u: Pick<UserRecord, 'lastMessageKey' | 'erasedAt' | 'searchTerms'>,
    cs: CountedMessage[],
  ): UpdateFilter<UserRecord> {
    const inbound = cs.filter((c) => c.preview.direction === Direction.INBOUND).map(atOf);
    const outbound = cs.filter((c) => c.preview.direction !== Direction.INBOUND).map(atOf);
    const lastIn = latest(inbound);
    const lastOut = latest(outbound);
    const last = latest(cs.map(atOf))!;
    const wabaId = cs.map((c) => c.wabaId ?? '').reduce((a, b) => (b > a ? b : a), '');
    const inc: Record<string, number> = {};
    if (inbound.length) inc['counters.inboundMessages'] = inbound.length;
    if (outbound.length) inc['counters.outboundMessages'] = outbound.length;
    const update: UpdateFilter<UserRecord> = {
      $max: {
        ...(wabaId ? { wabaId } : {}),
        lastInteractionAt: last,
        updatedAt: last,
        ...(lastIn
          ? {
              lastInboundAt: lastIn,
              serviceWindowExpiresAt: new Date(lastIn.getTime() + SERVICE_WINDOW_MS),
            }
          : {}),
        ...(lastOut ? { lastOutboundAt: lastOut } : {}),
      },
      $inc: inc,
    };
    const first = cs.filter((c) => c.firstSeen).map(atOf);
    if (first.length) update.$min = { createdAt: new Date(Math.min(...first.map(Number))) };
    const newest = cs.reduce((a, b) => (keyOf(b) > keyOf(a) ? b : a));
    const key = keyOf(newest);
    if (!u.lastMessageKey || u.lastMessageKey < key)
      update.$set = {
        lastMessage: newest.preview,
        lastMessageKey: key,
        needsReply: newest.preview.direction === Direction.INBOUND,
      };
    const terms = [...new Set(cs.flatMap((c) => c.terms))];
    // u.searchTerms holds the term at the cap, if the user has that many (see countMessages).
    if (terms.length > 0 && !u.erasedAt && (u.searchTerms?.length ?? 0) === 0)
      update.$addToSet = { searchTerms: { $each: terms } };
    return update;
  }

  /**
   * A recorded review's effect on its user's summary, inside the transaction that stores the
   * review (review-store.ts). done: the summary is replaced unless the stored one covers later
   * messages; the guard decides in the update itself, so two reviews recorded at once end with
   * the one covering more, whatever their order. failed: the error is noted, the summary kept.
   * False when the user is missing or erased.
   */
  async function applyReviewSummary(
    userId: string,
    c: ReviewSummaryChange,
    session: ClientSession,
  ): Promise<boolean> {
    const live: Filter<UserRecord> = { _id: userId, erasedAt: { $exists: false } };
    const res =
      c.kind === 'done'
        ? await users.updateOne(
            {
              ...live,
              // Missing or not later than this review's: `$not` instead of an `$or` of the two.
              'review.coveredUntil': { $not: { $gt: c.summary.coveredUntil ?? new Date(0) } },
            },
            { $set: { review: c.summary } },
            { session },
          )
        : await users.updateOne(
            live,
            { $set: { 'review.lastError': c.error, 'review.lastErrorAt': c.at } },
            { session },
          );
    if (res.matchedCount > 0) return true;
    // Not changed: an older review (the user is live), or no live user.
    return (await users.findOne(live, { session, projection: { _id: 1 } })) !== null;
  }

  async function setReferralIfAbsent(userId: string, referral: Referral): Promise<boolean> {
    const res = await users.updateOne(
      { _id: userId, referral: { $exists: false } },
      { $set: { referral } },
    );
    return res.modifiedCount > 0;
  }

  const WATERMARK = { delivered: 'deliveredWatermarks', read: 'readWatermarks' } as const;

  /** Adds the watermark to the user's distinct ones (kept sorted, the latest WATERMARKS_KEPT). */
  async function raiseWatermark(userId: string, w: { state: WatermarkState; at: Date }) {
    const field = WATERMARK[w.state];
    const res = await users.updateOne(
      { _id: userId, [field]: { $ne: w.at } },
      { $push: { [field]: { $each: [w.at], $sort: 1, $slice: -WATERMARKS_KEPT } } },
    );
    return res.modifiedCount > 0;
  }

  async function watermarksOf(userId: string): Promise<UserWatermarks> {
    const u = await users.findOne(
      { _id: userId },
      { projection: { deliveredWatermarks: 1, readWatermarks: 1 } },
    );
    return { delivered: u?.deliveredWatermarks ?? [], read: u?.readWatermarks ?? [] };
  }

  async function incFailed(userId: string): Promise<void> {
    await users.updateOne({ _id: userId }, { $inc: { 'counters.failedDeliveries': 1 } });
  }

  /**
   * Number change: the target learns the old wa_id in previous_wa_ids (once) and, when it is the
   * old user itself, the new number as its primary one.
   */
  async function moveNumber(m: NumberMove): Promise<boolean> {
    const update: UpdateFilter<UserRecord> = {
      $addToSet: { searchTerms: { $each: m.terms } },
      $max: { updatedAt: m.at },
    };
    if (m.oldWaId) update.$push = { previousWaIds: m.oldWaId };
    if (m.primary) update.$set = { waId: m.newWaId, 'profile.phoneE164': m.newPhoneE164 };
    const filter: Filter<UserRecord> = m.oldWaId
      ? { _id: m.targetId, previousWaIds: { $ne: m.oldWaId } }
      : { _id: m.targetId, waId: { $ne: m.newWaId } };
    return (await users.updateOne(filter, update)).modifiedCount > 0;
  }

  async function setBsuid(userId: string, bsuid: string, parentBsuid: string): Promise<boolean> {
    const res = await users.updateOne(
      { _id: userId, bsuid: { $ne: bsuid } },
      { $set: { bsuid, parentBsuid }, $addToSet: { searchTerms: bsuid.toLowerCase() } },
    );
    return res.modifiedCount > 0;
  }

  async function setPreviewText(userId: string, messageId: string, text: string): Promise<void> {
    await users.updateOne(
      { _id: userId, 'lastMessage.messageId': messageId },
      { $set: { 'lastMessage.text': text } },
    );
  }

  return {
    resolve,
    resolveMany,
    lookupIdentity: (id: Identity) => lookupIdentity(identityKeys(id)),
    linkIdentity,
    applyProfileName,
    addTerms,
    countMessage,
    countMessages,
    applyReviewSummary,
    setReferralIfAbsent,
    raiseWatermark,
    watermarksOf,
    incFailed,
    setPreviewText,
    moveNumber,
    setBsuid,
    findById: (id: string) => users.findOne({ _id: id }, { projection: VIEW }),
    findByIds: async (ids: string[]): Promise<UserView[]> =>
      ids.length ? users.find({ _id: { $in: ids } }, { projection: VIEW }).toArray() : [],
  } satisfies Partial<UserStore> & {
    countMessage: unknown;
    countMessages: unknown;
    applyReviewSummary: unknown;
  };
}

export type UserRepo = ReturnType<typeof createUserRepo>;
