// Seeded documents: clones of what profiles really wrote (warmup.ts) with new ids, people,
// texts, times and counters, derived the way profiles derives them (ids from hashes of the
// provider ids, search terms, last-message key and preview, needs-reply, service window,
// follow-up fields, identities). Pure: no I/O.
import { createHash } from 'node:crypto';
import { bsuidOf, nameOf, waIdOf } from '../people.js';
import { profileTerms, MAX_USER_TERMS, textTerms } from './terms.js';
import type { Doc, DocTemplates } from './records.js';

const SERVICE_WINDOW_MS = 24 * 3600 * 1000;
const PREVIEW_CODE_POINTS = 160;

function hash(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 24);
}

/** profiles' deterministic ids (domain/ids.ts). */
export const userIdFor = (accountId: string, waId: string): string =>
  `u_${hash(accountId, 'wa', waId)}`;
export const messageIdFor = (accountId: string, wamid: string): string =>
  `m_${hash(accountId, wamid)}`;

export interface PlannedMessage {
  at: Date;
  inbound: boolean;
  text: string;
}

export interface UserPlan {
  /** Person number (people.ts). */
  n: number;
  accountId: string;
  wabaId: string;
  /** Oldest first; at least one. */
  messages: PlannedMessage[];
  status: number;
  tags: string[];
  paused: boolean;
  followUpDue?: Date;
}

export interface UserDocs {
  user: Doc;
  identities: Doc[];
  messages: Doc[];
  logEntries: Doc[];
}

const clone = (d: Doc): Doc => structuredClone(d);

/** A message as profiles stores it, cloned from the inbound or outbound template. */
export function messageDoc(
  t: DocTemplates,
  m: { plan: PlannedMessage; userId: string; wamid: string; accountId: string },
): Doc {
  const tpl = m.plan.inbound ? t.inbound : t.outbound;
  const d = clone(tpl);
  const _id = messageIdFor(m.accountId, m.wamid);
  const content = { ...(tpl.content as Record<string, unknown>), text: m.plan.text };
  Object.assign(d, {
    _id,
    accountId: m.accountId,
    userId: m.userId,
    wamid: m.wamid,
    wamidKey: m.wamid,
    clientKey: `id:${_id}`,
    content,
    sentAt: m.plan.at,
    receivedAt: new Date(m.plan.at.getTime() + 400),
    originalText: m.plan.text,
    terms: textTerms(m.plan.text),
  });
  if (m.plan.inbound) d.author = { kind: 1, id: m.userId, displayName: '' };
  else {
    const times = (tpl.statusTimes as Record<string, unknown> | undefined) ?? {};
    d.statusTimes = Object.fromEntries(
      Object.keys(times).map((k, i) => [k, new Date(m.plan.at.getTime() + i * 2000)]),
    );
  }
  return d;
}

/** The list-row preview profiles stores on the user for its newest message. */
export function preview(d: Doc): {
  messageId: string;
  direction: number;
  type: number;
  text: string;
  at: Date;
} {
  const content = d.content as { type?: number; text?: string };
  return {
    messageId: d._id,
    direction: Number(d.direction),
    type: content.type ?? 1,
    text: [...(content.text ?? '')].slice(0, PREVIEW_CODE_POINTS).join(''),
    at: d.sentAt as Date,
  };
}

const CONDITIONAL = [
  'statusChanged',
  'pausedChanged',
  'followUpsVersion',
  'nextFollowUpDueAt',
  'lastInboundAt',
  'lastOutboundAt',
  'serviceWindowExpiresAt',
  'referral',
  'nameAt',
];

