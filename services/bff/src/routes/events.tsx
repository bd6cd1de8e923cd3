// Live updates for an open user page: profiles' WatchEvents (filtered by user) turned into
// HTML fragments over SSE. The SSE id is profiles' cursor, so a reconnect resumes with
// Last-Event-ID where it left off.
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { AppError } from '@ue/kit';
import { EventKind } from '@ue/proto';
import type { AppDeps, AppEnv } from '../http/types.js';
import { MessageBubble } from '../views/message-bubble.js';
import { ReplyForm, replyWindowOpen, UserCard } from '../views/user-page.js';
import { isSafeId } from './users-query.js';

export function eventsRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/users/:id/events', (c) => {
    const userId = c.req.param('id');
    if (!isSafeId(userId)) throw AppError.notFound('user');
    const cursor = (c.req.header('last-event-id') ?? '').slice(0, 512);
    const ctx = c.get('view');
    // Reverse proxies (nginx) must pass events through as they come, not buffer them.
    c.header('X-Accel-Buffering', 'no');
    return streamSSE(c, async (stream) => {
      const abort = new AbortController();
      stream.onAbort(() => abort.abort());
      const initial = await deps.profiles.getUser({ lookup: { $case: 'id', id: userId } }).catch(() => undefined);
      let windowOpen = initial?.user ? replyWindowOpen(initial.user, new Date()) : false;
      await stream.writeSSE({ event: 'ready', data: '' });
      try {
        for await (const ev of deps.profiles.watchEvents(
          { userId, cursor, kinds: [EventKind.MESSAGE_CREATED, EventKind.MESSAGE_UPDATED, EventKind.STATUS_CHANGED, EventKind.USER_UPDATED] },
          abort.signal,
        )) {
          if (ev.heartbeat) {
            await stream.writeSSE({ event: 'heartbeat', data: '', id: ev.cursor });
            continue;
          }
          const now = new Date();
          if (ev.payload?.$case === 'user') {
            // The card follows the user (status, tags, last interaction); the reply box is
            // re-drawn only when the 24 h window opens or closes, so a draft is never wiped.
            const user = ev.payload.user;
            const open = replyWindowOpen(user, now);
            const card: string = await (<UserCard user={user} ctx={{ ...ctx, now }} oob={true} />);
            const reply: string = open !== windowOpen ? await (<ReplyForm user={user} ctx={{ ...ctx, now }} oob={true} />) : '';
            windowOpen = open;
            await stream.writeSSE({ event: 'user-updated', data: card + reply, id: ev.cursor });
            continue;
          }
          if (ev.payload?.$case !== 'message') continue;
          const created = ev.kind === EventKind.MESSAGE_CREATED;
          // Updates replace the bubble in place (out-of-band swap by its id).
          const html = <MessageBubble m={ev.payload.message} ctx={{ ...ctx, now }} oob={!created} />;
          const data: string = await html;
          await stream.writeSSE({ event: created ? 'message-created' : 'message-updated', data, id: ev.cursor });
        }
      } catch (err) {
        if (!abort.signal.aborted) deps.log.warn({ err, userId }, 'watch stream ended');
      }
    });
  });

  return app;
}
