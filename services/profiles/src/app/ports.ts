// What the use cases need from the outside world, as plain interfaces over records
// (records.ts). adapters/mongo and adapters/redis implement them; the unit tests of app/ use
// in-memory fakes (test/fakes.ts). No driver type appears here: queries, update operators and
// indexes live in the adapters only.
import type {
  Actor,
  Channel,
  DeliveryStatus,
  Direction,
  EventKind,
  MediaState,
  MessagePreview,
  MessageType,
  OutboundJob,
  PersonRule,
  Referral,
  ReviewSummary,
  Sentiment,
  StoredMedia,
  WebhookEvent,
} from '@ue/proto';
import type {
  AccountRecord,
  AuditRecord,
  FactRecord,
  LogEntryRecord,
  MessageRecord,
  PersonLinkRecord,
  ReviewRecord,
  StoredReaction,
  UserRecord,
  UserView,
} from './records.js';
import type { DeliveryState } from '../domain/status.js';

export interface Identity {
  accountId: string;
  wabaId?: string;
  waId: string;
  bsuid: string;
  parentBsuid?: string;
  /** The account's channel; absent or UNSPECIFIED is WhatsApp. */
  channel?: Channel;
  /** Messenger PSID / Instagram IGSID (instead of wa_id and BSUID on those channels). */
  scopedId?: string;
}

/**
 * One identity of a user: the account and what it is known by there (WhatsApp wa_id or BSUID,
 * Messenger PSID, Instagram IGSID).
 */
export interface IdentityKey {
  accountId: string;
  kind: IdentityKind;
  value: string;
}

export type IdentityKind = 'wa' | 'bsuid' | 'psid' | 'igsid';

/** Messenger / Instagram receipts: what a watermark says about the outbound messages it covers. */
export type WatermarkState = 'delivered' | 'read';

/** The distinct watermarks seen for a user, ascending (empty: none yet). */
export interface UserWatermarks {
  delivered: Date[];
  read: Date[];
}

/** Distinct watermarks kept per user and state: a message older than the earliest kept one,
 * stored after all of them arrived, takes that earliest one (docs: profiles README). */
export const WATERMARKS_KEPT = 50;

export interface WatermarkApply {
  userId: string;
  state: WatermarkState;
  /** DELIVERED or READ. */
  status: DeliveryStatus;
  /** Outbound messages sent at or before this time, with a provider id, are covered. */
  at: Date;
  /** Only this message (an outbound message just stored or just sent). */
  messageId?: string;
}

/** A new message as its user's counters, times, preview and search terms see it. */
export interface CountedMessage {
  userId: string;
  preview: MessagePreview;
  terms: string[];
  /** The sender was resolved with touch: false; move its first-seen time here too. */
  firstSeen?: boolean;
  /** The sender's WABA, when the event names it (fills an empty one). */
  wabaId?: string;
}

/** A new message and how its user counts it (MessageStore.insertCountedMany). */
export interface CountedInsert {
  message: MessageRecord;
  count: Omit<CountedMessage, 'userId'>;
}

/** A profile name seen for a user (applyProfileName with its times), as a batch passes it on. */
export interface ProfileSighting {
  userId: string;
  name?: string;
  username?: string;
  at: Date;
}

/** Keyset position: after (or before) the record with this sort value and id. */
export interface Keyset {
  at: Date;
  id: string;
}

export interface UserListQuery {
  /** Prefix matches on search terms, all required; `none` when the query can match nothing. */
  terms: string[] | 'none';
  accountId?: string;
  /** Only identities on this channel (users stored before channels were named: WhatsApp). */
  channel?: Channel;
  statuses: number[];
  tags: string[];
  activeAfter?: Date;
  activeBefore?: Date;
  needsReply?: boolean;
  paused?: boolean;
  /** true: a follow-up due before `now`; false: none. */
  overdueAt?: { now: Date; overdue: boolean };
  /** Filters on the latest review (User.review); absent: no review filter. */
  review?: ReviewFilter;
  /** 'review.score' lists reviewed users only. */
  sort: { field: UserSortField; dir: 1 | -1 };
  /** After the user with this sort value (a time, or a score) and id. */
  after?: { value: Date | number; id: string };
  limit: number;
  maxTimeMS: number;
}

export type UserSortField = 'lastInteractionAt' | 'createdAt' | 'review.score';