/** One user with its identities, messages and (open follow-up) log entry. */
export function buildUserDocs(t: DocTemplates, p: UserPlan): UserDocs {
  const waId = waIdOf(p.n);
  const bsuid = bsuidOf(p.n);
  const name = nameOf(p.n);
  const userId = userIdFor(p.accountId, waId);
  const messages = p.messages.map((plan, j) =>
    messageDoc(t, {
      plan,
      userId,
      accountId: p.accountId,
      wamid: `wamid.HBgNseed${p.n.toString(36)}x${j.toString(36)}AA==`,
    }),
  );
  const first = p.messages[0]!;
  const last = p.messages[p.messages.length - 1]!;
  const inbound = p.messages.filter((m) => m.inbound);
  const outbound = p.messages.filter((m) => !m.inbound);
  const terms = new Set([...profileTerms(waId), bsuid.toLowerCase(), ...textTerms(name)]);
  for (const m of messages)
    for (const term of (m.terms as string[] | undefined) ?? []) {
      if (terms.size >= MAX_USER_TERMS) break;
      terms.add(term);
    }
  const user = clone(t.user);
  for (const k of CONDITIONAL) delete user[k];
  const lastDoc = messages[messages.length - 1]!;
  const lastInbound = inbound[inbound.length - 1];
  const changed = { by: { kind: 2, id: 'carol', displayName: 'Carol' }, at: last.at };
  Object.assign(user, {
    _id: userId,
    accountId: p.accountId,
    wabaId: p.wabaId,
    waId,
    bsuid,
    parentBsuid: '',
    previousWaIds: [],
    profile: { phoneE164: `+${waId}`, name },
    status: p.status,
    tags: p.tags,
    paused: p.paused,
    createdAt: first.at,
    updatedAt: last.at,
    lastInteractionAt: last.at,
    counters: {
      inboundMessages: inbound.length,
      outboundMessages: outbound.length,
      failedDeliveries: 0,
      openFollowUps: p.followUpDue ? 1 : 0,
    },
    needsReply: last.inbound,
    searchTerms: [...terms],
    lastMessage: preview(lastDoc),
    lastMessageKey: `${last.at.toISOString()}|${lastDoc._id}`,
  });
  if (inbound[0]) user.nameAt = inbound[0].at;
  if (lastInbound) {
    user.lastInboundAt = lastInbound.at;
    user.serviceWindowExpiresAt = new Date(lastInbound.at.getTime() + SERVICE_WINDOW_MS);
  }
  if (outbound.length) user.lastOutboundAt = outbound[outbound.length - 1]!.at;
  if (p.status !== 0) user.statusChanged = changed;
  if (p.paused) user.pausedChanged = changed;
  const logEntries: Doc[] = [];
  if (p.followUpDue) {
    user.followUpsVersion = 1;
    user.nextFollowUpDueAt = p.followUpDue;
    const e = clone(t.followUp);
    const key = `seed-${p.n}`;
    Object.assign(e, {
      _id: `l_${hash('seed', String(p.n))}`,
      userId,
      accountId: p.accountId,
      dueAt: p.followUpDue,
      createdAt: last.at,
      updatedAt: last.at,
      clientId: key,
      clientKey: key,
      state: 1,
    });
    logEntries.push(e);
  }
  const identities: Doc[] = [
    { _id: `${p.accountId}|wa|${waId}`, userId },
    { _id: `${p.accountId}|bsuid|${bsuid}`, userId },
  ];
  return { user, identities, messages, logEntries };
}

/** A user as profiles creates it from its first message (no status, tags, pause or follow-up). */
export function freshUser(t: DocTemplates, p: { n: number; accountId: string; at: Date }): Doc {
  const waId = waIdOf(p.n);
  const bsuid = bsuidOf(p.n);
  const name = nameOf(p.n);
  const user = clone(t.user);
  for (const k of CONDITIONAL) delete user[k];
  Object.assign(user, {
    _id: userIdFor(p.accountId, waId),
    accountId: p.accountId,
    waId,
    bsuid,
    profile: { phoneE164: `+${waId}`, name },
    status: 0,
    tags: [],
    paused: false,
    createdAt: p.at,
    updatedAt: p.at,
    lastInteractionAt: p.at,
    nameAt: p.at,
    counters: { inboundMessages: 0, outboundMessages: 0, failedDeliveries: 0, openFollowUps: 0 },
    searchTerms: [...profileTerms(waId), bsuid.toLowerCase(), ...textTerms(name)],
  });
  return user;
}
