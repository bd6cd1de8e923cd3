// Live updates for an open user page: profiles' WatchEvents (filtered by user) turned into
// HTML fragments over SSE. The SSE id is profiles' cursor, so a reconnect resumes with
// Last-Event-ID where it left off. A page showing a person's timeline across channels
// (?scope=person) watches every identity of the person, one WatchEvents each, merged into one
// stream; its SSE id then holds each identity's cursor ("<user id>=<cursor>,…").
import { Hono } from 'hono';
import { streamSSE, type SSEMessage } from 'hono/streaming';
import { AppError } from '@ue/kit';
import {
  EventKind,
  type Fact,
  type LogEntry,
  type Review,
  type User,
  type WatchEventsResponse,
} from '@ue/proto';
import type { AppDeps, AppEnv } from '../http/types.js';
import { markOf, type ChannelMarks } from '../views/conversation.js';
import type { ViewCtx } from '../views/context.js';
import { MessageBubble } from '../views/message-bubble.js';
import { reachableKey } from '../views/reply-targets.js';
import {
  marksOf,
  ReplyForm,
  ReviewFreshness,
  ReviewSection,
  UserCard,
} from '../views/user-page.js';
import { FactsList, LogEntries } from '../views/user-sidebar.js';
import { loadPerson } from './person-load.js';
import { loadReviews } from './review.js';
import { isSafeId } from './users-query.js';

const KINDS = [
  EventKind.MESSAGE_CREATED,
  EventKind.MESSAGE_UPDATED,
  EventKind.STATUS_CHANGED,
  EventKind.USER_UPDATED,
  EventKind.FACT_UPSERTED,
  EventKind.LOG_ENTRY_CHANGED,
  EventKind.REVIEW_RECORDED,
];

/** What the other identities of a person's timeline send: their messages and reply windows. */
const PERSON_KINDS = [
  EventKind.MESSAGE_CREATED,
  EventKind.MESSAGE_UPDATED,
  EventKind.STATUS_CHANGED,
  EventKind.USER_UPDATED,
];

/** Per-stream memory: the identities as last seen, and which could get a reply then. */
interface StreamState {
  /** The identity whose page this is. */
  viewed: string;
  /** The person's identities shown (just the viewed one for one conversation). */
  identities: Map<string, User>;
  /** reachableKey() when the reply box was last drawn. */
  reachable: string;
  /** Set for a timeline across channels: bubbles say their channel. */
  marks?: ChannelMarks;
}

/** Each identity's cursor as one SSE id; a single conversation keeps profiles' plain cursor. */
export function encodeCursors(cursors: ReadonlyMap<string, string>): string {
  if (cursors.size === 1) return [...cursors.values()][0]!;
  return [...cursors].map(([user, cursor]) => `${user}=${cursor}`).join(',');
}

/** Where each identity resumes: its own cursor, or a plain one for all. */
export function decodeCursors(lastEventId: string, users: string[]): Map<string, string> {
  const pairs = new Map(
    lastEventId
      .split(',')
      .map((part) => part.split('='))
      .filter((kv): kv is [string, string] => kv.length === 2),
  );
  const plain = lastEventId.includes('=') ? '' : lastEventId;
  return new Map(users.map((u) => [u, pairs.get(u) ?? plain]));
}

/**
 * Fresh reads for fragments that show more than the event carries (all current facts, the log,
 * the review section with its history and the user's summary).
 */
export interface SseLoaders {
  facts(userId: string): Promise<Fact[]>;
  log(userId: string): Promise<LogEntry[]>;
  reviews(userId: string): Promise<{ user: User | undefined; reviews: Review[] | undefined }>;
}