export interface ReviewFilter {
  /** Reviewed, with a score below this. */
  scoreBelow?: number;
  /** The latest successful review's sentiment is one of these (none: any). */
  sentiments: Sentiment[];
  /** true: open action items; false: reviewed without any. */
  openActionItems?: boolean;
  /** true: never successfully reviewed; false: reviewed. */
  pending?: boolean;
}

export interface PhoneQuery {
  /** E.164 when the number parsed, else its digits. */
  e164?: string;
  digits: string;
  accountId?: string;
}

/** An admin's or agent's change to a user (UpdateUser). */
export interface UserChange {
  set: Record<string, unknown>;
  unset: string[];
  addTags: string[];
  addTerms: string[];
}

export interface NumberMove {
  /** The user that gets the new number (the old one, or the one already holding it). */
  targetId: string;
  oldWaId: string;
  newWaId: string;
  newPhoneE164: string | undefined;
  /** True when the target is the old user: its primary number changes. */
  primary: boolean;
  terms: string[];
  at: Date;
}

export interface UserStore {
  /** Find or create the user for an identity; `at` is the provider time of the event. */
  resolve(id: Identity, at: Date, opts?: { touch?: boolean }): Promise<string>;
  /**
   * resolve() for every item, in order; the same results as resolving them one by one, with one
   * lookup for all identities that are known already.
   */
  resolveMany(items: { id: Identity; at: Date }[], opts?: { touch?: boolean }): Promise<string[]>;
  lookupIdentity(id: Identity): Promise<string | undefined>;
  linkIdentity(key: string, userId: string): Promise<void>;
  applyProfileName(
    userId: string,
    profile: { name?: string; username?: string; at: Date },
    withTouch?: boolean,
  ): Promise<boolean>;
  addTerms(userId: string, terms: string[], opts?: { fromMessages?: boolean }): Promise<void>;
  /** True when the user had no referral and has this one now. */
  setReferralIfAbsent(userId: string, referral: Referral): Promise<boolean>;
  /** $max of the user's delivered or read watermark; true when it rose. */
  raiseWatermark(userId: string, w: { state: WatermarkState; at: Date }): Promise<boolean>;
  watermarksOf(userId: string): Promise<UserWatermarks>;
  incFailed(userId: string): Promise<void>;
  /** The preview text of the user's list row, when it shows this message. */
  setPreviewText(userId: string, messageId: string, text: string): Promise<void>;
  moveNumber(m: NumberMove): Promise<boolean>;
  setBsuid(userId: string, bsuid: string, parentBsuid: string): Promise<boolean>;
  findById(id: string): Promise<UserView | null>;
  /** The users of `ids` that exist, in no particular order. */
  findByIds(ids: string[]): Promise<UserView[]>;
  findLatestByBsuid(bsuid: string): Promise<UserView | null>;
  findByPhone(q: PhoneQuery): Promise<UserView | null>;
  list(q: UserListQuery): Promise<UserView[]>;
  /** Apply a change to a live user; the user as it was before, null when missing or erased. */
  change(userId: string, c: UserChange): Promise<UserRecord | null>;
  removeTags(userId: string, tags: string[]): Promise<void>;
  /** Recompute open follow-ups from `count` until no concurrent change interferes. */
  refreshFollowUps(
    userId: string,
    count: () => Promise<{ open: number; nextDue?: Date }>,
  ): Promise<void>;
  /**
   * Erase the user's content (its review summary too), keep its anonymous counters; unlinks
   * every identity of the user.
   */
  erase(userId: string, at: Date): Promise<void>;
  /** Every identity the user is known by: its linked identities and its numbers and BSUID. */
  identitiesOf(userId: string): Promise<IdentityKey[]>;
}

export interface StatusChange {
  state: DeliveryState;
  status: number;
  at: Date;
  errors: MessageRecord['errors'];
  pricing?: MessageRecord['pricing'];
  bizOpaqueCallbackData?: string;
}

export interface StatusOutcome {
  /** The transition time was recorded for the first time. */
  newTransition: boolean;
  /** The current status moved up. */
  raised: boolean;
}

export interface MessagePageQuery {
  /** One identity's conversation, or every identity of a person (one timeline). */
  userIds: string[];
  limit: number;
  after?: Keyset & { direction: 'older' | 'newer' };
}

