import type { Fact, LogEntry, Message, Review, User } from '@ue/proto';
import { href, type ViewCtx } from './context.js';
import { displayName } from './format.js';
import { Layout } from './layout.js';
import { OlderMessages, ReplyForm } from './conversation.js';
import { ReviewSection } from './review-section.js';
import { UserCard } from './user-card.js';
import { FactsSection, LogSection } from './user-sidebar.js';
import { userPath } from './user-path.js';

export { OlderMessages, ReplyForm, replyWindowOpen } from './conversation.js';
export { UserCard } from './user-card.js';
export { FactsSection, LogSection } from './user-sidebar.js';
export { ReviewFreshness, ReviewSection } from './review-section.js';

export interface UserPageModel {
  user: User;
  facts: Fact[];
  log: LogEntry[];
  messages: Message[];
  /** ListReviews, newest first; undefined when they could not be loaded. */
  reviews: Review[] | undefined;
  /** URL of the partial with older messages, when there are any. */
  olderUrl?: string;
  ctx: ViewCtx;
  notice?: string;
}

export function UserPage(m: UserPageModel) {
  const { ctx, user } = m;
  return (
    <Layout title={displayName(user)} ctx={ctx} area="users">
      <p class="crumbs">
        <a href={href(ctx, '/users')}>← Users</a>
      </p>
      <div class="user-grid">
        <section
          class="conversation card"
          aria-labelledby="conv-h"
          hx-ext="sse"
          sse-connect={userPath(ctx, user, '/events')}
        >
          <h2 id="conv-h">Conversation</h2>
          <div
            class="live"
            sse-swap="message-created"
            hx-target="#messages"
            hx-swap="afterbegin"
          ></div>
          <div class="live" sse-swap="message-updated" hx-swap="none"></div>
          <div class="live" sse-swap="user-updated" hx-swap="none"></div>
          <div class="live" sse-swap="facts-updated" hx-swap="none"></div>
          <div class="live" sse-swap="log-updated" hx-swap="none"></div>
          <div class="live" sse-swap="review-updated" hx-swap="none"></div>
          {/* Heartbeats carry the latest cursor (Last-Event-ID) and tell tests the watch is live. */}
          <div class="live" id="sse-heartbeat" sse-swap="heartbeat" hx-swap="none"></div>
          <div id="messages" class="messages" role="log" aria-live="polite" tabindex={0}>
            <OlderMessages messages={m.messages} olderUrl={m.olderUrl} ctx={ctx} />
          </div>
          <ReplyForm user={user} ctx={ctx} />
        </section>
        <div class="side">
          <UserCard user={user} ctx={ctx} notice={m.notice} />
          <ReviewSection user={user} reviews={m.reviews} ctx={ctx} />
          <FactsSection user={user} facts={m.facts} ctx={ctx} />
          <LogSection user={user} log={m.log} ctx={ctx} />
        </div>
      </div>
    </Layout>
  );
}
