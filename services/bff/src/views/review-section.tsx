// The user page's Review section: the latest AI review in full, the earlier attempts, and the
// "Review now" action. Swapped whole when a review is recorded (SSE) or requested.
import { ReviewState, type Review, type User } from '@ue/proto';
import type { ViewCtx } from './context.js';
import { CriteriaTable, ReviewBody, ReviewMeta, SignalsList } from './review-details.js';
import { hasReview, isLocalProvider, updatePending } from './review-format.js';
import { ScoreBadge, SentimentPill } from './review-badges.js';
import { Time } from './time.js';
import { UserActionForm } from './user-action-form.js';

export interface ReviewSectionModel {
  user: User;
  /** ListReviews, newest first; undefined when profiles could not be asked. */
  reviews: Review[] | undefined;
  ctx: ViewCtx;
  notice?: string;
  oob?: boolean;
}

/** The review the list shows for this user, else the newest successful one. */
export function currentReview(user: User, reviews: Review[]): Review | undefined {
  const done = reviews.filter((r) => r.state === ReviewState.DONE);
  return done.find((r) => r.id === user.review?.reviewId) ?? done[0];
}

/** Whether new messages arrived since the review; re-drawn on its own with every user update. */
export function ReviewFreshness(props: { user: User; oob?: boolean }) {
  return (
    <p
      id="review-freshness"
      class="notice small"
      role="status"
      hx-swap-oob={props.oob ? 'true' : undefined}
    >
      {updatePending(props.user)
        ? 'Update pending: new messages arrived after this review; it is redone shortly.'
        : ''}
    </p>
  );
}

function ReviewNow(props: { user: User; ctx: ViewCtx }) {
  if (props.user.erasedAt) return null;
  return (
    <UserActionForm ctx={props.ctx} user={props.user} path="/review" panel="#review">
      <button type="submit" class="secondary small">
        Review now
      </button>
    </UserActionForm>
  );
}

function LastFailure(props: { user: User; current: Review | undefined; ctx: ViewCtx }) {
  const s = props.user.review;
  if (!s?.lastError) return null;
  const at = s.lastErrorAt;
  const reviewedAt = props.current?.reviewedAt;
  if (at && reviewedAt && at < reviewedAt) return null;
  return (
    <p class="error small">
      The latest review attempt failed <Time at={at} ctx={props.ctx} />: <bdi>{s.lastError}</bdi>
      {props.current ? ' The review below is the last one that worked.' : ''}
    </p>
  );
}

function CurrentReview(props: { r: Review; ctx: ViewCtx }) {
  const { r, ctx } = props;
  return (
    <>
      {isLocalProvider(r.provider) ? (
        <p class="local-note small" role="note">
          Reviewed by a local model — check it against the measured signals.
        </p>
      ) : null}
      <ReviewBody r={r} />
      <div class="review-grid">
        <CriteriaTable r={r} />
        <SignalsList s={r.signals} />
      </div>
      <ReviewMeta r={r} ctx={ctx} />
    </>
  );
}

/** When the full review is not at hand (not loaded), what the user's summary says. */
function SummaryOnly(props: { user: User }) {
  const s = props.user.review;
  if (!s) return null;
  return (
    <>
      <div class="review-marks">
        <ScoreBadge score={s.score} large={true} /> <SentimentPill sentiment={s.sentiment} />
      </div>
      <p class="review-summary" dir="auto">
        {s.headline}
      </p>
    </>
  );
}

function ReviewHistory(props: { reviews: Review[]; ctx: ViewCtx }) {
  if (props.reviews.length === 0) return null;
  return (
    <details class="review-history small">
      <summary>Earlier reviews and attempts ({props.reviews.length})</summary>
      <ol>
        {props.reviews.map((r) => (
          <li class={r.state === ReviewState.FAILED ? 'failed' : undefined}>
            <Time at={r.reviewedAt} ctx={props.ctx} />{' '}
            {r.state === ReviewState.FAILED ? (
              <span class="error-text">
                failed: <bdi>{r.error || 'no reason given'}</bdi>
              </span>
            ) : (
              <>
                <ScoreBadge score={r.score} /> <SentimentPill sentiment={r.sentiment} />{' '}
                <span class="history-summary" dir="auto">
                  {r.summary}
                </span>
              </>
            )}
            <span class="muted">
              {' '}
              · {r.model || 'unknown model'} ({r.provider || 'unknown provider'})
            </span>
          </li>
        ))}
      </ol>
    </details>
  );
}

export function ReviewSection(m: ReviewSectionModel) {
  const { user, ctx } = m;
  const reviews = m.reviews ?? [];
  const current = currentReview(user, reviews);
  return (
    <section
      id="review"
      class="card review"
      aria-labelledby="review-h"
      hx-swap-oob={m.oob ? 'true' : undefined}
    >
      <div class="section-head">
        <h2 id="review-h">Review</h2>
        <ReviewNow user={user} ctx={ctx} />
      </div>
      {m.notice ? (
        <p class="notice small" role="status">
          {m.notice}
        </p>
      ) : null}
      {m.reviews === undefined ? (
        <p class="error small">Reviews could not be loaded. Reload the page to try again.</p>
      ) : null}
      <LastFailure user={user} current={current} ctx={ctx} />
      {current ? (
        <>
          <ReviewFreshness user={user} />
          <CurrentReview r={current} ctx={ctx} />
        </>
      ) : hasReview(user.review) ? (
        <>
          <ReviewFreshness user={user} />
          <SummaryOnly user={user} />
        </>
      ) : (
        <>
          <p class="muted">
            Review pending — conversations are reviewed about 10 minutes after their last message.
          </p>
          <ReviewFreshness user={user} />
        </>
      )}
      <ReviewHistory reviews={reviews.filter((r) => r !== current)} ctx={ctx} />
    </section>
  );
}