export interface MessageStore {
  /** Insert without counting (system notices); false when it exists already. */
  insert(m: MessageRecord): Promise<boolean>;
  /**
   * Insert and count on its user, atomically (a crash between the two can neither lose nor
   * double a count); `created` false on a replay, `user` the counted user for the live event.
   */
  insertCounted(
    m: MessageRecord,
    count: Omit<CountedMessage, 'userId'>,
  ): Promise<{ created: boolean; user: UserView | null }>;
  /**
   * insertCounted for many messages at once (one transaction, one update per user): `created`
   * holds the ids of the messages stored now (a replayed one is skipped and not counted),
   * `users` the counted users after the change.
   */
  insertCountedMany(
    items: CountedInsert[],
    sightings?: ProfileSighting[],
  ): Promise<{
    created: Set<string>;
    users: Map<string, UserView>;
    /**
     * The users whose sightings were applied with their count (the store may take none): true
     * when the name changed something. The caller applies the others itself.
     */
    named: Map<string, boolean>;
  }>;
  applyStatus(id: string, c: StatusChange): Promise<StatusOutcome>;
  applyReaction(id: string, reactorKey: string, r: StoredReaction): Promise<boolean>;
  applyEdit(
    id: string,
    version: { text: string; editedAt: Date; editWamid: string },
    terms: string[],
  ): Promise<boolean>;
  applyRevoke(id: string, at: Date): Promise<boolean>;
  setWamid(id: string, wamid: string): Promise<boolean>;
  /**
   * A watermark on the outbound messages it covers (sent at or before it, with a provider id):
   * status raised to it, status_times.delivered (and read) lowered to it where later or unset.
   * The ids of the messages it changed.
   */
  applyWatermark(w: WatermarkApply): Promise<string[]>;
  page(q: MessagePageQuery): Promise<MessageRecord[]>;
  findById(id: string): Promise<MessageRecord | null>;
  findByWamid(accountId: string, wamid: string): Promise<MessageRecord | null>;
  findByClientId(userId: string, clientId: string): Promise<MessageRecord | null>;
  /** wamid -> message id for the wamids of one account that are stored. */
  idsByWamid(accountId: string, wamids: string[]): Promise<Map<string, string>>;
  /** Every message of a user, oldest first. */
  allOf(userId: string): AsyncIterable<MessageRecord>;
  /** Id, wamid and direction of every message of a user (what erasure looks up copies by). */
  refsOf(userId: string): Promise<{ id: string; wamid: string; outbound: boolean }[]>;
  eraseForUser(userId: string): Promise<number>;
  /**
   * Link a stored file to a media message: the original only while the message's media is not
   * STORED yet, the thumbnail only while it has none. False when another file got there first
   * (or the message is gone): the caller's file is then not linked.
   */
  linkMedia(id: string, link: MediaLink): Promise<boolean>;
  /** Set PENDING or UNAVAILABLE (with the reason), unless the media is STORED; true if changed. */
  setMediaState(id: string, s: { state: MediaState; reason: string; at: Date }): Promise<boolean>;
}

export type MediaLink =
  { variant: 'original'; stored: StoredMedia } | { variant: 'thumbnail'; fileId: string; at: Date };

export type MediaVariantName = 'original' | 'thumbnail';

/** What a stored file is and whom it belongs to (kept with the file). */
export interface MediaFileMeta {
  userId: string;
  accountId: string;
  /** The message the file belongs to; '' for an attachment not sent yet. */
  messageId: string;
  variant: MediaVariantName;
  mimeType: string;
  filename: string;
  /** False for an attachment not sent yet (removed when it stays unsent for a day). */
  attached: boolean;
  width: number;
  height: number;
  durationMs: number;
}

export interface MediaFileInfo extends MediaFileMeta {
  fileId: string;
  /** Counted and hashed by the store while it wrote the bytes. */
  sizeBytes: number;
  sha256Hex: string;
  uploadedAt: Date;
}

/**
 * Bytes of media files, streamed both ways (MongoDB GridFS today; object storage could take its
 * place behind the same interface).
 */
