// The small pieces of a review shown wherever a user appears: the score badge, the sentiment,
// and the list row's review cell. Model-written text (the headline) is plain text.
import type { Sentiment, User } from '@ue/proto';
import {
  BAND_LABEL,
  hasReview,
  isLocalProvider,
  scoreBand,
  sentimentLabel,
  updatePending,
} from './review-format.js';

/** "62 fair": the band is said in words as well as in colour. */
export function ScoreBadge(props: { score: number; large?: boolean }) {
  const band = scoreBand(props.score);
  return (
    <span
      class={`score score-${band}${props.large ? ' score-lg' : ''}`}
      title={`Quality score ${props.score} of 100 (${BAND_LABEL[band]})`}
    >
      <span class="score-n">{props.score}</span>
      <span class="sr-only"> of 100,</span> <span class="score-w">{BAND_LABEL[band]}</span>
    </span>
  );
}

export function SentimentPill(props: { sentiment: Sentiment }) {
  const word = sentimentLabel(props.sentiment);
  return (
    <span class={`sentiment sentiment-${word}`}>
      <span class="sr-only">Sentiment: </span>
      {word}
    </span>
  );
}

export function LocalModelMark() {
  return (
    <span class="badge badge-local" title="Reviewed by a local model">
      local model
    </span>
  );
}

/** The users list's review column: score, sentiment, headline, or why there is none yet. */
export function ReviewCell(props: { user: Pick<User, 'review' | 'lastInteractionAt'> }) {
  const r = props.user.review;
  if (!r || !hasReview(r)) {
    return (
      <>
        <span class="badge badge-pending">review pending</span>
        {r?.lastError ? <span class="badge badge-danger">last attempt failed</span> : null}
      </>
    );
  }
  return (
    <>
      <span class="review-marks">
        <ScoreBadge score={r.score} /> <SentimentPill sentiment={r.sentiment} />{' '}
        {r.openActionItems > 0 ? (
          <span class="badge badge-warn">
            {r.openActionItems} open {r.openActionItems === 1 ? 'action' : 'actions'}
          </span>
        ) : null}
        {isLocalProvider(r.provider) ? <LocalModelMark /> : null}{' '}
        {updatePending(props.user) ? <span class="badge">update pending</span> : null}
      </span>
      {r.headline ? (
        <span class="headline" dir="auto">
          {r.headline}
        </span>
      ) : null}
    </>
  );
}
