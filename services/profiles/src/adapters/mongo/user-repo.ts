// Users: identity resolution (account + wa_id / BSUID), atomic counter and time updates, search
// terms. Every write is a single-document atomic update; no read-modify-write.
import { AppError } from '@ue/kit';
import { Direction, type MessagePreview, type Referral } from '@ue/proto';
import type { ClientSession, Filter, UpdateFilter } from 'mongodb';
import { newId, userIdFor } from '../../domain/ids.js';
import { e164FromWaId, phoneTerms } from '../../domain/phone.js';
import { MAX_USER_TERMS, SERVICE_WINDOW_MS } from '../../domain/limits.js';
import { textTerms } from '../../domain/search.js';
import type { Collections } from './db.js';
import { isDuplicateKey } from './db.js';
import type { CountedMessage, Identity, NumberMove, UserStore } from '../../app/ports.js';
import { identityKeys, newUserRecord } from '../../app/new-user.js';
import type { UserRecord } from '../../app/records.js';

export function createUserRepo(cols: Collections) {
  const { users, identities } = cols;

  async function lookupKeys(keys: string[]): Promise<{ userId?: string; missing: string[] }> {
    if (keys.length === 0) return { missing: [] };
    const found = await identities.find({ _id: { $in: keys } }).toArray();
    // wa_id links first: a number change points the old wa_id at the surviving user.
    const byKey = new Map(found.map((f) => [f._id, f.userId]));
    const first = keys.find((k) => byKey.has(k));
    return {
      userId: first ? byKey.get(first) : undefined,
      missing: keys.filter((k) => !byKey.has(k)),
    };
  }

  async function lookupIdentity(keys: string[]): Promise<string | undefined> {
    return (await lookupKeys(keys)).userId;
  }

  async function linkIdentity(key: string, userId: string): Promise<void> {
    // Insert-if-absent: the first link of an identity wins (a later duplicate is a no-op).
    await identities.insertOne({ _id: key, userId }).catch((e: unknown) => {
      if (!isDuplicateKey(e)) throw e;
    });
  }

  /** Find or create the user for an identity; `at` is the provider time of the event. */
  async function resolve(id: Identity, at: Date, opts: { touch?: boolean } = {}): Promise<string> {
    const keys = identityKeys(id);
    if (keys.length === 0) throw AppError.invalid('user', 'wa_id or bsuid required');
    const found = await lookupKeys(keys);
    let userId = found.userId;
    let created = false;
    if (!userId) {
      userId = userIdFor(id.accountId, id.waId ? 'wa' : 'bsuid', id.waId || id.bsuid);
      // An erased user keeps its (anonymous) document: the same person writing again is a new user.
      const existing = await users.findOne(
        { _id: userId },
        { projection: { _id: 1, erasedAt: 1 } },
      );
      if (existing?.erasedAt) userId = newId('u');
      // Insert-if-absent: a concurrent batch (or another profiles process) that created it first
      // makes this a duplicate key, and both go on with the same deterministic id.
      try {
        await users.insertOne(newUserRecord(userId, id, at));
        created = true;
      } catch (e) {
        if (!isDuplicateKey(e)) throw e; // a concurrent batch created it first
      }
    }
    // Known identities need no linking or filling, a user just created from this identity needs
    // no filling or time update: every write skipped is a round trip saved.
    for (const k of found.missing) await linkIdentity(k, userId);
    if (created) return userId;
    if (found.missing.length > 0) await fillIdentity(userId, id);
    // touch: false when the caller's next update moves the same times (countMessage with firstSeen).
    if (opts.touch === false) return userId;
    await touch(userId, at, id.wabaId);
    return userId;
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
        $or: [{ nameAt: { $exists: false } }, { nameAt: { $lte: p.at } }],
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
    opts: { fromMessages?: boolean; session?: ClientSession } = {},
  ): Promise<void> {
    if (terms.length === 0) return;
    const filter: Filter<UserRecord> = { _id: userId, erasedAt: { $exists: false } };
    if (opts.fromMessages) filter[`searchTerms.${MAX_USER_TERMS - 1}`] = { $exists: false };
    await users.updateOne(
      filter,
      { $addToSet: { searchTerms: { $each: terms } } },
      { session: opts.session },
    );
  }

  /**
   * Count a newly stored message, move the last-* times and make the newest message the preview;
   * with `firstSeen` also what resolve() would have done for the sender ($min createdAt). Runs
   * inside the transaction that inserted the message (message-store.ts). Returns the user after
   * the update (for the live event), null when it does not exist.
   */
  async function countMessage(
    c: CountedMessage,
    session: ClientSession,
  ): Promise<UserRecord | null> {
    const at = c.preview.at ?? new Date(0);
    const inbound = c.preview.direction === Direction.INBOUND;
    const update: UpdateFilter<UserRecord> = {
      $max: {
        ...(c.wabaId ? { wabaId: c.wabaId } : {}),
        lastInteractionAt: at,
        updatedAt: at,
        ...(inbound
          ? {
              lastInboundAt: at,
              serviceWindowExpiresAt: new Date(at.getTime() + SERVICE_WINDOW_MS),
            }
          : { lastOutboundAt: at }),
      },
      $inc: { [inbound ? 'counters.inboundMessages' : 'counters.outboundMessages']: 1 },
    };
    if (c.firstSeen) update.$min = { createdAt: at };
    await setLastMessage(c.userId, c.preview, session);
    await addTerms(c.userId, c.terms, { fromMessages: true, session });
    return users.findOneAndUpdate({ _id: c.userId }, update, {
      returnDocument: 'after',
      session,
    });
  }

  async function setLastMessage(
    userId: string,
    preview: MessagePreview,
    session: ClientSession,
  ): Promise<void> {
    const key = `${(preview.at ?? new Date(0)).toISOString()}|${preview.messageId}`;
    await users.updateOne(
      {
        _id: userId,
        $or: [{ lastMessageKey: { $exists: false } }, { lastMessageKey: { $lt: key } }],
      },
      {
        $set: {
          lastMessage: preview,
          lastMessageKey: key,
          needsReply: preview.direction === Direction.INBOUND,
        },
      },
      { session },
    );
  }

  async function setReferralIfAbsent(userId: string, referral: Referral): Promise<void> {
    await users.updateOne({ _id: userId, referral: { $exists: false } }, { $set: { referral } });
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
    lookupIdentity: (id: Identity) => lookupIdentity(identityKeys(id)),
    linkIdentity,
    applyProfileName,
    addTerms,
    countMessage,
    setReferralIfAbsent,
    incFailed,
    setPreviewText,
    moveNumber,
    setBsuid,
    findById: (id: string) => users.findOne({ _id: id }),
  } satisfies Partial<UserStore> & { countMessage: unknown };
}

export type UserRepo = ReturnType<typeof createUserRepo>;