export interface MediaStore {
  /**
   * Store what `body` yields. The file exists only once `body` ended without an error: when it
   * throws (a refused chunk, a cancelled call) whatever was written is removed and put rethrows.
   */
  put(meta: MediaFileMeta, body: AsyncIterable<Uint8Array>): Promise<MediaFileInfo>;
  /** The file, or null when there is none with this id (a malformed id included). */
  info(fileId: string): Promise<MediaFileInfo | null>;
  /** The file's bytes in order, in pieces of the store's chunk size. */
  /** The bytes, or those from `start` up to `end` (exclusive; an HTTP Range request). */
  open(fileId: string, range?: { start: number; end: number }): AsyncIterable<Uint8Array>;
  delete(fileId: string): Promise<void>;
  /** Mark an unattached file of `userId` as attached to `messageId`; false if it was not one. */
  attach(fileId: string, to: { userId: string; messageId: string }): Promise<boolean>;
  /** Undo attach (the message it was claimed for could not be stored). */
  detach(fileId: string): Promise<void>;
  /** Every file of the user (originals, thumbnails, unsent attachments); how many. */
  deleteForUser(userId: string): Promise<number>;
  /** Unattached files uploaded before `at`; how many. */
  deleteUnattachedBefore(at: Date): Promise<number>;
}

export interface OrphanStore {
  /**
   * Keep an event whose target message is unknown; idempotent per (account, event). `keys`: the
   * identity keys the event names, so erasing one of those users finds it.
   */
  keep(o: {
    accountId: string;
    targetWamid: string;
    event: WebhookEvent;
    at: Date;
    keys: string[];
  }): Promise<void>;
  take(accountId: string, targetWamid: string): Promise<{ id: string; event: WebhookEvent }[]>;
  /** Which of the account's `wamids` have kept events waiting (one query for a batch). */
  waitingFor(accountId: string, wamids: string[]): Promise<Set<string>>;
  drop(ids: string[]): Promise<void>;
  /** Drop kept events naming one of `keys` or targeting one of the account's `wamids`. */
  eraseFor(q: { accountId: string; wamids: string[]; keys: string[] }): Promise<number>;
}

export interface FactStore {
  /** The next version number of (user, key), atomically. */
  nextVersion(userId: string, key: string): Promise<number>;
  /**
   * Insert; false when (user, key, version) is taken already: the counter fell behind the stored
   * versions (a database restarted between the two writes) and has been moved past them.
   */
  insert(f: FactRecord): Promise<boolean>;
  /** Versions ordered by key, then version. */
  list(userId: string, q: { keys: string[]; asOf?: Date }): Promise<FactRecord[]>;
  allOf(userId: string): AsyncIterable<FactRecord>;
  eraseForUser(userId: string): Promise<number>;
}

export interface LogEntryListQuery {
  userId?: string;
  accountId?: string;
  kinds: number[];
  states: number[];
  overdueAt?: Date;
  dueBefore?: Date;
  /** dueAt ascending (due listings) or createdAt descending. */
  order: 'due' | 'created';
  after?: Keyset;
  limit: number;
}

export interface LogStore {
  /** Insert; the existing entry when (user, client id) was used already. */
  insert(e: LogEntryRecord): Promise<{ entry: LogEntryRecord; created: boolean }>;
  findById(id: string): Promise<LogEntryRecord | null>;
  findByClientId(userId: string, clientId: string): Promise<LogEntryRecord | null>;
  /** Set fields, only while the entry's state is still `expectedState` (when given). */
  update(
    id: string,
    set: Partial<LogEntryRecord>,
    expectedState?: number,
  ): Promise<LogEntryRecord | null>;
  list(q: LogEntryListQuery): Promise<LogEntryRecord[]>;
  /** Open follow-ups and reminders of a user: how many, and the earliest due time. */
  openDue(userId: string): Promise<{ open: number; nextDue?: Date }>;
  countOverdue(q: { accountId?: string; now: Date }): Promise<number>;
  allOf(userId: string): AsyncIterable<LogEntryRecord>;
  eraseForUser(userId: string): Promise<number>;
}

/**
 * What a recorded review does to its user's summary (User.review). `done`: replace the summary
 * with this one (its error cleared), unless the user's summary covers newer messages
 * (covered_until later than this one's). `failed`: note the error, keep the summary.
 */
export type ReviewSummaryChange =
  { kind: 'done'; summary: ReviewSummary } | { kind: 'failed'; error: string; at: Date };

export interface ReviewPageQuery {
  userId: string;
  limit: number;
  /** After the review with this reviewed_at and id, newest first. */
  after?: Keyset;
}

