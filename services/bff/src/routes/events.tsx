// Live updates for an open user page: profiles' WatchEvents (filtered by user) turned into
// HTML fragments over SSE. The SSE id is profiles' cursor, so a reconnect resumes with
// Last-Event-ID where it left off.
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
import type { ViewCtx } from '../views/context.js';
import { MessageBubble } from '../views/message-bubble.js';
import {
  ReplyForm,
  replyWindowOpen,
  ReviewFreshness,
  ReviewSection,
  UserCard,
} from '../views/user-page.js';
import { FactsList, LogEntries } from '../views/user-sidebar.js';
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

/** Per-stream memory: whether the reply box was last drawn open. */
interface StreamState {
  windowOpen: boolean;
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
    // only when the 24 h window opens or closes, so a draft is never wiped.
    const user = ev.payload.user;
    const open = replyWindowOpen(user, view.now);
    const card: string = await (
      <>
        <UserCard user={user} ctx={view} oob={true} />
        <ReviewFreshness user={user} oob={true} />
      </>
    );
    const reply: string =
      open !== state.windowOpen ? await (<ReplyForm user={user} ctx={view} oob={true} />) : '';
    state.windowOpen = open;
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
  const data: string = await (<MessageBubble m={ev.payload.message} ctx={view} oob={!created} />);
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
      const state: StreamState = {
        windowOpen: initial?.user ? replyWindowOpen(initial.user, new Date()) : false,
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
      await stream.writeSSE({ event: 'ready', data: '' });
      const pump = async (cursor: string): Promise<void> => {
        for await (const ev of deps.profiles.watchEvents(
          { userId, cursor, kinds: KINDS },
          abort.signal,
        )) {
          const msg = await toSse(ev, { ctx, state, load: loaders });
          if (msg) await stream.writeSSE(msg);
        }
      };
      try {
        await pump(lastEventId).catch((err: unknown) => {
          // A Last-Event-ID profiles does not recognise: start from now rather than have the
          // browser reconnect with it forever.
          if (lastEventId && err instanceof AppError && err.code === 'INVALID_ARGUMENT')
            return pump('');
          throw err;
        });
      } catch (err) {
        // Ending the response makes the browser reconnect (with Last-Event-ID) shortly.
        if (!abort.signal.aborted) deps.log.warn({ err, userId }, 'watch stream ended');
      }
    });
  });

  return app;
}
