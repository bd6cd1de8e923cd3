// Words for what an AI review says (docs/review.md): score bands, sentiment, trend, who owes an
// action item, criteria names and measured durations. Pure; colour always comes with a word.
import { ActionOwner, Sentiment, SentimentTrend, type ReviewSummary, type User } from '@ue/proto';

export type ScoreBand = 'bad' | 'mid' | 'good';

/** Below 50 went badly, below 75 so-so, the rest well. */
export function scoreBand(score: number): ScoreBand {
  if (score < 50) return 'bad';
  if (score < 75) return 'mid';
  return 'good';
}

export const BAND_LABEL: Record<ScoreBand, string> = { bad: 'poor', mid: 'fair', good: 'good' };

export function sentimentLabel(s: Sentiment): string {
  return (
    {
      [Sentiment.POSITIVE]: 'positive',
      [Sentiment.NEUTRAL]: 'neutral',
      [Sentiment.NEGATIVE]: 'negative',
    }[s as number] ?? 'unknown'
  );
}

/** The arrow is decoration; the word carries the meaning. */
export function trendLabel(t: SentimentTrend): { arrow: string; word: string } | undefined {
  switch (t) {
    case SentimentTrend.IMPROVING:
      return { arrow: '↗', word: 'improving' };
    case SentimentTrend.STABLE:
      return { arrow: '→', word: 'stable' };
    case SentimentTrend.WORSENING:
      return { arrow: '↘', word: 'worsening' };
    default:
      return undefined;
  }
}

export function ownerLabel(o: ActionOwner): string {
  return (
    {
      [ActionOwner.AGENT]: 'agent',
      [ActionOwner.HUMAN]: 'human',
      [ActionOwner.CUSTOMER]: 'customer',
    }[o as number] ?? 'unassigned'
  );
}

const CRITERIA: Record<string, string> = {
  answered_questions: 'Answered the questions',
  response_time: 'Response time',
  correct_information: 'Correct information',
  tone: 'Tone',
  escalation: 'Escalation',
};

/** Known criteria by name; a key we do not know yet is shown as words ("follow_up" → "Follow up"). */
export function criterionLabel(key: string): string {
  const known = CRITERIA[key];
  if (known) return known;
  const words = key.replace(/[_-]+/g, ' ').trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : 'Criterion';
}

/** "40 s", "3 min", "1.5 h", "2 days"; "—" when unset (never answered). */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined) return '—';
  const s = ms / 1000;
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86400 * 2) return `${(s / 3600).toFixed(1)} h`;
  return `${Math.round(s / 86400)} days`;
}

/** A summary that points at a successful review (not only failed attempts). */
export function hasReview(r: ReviewSummary | undefined): boolean {
  return Boolean(r?.hasReview);
}

/** Messages arrived after the newest one the latest review covers. */
export function updatePending(u: Pick<User, 'review' | 'lastInteractionAt'>): boolean {
  const covered = u.review?.coveredUntil;
  return Boolean(
    hasReview(u.review) && covered && u.lastInteractionAt && covered < u.lastInteractionAt,
  );
}

export const isLocalProvider = (provider: string): boolean => provider === 'local';

const LANGUAGES = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' });

/** "German (de)" for a BCP 47 tag the model detected; the tag itself when Intl does not know it. */
export function languageName(tag: string): string {
  if (!tag) return 'an unknown language';
  try {
    const name = LANGUAGES.of(tag);
    return name && name !== tag ? `${name} (${tag})` : tag;
  } catch {
    // Not a well-formed tag: shown as the model wrote it (as text).
    return tag;
  }
}