export interface ReviewStore {
  /**
   * Store the review and apply `change` to its user, atomically (both or neither); NOT_FOUND,
   * storing nothing, when the user is missing or erased by then. When the review's (user, client
   * id) is stored already (a retry, or a concurrent call with the same key), nothing is written
   * and the stored review is returned with `created: false`.
   */
  record(
    r: ReviewRecord,
    change: ReviewSummaryChange,
  ): Promise<{ review: ReviewRecord; created: boolean }>;
  findByClientId(userId: string, clientId: string): Promise<ReviewRecord | null>;
  /** Newest first (reviewed_at, then id, descending); at most `limit`. */
  page(q: ReviewPageQuery): Promise<ReviewRecord[]>;
  /** Every review of a user, oldest first (reviewed_at, then id). */
  allOf(userId: string): AsyncIterable<ReviewRecord>;
  eraseForUser(userId: string): Promise<number>;
}

export interface StatsRow {
  userId: string;
  direction: Direction;
  sentAt: Date;
  status: DeliveryStatus;
  type: MessageType;
}

export interface StatsStore {
  messagesBetween(q: {
    accountId?: string;
    from: Date;
    to: Date;
    limit: number;
    maxTimeMS: number;
  }): Promise<StatsRow[]>;
  usersCreatedBetween(q: {
    accountId?: string;
    from: Date;
    to: Date;
    maxTimeMS: number;
  }): Promise<Date[]>;
  /** The latest review of each live user last active in [from, to) (pending: no review). */
  reviewsOfActiveUsers(q: {
    accountId?: string;
    from: Date;
    to: Date;
    maxTimeMS: number;
  }): Promise<{ reviewed: boolean; score: number; sentiment: Sentiment }[]>;
  /** Successful reviews recorded in [from, to). */
  reviewsDoneBetween(q: {
    accountId?: string;
    from: Date;
    to: Date;
    limit: number;
    maxTimeMS: number;
  }): Promise<{ reviewedAt: Date; score: number; sentiment: Sentiment }[]>;
  /** Live (not erased) users matching the given field values. */
  countUsers(q: {
    accountId?: string;
    status?: number;
    needsReply?: boolean;
    paused?: boolean;
  }): Promise<number>;
}

/** A raw provider delivery as received, filed under the identities its body names. */
export interface ReceivedDelivery {
  sha256: string;
  body: Buffer;
  receivedAt: Date;
  provider: string;
  keys: string[];
  /** The accounts the body names (domain/delivery-keys.ts), for retention. */
  accountIds: string[];
}

export interface DeliveryStore {
  /**
   * Insert-if-absent by content hash; true when stored for the first time. `keys`: the identities
   * its body names (domain/delivery-keys.ts), so erasure can find it.
   */
  store(d: ReceivedDelivery): Promise<boolean>;
  /** store() for many at once; how many were stored for the first time. */
  storeMany(ds: ReceivedDelivery[]): Promise<number>;
  /** Delete every delivery filed under one of `keys`; how many. */
  eraseFor(keys: string[]): Promise<number>;
}

export interface AuditStore {
  record(a: Omit<AuditRecord, '_id'>): Promise<void>;
}

export type ChangePayload =
  | { $case: 'user'; user: UserView }
  | { $case: 'message'; message: MessageRecord }
  | { $case: 'fact'; fact: FactRecord }
  | { $case: 'logEntry'; logEntry: LogEntryRecord }
  | { $case: 'review'; review: ReviewRecord };

/** The records ExportUser streams: every kind a live event carries, and the user's person links. */
export type ExportPart = ChangePayload | { $case: 'personLink'; personLink: PersonLinkRecord };

/** A stored change, for the live feed (WatchEvents). */
export interface ChangeEvent {
  kind: EventKind;
  userId: string;
  accountId: string;
  /** Absent for an announcement about the user (REVIEW_REQUESTED). */
  payload: ChangePayload | undefined;
  /** Who caused it, for the kinds that carry it (REVIEW_REQUESTED); absent otherwise. */
  actor?: Actor;
}

export interface EventPublisher {
  publish(e: ChangeEvent): Promise<void>;
  /** Drop an erased user's events: those waiting to be published and those already in the feed. */
  eraseForUser(userId: string): Promise<void>;
}

