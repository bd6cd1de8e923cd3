// The figures profiles derives from an AI review: the quality score (computed here whatever the
// reviewer sent, so every stored score follows one definition), the headline list rows show, and
// the score band GetStats counts a user in.

export const REVIEW_LIMITS = {
  summaryLength: 2000,
  topics: 12,
  topicLength: 60,
  actionItems: 20,
  actionTextLength: 500,
  criteria: 10,
  criterionKeyLength: 40,
  criterionScoreMax: 10,
  weightMax: 100,
  /** The weights of a review's criteria add up to exactly this. */
  weightTotal: 100,
  reasonLength: 1000,
  scoreCapMax: 100,
  capReasons: 10,
  capReasonLength: 200,
  languageLength: 20,
  /** provider, model, prompt_version. */
  labelLength: 100,
  errorLength: 1000,
  /** RecordReview client_id, the caller's idempotency key. */
  clientIdLength: 100,
  pageSizeMax: 50,
  pageSizeDefault: 10,
  headlineCodePoints: 160,
  /** ListUsers score_below: 1..this. */
  scoreMax: 100,
} as const;

export interface WeightedScore {
  /** 0..10. */
  score: number;
  /** 1..100; a review's weights sum to 100. */
  weight: number;
}

/**
 * uncapped = round(Σ score × weight / 10), half up: 0..100 for scores 0..10 and weights summing to
 * 100; the score is that, capped by what the measured signals allow (`cap`). Integer arithmetic,
 * so no binary fraction decides a rounding.
 */
export function reviewScore(
  criteria: readonly WeightedScore[],
  cap: number,
): { score: number; uncapped: number } {
  const total = criteria.reduce((sum, c) => sum + c.score * c.weight, 0);
  const uncapped = Math.floor((total + 5) / 10);
  return { uncapped, score: Math.min(uncapped, cap) };
}

// Sentence boundaries as Unicode defines them (UAX #29, through ICU): "3.5 kg" is one sentence,
// "。" and "！" end one. The rules are the same for every language, so one segmenter serves all.
const SENTENCES = new Intl.Segmenter('en', { granularity: 'sentence' });

/**
 * The first sentence of a summary, whitespace collapsed, cut to 160 code points (never inside a
 * surrogate pair; a cut one ends in "…").
 */
export function headline(summary: string): string {
  const text = summary.replace(/\s+/gu, ' ').trim();
  const first = SENTENCES.segment(text)[Symbol.iterator]().next();
  const sentence = (first.done ? '' : first.value.segment).trim();
  const points = [...sentence];
  if (points.length <= REVIEW_LIMITS.headlineCodePoints) return sentence;
  return `${points
    .slice(0, REVIEW_LIMITS.headlineCodePoints - 1)
    .join('')
    .trimEnd()}…`;
}

/** Band of a score for GetStats: [0,10) is 0 … [80,90) is 8, [90,100] is 9. */
export function scoreBand(score: number): number {
  return Math.max(0, Math.min(9, Math.floor(score / 10)));
}
