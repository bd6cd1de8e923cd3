// ExportUser (everything stored about one user: the user, then its messages, facts, log entries
// and review history; facts by key and version, the others oldest first) and EraseUser: delete
// every copy of the user's content (messages, media files, facts, log, reviews, kept orphan
// events, raw deliveries, live-feed entries, outbound jobs), keep its anonymous counters, record
// an audit entry.
import { AppError } from '@ue/kit';
import { EventKind, type Actor, type EraseUserRequest, type EraseUserResponse } from '@ue/proto';

import { optionalString, requireString } from '../domain/limits.js';
import { deliveryKey } from '../domain/delivery-keys.js';
import { escapeRegex } from '../domain/search.js';
import { linkKey } from './identity.js';
import type { ExportPart, Ports } from './ports.js';
import type { UserView } from './records.js';
export async function exportUser(
  deps: Pick<Ports, 'users' | 'messages' | 'facts' | 'log' | 'reviews' | 'people'>,
  req: { userId: string; cancelled: () => boolean },
  write: (part: ExportPart) => Promise<void>,
): Promise<void> {
  const userId = requireString('user_id', req.userId);
  const user = await deps.users.findById(userId);
  if (!user) throw AppError.notFound('user');
  await write({ $case: 'user', user });
  for await (const message of deps.messages.allOf(userId)) {
    if (req.cancelled()) return;
    await write({ $case: 'message', message });
  }
  for await (const fact of deps.facts.allOf(userId)) {
    if (req.cancelled()) return;
    await write({ $case: 'fact', fact });
  }
  for await (const logEntry of deps.log.allOf(userId)) {
    if (req.cancelled()) return;
    await write({ $case: 'logEntry', logEntry });
  }
  for await (const review of deps.reviews.allOf(userId)) {
    if (req.cancelled()) return;
    await write({ $case: 'review', review });
  }
  for await (const personLink of deps.people.linksOfUser(userId)) {
    if (req.cancelled()) return;
    await write({ $case: 'personLink', personLink });
  }
}

type ErasePorts = Pick<
  Ports,
  | 'users'
  | 'messages'
  | 'orphans'
  | 'facts'
  | 'log'
  | 'reviews'
  | 'deliveries'
  | 'audit'
  | 'events'
  | 'outbound'
  | 'media'
  | 'now'
>;

/** What names the user in free text: its numbers, names and email; the longest first. */
function personalTerms(u: UserView): string[] {
  const p = u.profile;
  const ids = [u.waId, ...(u.previousWaIds ?? []), u.bsuid, u.scopedId ?? ''];
  const terms = [...ids, p?.phoneE164 ?? ''];
  terms.push(p?.name ?? '', p?.username ?? '', p?.displayName ?? '', p?.email ?? '');
  const distinct = new Set(terms.map((t) => t.trim()).filter((t) => t.length >= 3));
  return [...distinct].sort((a, b) => b.length - a.length);
}

/** A term as a pattern; a number also when written with spaces, dashes, dots or brackets. */
function patternOf(term: string): string {
  if (!/^\+?\d+$/.test(term)) return escapeRegex(term);
  return `\\+?${[...term.replace('+', '')].join('[\\s().-]*')}`;
}

/** The caller's reason as the audit record keeps it: without the user's numbers and names. */
export function redactReason(reason: string, u: UserView): string {
  let out = reason;
  for (const t of personalTerms(u)) out = out.replace(new RegExp(patternOf(t), 'giu'), '[erased]');
  return out;
}

/** Raw deliveries and kept orphan events naming the user (by identity key or message wamid). */
async function eraseCopies(
  deps: Pick<Ports, 'orphans' | 'deliveries'>,
  c: { accountId: string; keys: string[]; deliveryKeys: string[]; wamids: string[] },
): Promise<void> {
  await deps.deliveries.eraseFor(c.deliveryKeys);
  await deps.orphans.eraseFor(c);
}

export async function eraseUser(
  deps: ErasePorts,
  req: EraseUserRequest,
  actor: Actor,
): Promise<EraseUserResponse> {
  const userId = requireString('user_id', req.userId);
  const reason = optionalString('reason', req.reason, 500);
  const user = await deps.users.findById(userId);
  if (!user) throw AppError.notFound('user');
  const now = deps.now();
  // What finds the copies is gone once the user is marked (identities unlinked, record blanked):
  // read it first, and clear the copies before marking too, so a retry after a failure further
  // down has nothing left to find. They are cleared again after marking, for what a concurrent
  // batch stored in between.
  const identities = await deps.users.identitiesOf(userId);
  const refs = await deps.messages.refsOf(userId);
  const copies = {
    accountId: user.accountId,
    keys: identities.map(linkKey),
    deliveryKeys: identities.map((i) => deliveryKey(i.kind, i.value)),
    wamids: refs.map((r) => r.wamid).filter(Boolean),
  };
  await eraseCopies(deps, copies);
  // Mark: from here on the user is hidden from lists and its identities name a new user.
  await deps.users.erase(userId, now);
  await eraseCopies(deps, copies);
  await deps.outbound.remove(refs.filter((r) => r.outbound).map((r) => r.id));
  const counts: EraseUserResponse = {
    messagesErased: await deps.messages.eraseForUser(userId),
    factsErased: await deps.facts.eraseForUser(userId),
    logEntriesErased: await deps.log.eraseForUser(userId),
    reviewsErased: await deps.reviews.eraseForUser(userId),
  };
  // Every file of the user (originals, thumbnails, unsent attachments), after the messages that
  // link them: an upload finishing in between finds its message gone and drops its own file.
  await deps.media.deleteForUser(userId);
  await deps.events.eraseForUser(userId);
  await deps.audit.record({
    kind: 'user_erased',
    userId,
    actor,
    reason: redactReason(reason, user),
    at: now,
    counts,
  });
  await publishErased(deps, userId);
  return counts;
}

/** Tell the live feed, with what is left of the user (no content). */
async function publishErased(deps: Pick<Ports, 'users' | 'events'>, userId: string): Promise<void> {
  const after = await deps.users.findById(userId);
  if (after)
    await deps.events.publish({
      kind: EventKind.USER_ERASED,
      userId,
      accountId: after.accountId,
      payload: { $case: 'user', user: after },
    });
}