/** The SSE message for one profiles event, or undefined when the page has nothing to show. */
export async function toSse(
  ev: WatchEventsResponse,
  page: { ctx: ViewCtx; state: StreamState; load?: SseLoaders },
): Promise<SSEMessage | undefined> {
  const { ctx, state, load } = page;
  if (ev.heartbeat) return { event: 'heartbeat', data: '', id: ev.cursor };
  const view = { ...ctx, now: new Date() };
  if (ev.payload?.$case === 'user') {
    // The card follows the user (status, tags, last interaction); the reply box is re-drawn
    // only when a window opens or closes (on any identity shown), so a draft is never wiped.
    const user = ev.payload.user;
    state.identities.set(user.id, user);
    const viewed = state.identities.get(state.viewed)!;
    const identities = [...state.identities.values()];
    const reachable = reachableKey(identities, view.now);
    const card: string =
      user.id === state.viewed
        ? await (
            <>
              <UserCard user={user} ctx={view} oob={true} />
              <ReviewFreshness user={user} oob={true} />
            </>
          )
        : '';
    const several = identities.length > 1;
    const reply: string =
      reachable !== state.reachable
        ? await (
            <ReplyForm
              user={viewed}
              identities={several ? identities : undefined}
              preferred={state.marks ? undefined : state.viewed}
              ctx={view}
              oob={true}
            />
          )
        : '';
    state.reachable = reachable;
    if (!card && !reply) return undefined;
    return { event: 'user-updated', data: card + reply, id: ev.cursor };
  }
  if (load && ev.payload?.$case === 'fact') {
    const list: string = await (
      <FactsList facts={await load.facts(ev.userId)} ctx={view} oob={true} />
    );
    return { event: 'facts-updated', data: list, id: ev.cursor };
  }
  if (load && ev.payload?.$case === 'logEntry') {
    const log = await load.log(ev.userId);
    const entries: string = await (
      <LogEntries log={log} user={{ id: ev.userId }} ctx={view} oob={true} />
    );
    return { event: 'log-updated', data: entries, id: ev.cursor };
  }
  if (load && ev.payload?.$case === 'review') {
    const { user, reviews } = await load.reviews(ev.userId);
    if (!user) return undefined;
    const section: string = await (
      <ReviewSection user={user} reviews={reviews} ctx={view} oob={true} />
    );
    return { event: 'review-updated', data: section, id: ev.cursor };
  }
  if (ev.payload?.$case !== 'message') return undefined;
  const created = ev.kind === EventKind.MESSAGE_CREATED;
  // Updates replace the bubble in place (out-of-band swap by its id).
  const m = ev.payload.message;
  const data: string = await (
    <MessageBubble m={m} ctx={view} oob={!created} source={markOf(m, state.marks)} />
  );
  return { event: created ? 'message-created' : 'message-updated', data, id: ev.cursor };
}

export function eventsRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/users/:id/events', (c) => {
    const userId = c.req.param('id');
    if (!isSafeId(userId)) throw AppError.notFound('user');
    const lastEventId = (c.req.header('last-event-id') ?? '').slice(0, 512);
    const ctx = c.get('view');
    // Reverse proxies (nginx) must pass events through as they come, not buffer them.
    c.header('X-Accel-Buffering', 'no');
    return streamSSE(c, async (stream) => {
      const abort = new AbortController();
      stream.onAbort(() => abort.abort());
      const initial = await deps.profiles
        .getUser({ lookup: { $case: 'id', id: userId } })
        .catch(() => undefined);
      // The reply box offers every identity of the person in both views; only the timeline
      // across channels (scope=person) follows the other identities' messages too.
      const person = await loadPerson(deps, userId, { named: false }).catch(() => undefined);
      const acrossChannels = c.req.query('scope') === 'person';
      const identities = person?.person.identities.some((i) => i.id === userId)
        ? person.person.identities
        : initial?.user
          ? [initial.user]
          : [];
      const state: StreamState = {
        viewed: userId,
        identities: new Map(identities.map((i) => [i.id, i])),
        reachable: reachableKey(identities, new Date()),
        marks: acrossChannels && identities.length > 1 ? marksOf(identities) : undefined,
      };
      const loaders: SseLoaders = {
        facts: async (id) => (await deps.profiles.listFacts({ userId: id })).facts,
        log: async (id) =>
          (await deps.profiles.listLogEntries({ userId: id, pageSize: 100 })).entries,
        reviews: async (id) => {
          const [user, reviews] = await Promise.all([
            deps.profiles.getUser({ lookup: { $case: 'id', id } }),
            loadReviews(deps, id),
          ]);
          return { user: user.user, reviews };
        },
      };
      const watched = state.marks ? [...state.identities.keys()] : [userId];
      const cursors = decodeCursors(lastEventId, watched);
      // One writer at a time: the watches of several identities share the response.
      let writing = Promise.resolve();
      const write = (msg: SSEMessage): Promise<void> =>
        (writing = writing.then(() => stream.writeSSE(msg)));
      await write({ event: 'ready', data: '' });
      const pump = async (id: string, cursor: string): Promise<void> => {
        for await (const ev of deps.profiles.watchEvents(
          { userId: id, cursor, kinds: id === userId ? KINDS : PERSON_KINDS },
          abort.signal,
        )) {
          cursors.set(id, ev.cursor);
          // Another identity's heartbeat only moves its cursor; the page's own says it is live.
          if (ev.heartbeat && id !== userId) continue;
          const msg = await toSse(ev, { ctx, state, load: loaders });
          if (msg) await write({ ...msg, id: encodeCursors(cursors) });
        }
      };
      const follow = (id: string): Promise<void> => {
        const from = cursors.get(id) ?? '';
        return pump(id, from).catch((err: unknown) => {
          // A Last-Event-ID profiles does not recognise: start from now rather than have the
          // browser reconnect with it forever.
          if (from && err instanceof AppError && err.code === 'INVALID_ARGUMENT')
            return pump(id, '');
          throw err;
        });
      };
      try {
        await Promise.all(
          watched.map((id) =>
            follow(id).catch((err: unknown) => {
              abort.abort();
              throw err;
            }),
          ),
        );
      } catch (err) {
        // Ending the response makes the browser reconnect (with Last-Event-ID) shortly.
        if (!stream.aborted) deps.log.warn({ err, userId }, 'watch stream ended');
      }
    });
  });

  return app;
}