export interface OutboundQueue {
  enqueue(job: OutboundJob): Promise<void>;
  /** Drop the jobs of these messages (an erased user's), whatever their state but running. */
  remove(messageIds: string[]): Promise<void>;
}

export interface Logger {
  warn(fields: object, msg: string): void;
}

/** An account's retention periods in days (RetentionPolicy); 0 keeps the class forever. */
export interface RetentionDays {
  messagesDays: number;
  mediaDays: number;
  deliveriesDays: number;
  reviewTextsDays: number;
}

/** A message the retention sweep removes (or whose file it removes). */
export interface ExpiringMessage {
  id: string;
  userId: string;
  /** Stored files of the message (original and thumbnail). */
  fileIds: string[];
  /** Its search terms, which its user may no longer need. */
  terms: string[];
}

/** The reads and writes of the retention sweep (app/retention.ts). */
export interface RetentionStore {
  /** Every account with at least one period set. */
  policies(): Promise<{ accountId: string; days: RetentionDays }[]>;
  /** The account's oldest messages sent before `before`, at most `limit`. */
  messagesBefore(q: { accountId: string; before: Date; limit: number }): Promise<ExpiringMessage[]>;
  /** In one transaction: a stats row for each message, then the messages; how many removed. */
  retireMessages(ids: string[], at: Date): Promise<number>;
  /** Messages sent before `before` whose file is still stored, at most `limit`. */
  mediaBefore(q: { accountId: string; before: Date; limit: number }): Promise<ExpiringMessage[]>;
  /** Their media state becomes EXPIRED (file ids cleared, reason set). */
  markMediaExpired(q: { ids: string[]; at: Date; reason: string }): Promise<void>;
  /** Raw deliveries naming the account received before `before`; how many removed. */
  deleteDeliveriesBefore(q: { accountId: string; before: Date }): Promise<number>;
  /**
   * The texts of the account's reviews made before `before` (summary, topics, action items,
   * reasons) and the headlines users show from them are emptied; scores stay. How many reviews.
   */
  redactReviewsBefore(q: {
    accountId: string;
    before: Date;
    at: Date;
    limit: number;
  }): Promise<number>;
  /**
   * After messages of these users were removed: the preview of a removed last message loses its
   * text, and search terms no remaining message, fact or profile field holds are dropped.
   */
  tidyUsers(q: { removed: ExpiringMessage[] }): Promise<void>;
}

/** A join asked for (LinkIdentities), checked: distinct user ids in request order. */
export interface JoinRequest {
  userIds: string[];
  rule: PersonRule;
  by: Actor;
  reason: string;
  at: Date;
  clientId?: string;
}

/** What a join did: the person joined, one link per person merged in, the identities moved. */
export interface JoinOutcome {
  personId: string;
  links: PersonLinkRecord[];
  moved: string[];
}

/** An undo (UnlinkIdentities link_id) or a split (user_id), with who, when and why. */
export interface PersonChange {
  by: Actor;
  reason: string;
  at: Date;
}

/** What an undo or split did: the person left, the one the identities are in now, the link. */
export interface MoveOutcome {
  left: string;
  restored: string;
  link: PersonLinkRecord;
  moved: string[];
}

/**
 * People (domain/person.ts): identities grouped by `personId`. Joins, undos and splits change
 * `personId` of the identities concerned and record a link, in one transaction each. A user
 * without `personId` (stored before people existed) is read as `p-<its id>` everywhere.
 */
/** The people rules this process runs (PEOPLE_SAME_PHONE_JOIN, PEOPLE_SUGGEST). */
export interface PeopleRules {
  samePhoneJoin: boolean;
  suggestSameEmail: boolean;
  suggestPhoneInFacts: boolean;
}

