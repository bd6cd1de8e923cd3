import type { Fact, LogEntry, Message, Review, User } from '@ue/proto';
import { retentionNotice } from './accounts-format.js';
import { AccountSource } from './channel-icon.js';
import { href, type ViewCtx } from './context.js';
import { displayName } from './format.js';
import { Layout } from './layout.js';
import { OlderMessages, ReplyForm, type ChannelMarks } from './conversation.js';
import { PersonPanel, type PersonFormState, type PersonModel } from './person-panel.js';
import { ReviewSection } from './review-section.js';
import { UserCard } from './user-card.js';
import { FactsSection, LogSection } from './user-sidebar.js';
import { userPath } from './user-path.js';

export { OlderMessages, ReplyForm } from './conversation.js';
export { UserCard } from './user-card.js';
export { FactsSection, LogSection } from './user-sidebar.js';
export { ReviewFreshness, ReviewSection } from './review-section.js';

/** Which messages the page shows: the person's timeline across channels, or one conversation. */
export type Timeline = 'person' | 'conversation';

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
  /** The person of this identity; undefined when profiles could not say (one conversation). */
  person?: PersonModel;
  /** 'person' only when the person has several identities. */
  timeline?: Timeline;
  /** A refused person action, shown at its form. */
  personState?: PersonFormState;
  /** The result of a person action (merge, unmerge, split). */
  personNotice?: string;
}

/** Bubble marks for a timeline across the person's identities. */
export function marksOf(identities: User[]): ChannelMarks {
  return new Map(identities.map((i) => [i.id, { accountId: i.accountId, channel: i.channel }]));
}

/** "Messages older than 30 days are not kept for this account." per account that drops some. */
function RetentionNotes(props: { identities: User[]; ctx: ViewCtx }) {
  const { ctx } = props;
  const seen = new Set<string>();
  const notes = props.identities.flatMap((i) => {
    const notice = retentionNotice(ctx.accounts?.get(i.accountId)?.retention);
    if (!notice || seen.has(i.accountId)) return [];
    seen.add(i.accountId);
    return [{ i, notice }];
  });
  if (notes.length === 0) return null;
  return (
    <>
      {notes.map(({ i, notice }) => (
        <p class="retention-note small">
          {props.identities.length > 1 ? (
            <>
              <AccountSource of={i} accounts={ctx.accounts} />:{' '}
            </>
          ) : null}
          {notice}
        </p>
      ))}
    </>
  );
}

/** All channels (the person's timeline) or only this identity's conversation. */
function TimelineToggle(props: { user: User; timeline: Timeline; ctx: ViewCtx }) {
  const { user, ctx } = props;
  const all = props.timeline === 'person';
  return (
    <nav class="segmented" aria-label="Messages shown">
      <a href={userPath(ctx, user)} aria-current={all ? 'page' : undefined}>
        All channels
      </a>
      <a
        href={userPath(ctx, user, '?timeline=conversation')}
        aria-current={all ? undefined : 'page'}
      >
        This conversation
      </a>
    </nav>
  );
}

function ConversationSection(m: UserPageModel) {
  const { ctx, user } = m;
  const identities = m.person?.person.identities ?? [user];
  const several = identities.length > 1;
  const timeline = several ? (m.timeline ?? 'person') : 'conversation';
  const all = timeline === 'person';
  return (
    <section
      id="conversation"
      class="conversation card"
      aria-labelledby="conv-h"
      hx-ext="sse"
      sse-connect={userPath(ctx, user, all ? '/events?scope=person' : '/events')}
    >
      <div class="section-head">
        <h2 id="conv-h">{all ? 'Timeline across channels' : 'Conversation'}</h2>
        {several ? <TimelineToggle user={user} timeline={timeline} ctx={ctx} /> : null}
      </div>
      <RetentionNotes identities={all ? identities : [user]} ctx={ctx} />
      <div class="live" sse-swap="message-created" hx-target="#messages" hx-swap="afterbegin"></div>
      <div class="live" sse-swap="message-updated" hx-swap="none"></div>
      <div class="live" sse-swap="user-updated" hx-swap="none"></div>
      <div class="live" sse-swap="facts-updated" hx-swap="none"></div>
      <div class="live" sse-swap="log-updated" hx-swap="none"></div>
      <div class="live" sse-swap="review-updated" hx-swap="none"></div>
      {/* Heartbeats carry the latest cursor (Last-Event-ID) and tell tests the watch is live. */}
      <div class="live" id="sse-heartbeat" sse-swap="heartbeat" hx-swap="none"></div>
      <div id="messages" class="messages" role="log" aria-live="polite" tabindex={0}>
        <OlderMessages
          messages={m.messages}
          olderUrl={m.olderUrl}
          ctx={ctx}
          marks={all ? marksOf(identities) : undefined}
        />
      </div>
      <ReplyForm
        user={user}
        ctx={ctx}
        identities={several ? identities : undefined}
        preferred={all ? undefined : user.id}
      />
    </section>
  );
}

/** Everything inside <main>: what a person action (merge, unmerge) redraws. */
export function UserMain(m: UserPageModel) {
  const { ctx, user } = m;
  return (
    <>
      <p class="crumbs">
        <a href={href(ctx, '/users')}>← Users</a>
      </p>
      <div class="user-grid">
        <ConversationSection {...m} />
        <div class="side">
          <UserCard user={user} ctx={ctx} notice={m.notice} />
          {m.person ? (
            <PersonPanel
              user={user}
              model={m.person}
              ctx={ctx}
              state={m.personState}
              notice={m.personNotice}
            />
          ) : null}
          <ReviewSection user={user} reviews={m.reviews} ctx={ctx} />
          <FactsSection user={user} facts={m.facts} ctx={ctx} />
          <LogSection user={user} log={m.log} ctx={ctx} />
        </div>
      </div>
    </>
  );
}

export function UserPage(m: UserPageModel) {
  return (
    <Layout title={displayName(m.user)} ctx={m.ctx} area="users">
      <UserMain {...m} />
    </Layout>
  );
}
