// The parts of one review on the user page: what the model said (summary, topics, sentiment,
// action items), how the score came about (criteria beside the measured signals) and where it
// came from (model, provider, range). Everything the model wrote is text, never markup.
import type { Review, ReviewSignals } from '@ue/proto';
import type { ViewCtx } from './context.js';
import { messageAnchor } from './message-bubble.js';
import { criterionLabel, formatMs, languageName, ownerLabel, trendLabel } from './review-format.js';
import { ScoreBadge, SentimentPill } from './review-badges.js';
import { Time } from './time.js';

export function ReviewBody(props: { r: Review }) {
  const { r } = props;
  const trend = trendLabel(r.sentimentTrend);
  return (
    <>
      <div class="review-marks">
        <ScoreBadge score={r.score} large={true} /> <SentimentPill sentiment={r.sentiment} />{' '}
        {trend ? (
          <span class="trend">
            <span aria-hidden="true">{trend.arrow}</span> {trend.word}
          </span>
        ) : null}
      </div>
      <p class="review-summary" dir="auto">
        {r.summary}
      </p>
      <p class="small muted">
        Conversation in {languageName(r.conversationLanguage)}
        {r.displayLanguage && r.displayLanguage !== r.conversationLanguage
          ? `; review written in ${languageName(r.displayLanguage)}`
          : ''}
      </p>
      {r.topics.length > 0 ? (
        <ul class="chips" aria-label="Topics">
          {r.topics.map((t) => (
            <li class="tag" dir="auto">
              {t}
            </li>
          ))}
        </ul>
      ) : null}
      <ActionItems r={r} />
    </>
  );
}

function ActionItems(props: { r: Review }) {
  const items = props.r.actionItems;
  return (
    <>
      <h3 class="h3">Action items</h3>
      {items.length === 0 ? <p class="muted small">None.</p> : null}
      <ul class="actions">
        {items.map((a) => (
          <li>
            <span class={`owner owner-${ownerLabel(a.owner)}`}>
              <span class="sr-only">Owed by the </span>
              {ownerLabel(a.owner)}
            </span>{' '}
            <span dir="auto">{a.text}</span>
          </li>
        ))}
      </ul>
    </>
  );
}

/** How the score came about, and that the measured cap bounds whatever the model judged. */
function ScoreExplained(props: { r: Review }) {
  const { r } = props;
  const cap = r.signals?.scoreCap ?? 100;
  if (r.uncappedScore > r.score) {
    return (
      <p class="small">
        The criteria add up to {r.uncappedScore}; the measured signals cap the score at {cap}, so it
        is <strong>{r.score}</strong> of 100.
      </p>
    );
  }
  return (
    <p class="small">
      Score <strong>{r.score}</strong> of 100, the weighted sum of the criteria below;{' '}
      {cap < 100 ? `the measured signals would cap it at ${cap}.` : 'nothing measured caps it.'}
    </p>
  );
}

export function CriteriaTable(props: { r: Review }) {
  const { r } = props;
  return (
    <div class="criteria-wrap">
      <h3 class="h3">Score</h3>
      <ScoreExplained r={r} />
      <table class="criteria small">
        <caption class="sr-only">Score criteria</caption>
        <thead>
          <tr>
            <th scope="col">Criterion</th>
            <th scope="col">Score</th>
            <th scope="col">Weight</th>
            <th scope="col">Source</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {r.criteria.map((c) => (
            <tr>
              <th scope="row">{criterionLabel(c.key)}</th>
              <td data-label="Score">{c.score}/10</td>
              <td data-label="Weight">{c.weight}%</td>
              <td data-label="Source">
                <span class={`source source-${c.measured ? 'measured' : 'model'}`}>
                  {c.measured ? 'measured' : 'model'}
                </span>
              </td>
              <td data-label="Reason" dir="auto">
                {c.reason}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function SignalsList(props: { s: ReviewSignals | undefined }) {
  const s = props.s;
  if (!s) return <p class="muted small">No measured signals recorded.</p>;
  const rows: [string, string][] = [
    ['First response', formatMs(s.firstResponseMs)],
    ['Median response', formatMs(s.medianResponseMs)],
    ['Unanswered customer questions', String(s.unansweredQuestions)],
    ['Failed deliveries', String(s.failedDeliveries)],
    ['Human takeovers', String(s.humanTakeovers)],
    ['Messages', `${s.inboundMessages} received, ${s.outboundMessages} sent`],
  ];
  return (
    <div class="signals">
      <h3 class="h3">Measured signals</h3>
      <dl class="fields">
        {rows.map(([k, v]) => (
          <>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </>
        ))}
        <dt>Score cap</dt>
        <dd>
          {s.scoreCap >= 100 ? 'none (100)' : <strong>{s.scoreCap}</strong>}
          {s.capReasons.length > 0 ? (
            <ul class="cap-reasons">
              {s.capReasons.map((c) => (
                <li dir="auto">{c}</li>
              ))}
            </ul>
          ) : null}
        </dd>
      </dl>
      <p class="muted small">
        Counted from the messages, without a model. The score can never be higher than the cap.
      </p>
    </div>
  );
}

export function ReviewMeta(props: { r: Review; ctx: ViewCtx }) {
  const { r, ctx } = props;
  const range = r.range;
  return (
    <dl class="fields small review-meta">
      <dt>Reviewed</dt>
      <dd>
        <Time at={r.reviewedAt} ctx={ctx} />
        {r.durationMs > 0 ? ` in ${formatMs(r.durationMs)}` : ''}
      </dd>
      <dt>Model</dt>
      <dd>{r.model || '—'}</dd>
      <dt>Provider</dt>
      <dd>{r.provider || '—'}</dd>
      <dt>Prompt version</dt>
      <dd>{r.promptVersion || '—'}</dd>
      <dt>Covers</dt>
      <dd>
        {range ? (
          <>
            {range.messageCount} {range.messageCount === 1 ? 'message' : 'messages'},{' '}
            <Time at={range.firstAt} ctx={ctx} absolute={true} /> to{' '}
            {range.lastMessageId ? (
              <a href={`#${messageAnchor(range.lastMessageId)}`}>
                <Time at={range.lastAt} ctx={ctx} absolute={true} />
              </a>
            ) : (
              <Time at={range.lastAt} ctx={ctx} absolute={true} />
            )}
          </>
        ) : (
          '—'
        )}
      </dd>
    </dl>
  );
}