export interface PeopleStore {
  /** The rules the store was configured with (suggestions follow them). */
  readonly rules: PeopleRules;
  /** Every join or split that moved this user, oldest first (ExportUser). */
  linksOfUser(userId: string): AsyncIterable<PersonLinkRecord>;
  /** The business of an account (its `businessId`, else its WABA, else `wabaId`, else the id). */
  businessOf(accountId: string, wabaId: string): Promise<string>;
  /** Every identity of these persons, erased ones included. */
  identities(personIds: string[]): Promise<UserView[]>;
  /** The identities of these persons that match a list's filters (its keyset and sort unused). */
  listed(q: UserListQuery, personIds: string[]): Promise<UserView[]>;
  /** Links naming the person (as personId or fromPersonId), newest first, at most `limit`. */
  links(personId: string, limit: number): Promise<PersonLinkRecord[]>;
  findLink(id: string): Promise<PersonLinkRecord | null>;
  /** The links one LinkIdentities call with this client id made. */
  linksByClientId(clientId: string): Promise<PersonLinkRecord[]>;
  /**
   * Join (domain/person.ts planJoin, decided against the users as read in the transaction):
   * every member of each other person moves to the first user's person. With a client id
   * already used, nothing is written and its links are returned.
   */
  join(j: JoinRequest): Promise<JoinOutcome>;
  /** Undo a link: its identities still where it put them go back; FAILED_PRECONDITION if undone. */
  undo(linkId: string, c: PersonChange): Promise<MoveOutcome>;
  /** Split an identity off into `p-<its id>` (domain/person.ts checkSplit), recorded as a link. */
  split(userId: string, c: PersonChange): Promise<MoveOutcome>;
  /** Live users of other persons holding one of these search terms, at most `limit`. */
  holdersOf(q: { terms: string[]; notPersonId: string; limit: number }): Promise<UserView[]>;
  /** Every fact version of these users (current values: domain/person.ts currentFacts). */
  factsOf(userIds: string[]): Promise<FactRecord[]>;
}

/** An account a webhook batch names, as ApplyWebhookEvents registers it. */
export interface AccountSighting {
  accountId: string;
  channel: Channel;
  wabaId: string;
  /** What the provider shows for it (may be empty). */
  display: string;
}

/** What UpdateAccount writes: the given fields only (absent: unchanged). */
export interface AccountChange {
  accountId: string;
  /** Set only when the account is created (it never changes). */
  channel: Channel;
  name?: string;
  displayId?: string;
  businessId?: string;
  credentialsRef?: string;
  retention?: RetentionDays;
  changed: { by: Actor; at: Date };
}

/** Sums over an account's users (their counters survive retention and erasure). */
export interface AccountUsage {
  accountId: string;
  /** Live (not erased) users. */
  users: number;
  inboundMessages: number;
  outboundMessages: number;
  lastActivityAt?: Date;
  /** What the users say of an account stored before accounts had documents. */
  firstSeenAt?: Date;
  wabaId: string;
}

export interface AccountStore {
  /**
   * Register the accounts a batch names (insert-if-absent of channel, WABA, business, credentials
   * reference and display; empty ones filled) and raise their last delivery time to `at`. At most
   * one write per account every few seconds per process: later calls within that time skip it.
   */
  noteDeliveries(seen: AccountSighting[], at: Date): Promise<void>;
  /** The account's latest error (the latest by `at` wins; no customer text in `error`). */
  noteError(accountId: string, e: { at: Date; error: string }): Promise<void>;
  /** Fresh from the database. */
  find(accountId: string): Promise<AccountRecord | null>;
  /** From the in-process cache (at most 30 s old; refreshed by this process's changes). */
  cached(accountId: string): Promise<AccountRecord | null>;
  /**
   * Create (with `channel`) or change the account; FAILED_PRECONDITION when it exists on
   * another channel. The account as stored after the change.
   */
  upsert(c: AccountChange): Promise<AccountRecord>;
  /** Every account document. */
  list(): Promise<AccountRecord[]>;
  /** Per account id: its users and their counters (also for accounts without a document). */
  usage(accountId?: string): Promise<AccountUsage[]>;
}

/** Everything the use cases can be given; each takes only the ports it uses (Pick<Ports, …>). */
export interface Ports {
  users: UserStore;
  messages: MessageStore;
  orphans: OrphanStore;
  facts: FactStore;
  log: LogStore;
  reviews: ReviewStore;
  stats: StatsStore;
  deliveries: DeliveryStore;
  audit: AuditStore;
  events: EventPublisher;
  outbound: OutboundQueue;
  media: MediaStore;
  retention: RetentionStore;
  people: PeopleStore;
  accounts: AccountStore;
  logger: Logger;
  now: () => Date;
}

/** What applying webhook events needs. */
export type EventPorts = Pick<
  Ports,
  'users' | 'messages' | 'orphans' | 'events' | 'accounts' | 'logger' | 'now'
>;
