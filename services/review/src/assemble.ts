// From turns, signals and the model's answer to the Review that RecordReview takes (contract
// mapping, no I/O).
// The score itself is computed by profiles from these criteria and the cap (one formula, one
// place); the reviewer supplies the criteria, the measured one included.
import {
  ActionOwner,
  ReviewState,
  Sentiment,
  SentimentTrend,
  type Review,
  type ReviewCriterion,
} from '@ue/proto';
import type { Prompt } from './domain/prompt.js';
import { CRITERIA, type ModelAnswer } from './domain/schema.js';
import { responseTimeScore, type Signals } from './domain/signals.js';
import type { Turn } from './domain/turn.js';

const SENTIMENT: Record<ModelAnswer['sentiment'], Sentiment> = {
  positive: Sentiment.POSITIVE,
  neutral: Sentiment.NEUTRAL,
  negative: Sentiment.NEGATIVE,
};
const TREND: Record<ModelAnswer['sentiment_trend'], SentimentTrend> = {
  improving: SentimentTrend.IMPROVING,
  stable: SentimentTrend.STABLE,
  worsening: SentimentTrend.WORSENING,
};
const OWNER: Record<ModelAnswer['action_items'][number]['owner'], ActionOwner> = {
  agent: ActionOwner.AGENT,
  human: ActionOwner.HUMAN,
  customer: ActionOwner.CUSTOMER,
};

export interface ReviewBasis {
  userId: string;
  turns: readonly Turn[];
  signals: Signals;
  provider: string;
  model: string;
  prompt: Pick<Prompt, 'version'>;
  displayLanguage: string;
  durationMs: number;
}

function range(turns: readonly Turn[]): Review['range'] {
  const first = turns[0]!;
  const last = turns[turns.length - 1]!;
  return {
    firstMessageId: first.id,
    lastMessageId: last.id,
    firstAt: first.at,
    lastAt: last.at,
    messageCount: turns.length,
  };
}

function signalsProto(s: Signals): Review['signals'] {
  return {
    ...(s.firstResponseMs !== undefined ? { firstResponseMs: s.firstResponseMs } : {}),
    ...(s.medianResponseMs !== undefined ? { medianResponseMs: s.medianResponseMs } : {}),
    unansweredQuestions: s.unansweredQuestions,
    failedDeliveries: s.failedDeliveries,
    humanTakeovers: s.humanTakeovers,
    inboundMessages: s.inboundMessages,
    outboundMessages: s.outboundMessages,
    scoreCap: s.scoreCap,
    capReasons: s.capReasons,
  };
}

function base(b: ReviewBasis): Partial<Review> {
  return {
    userId: b.userId,
    range: range(b.turns),
    signals: signalsProto(b.signals),
    provider: b.provider,
    model: b.model,
    promptVersion: b.prompt.version,
    displayLanguage: b.displayLanguage,
    durationMs: Math.round(b.durationMs),
  };
}

export function doneReview(b: ReviewBasis, a: ModelAnswer): Partial<Review> {
  const measured = responseTimeScore(b.signals);
  const criteria: ReviewCriterion[] = CRITERIA.map((c) => {
    const judged = c.judged ? a.criteria[c.key] : measured;
    return {
      key: c.key,
      score: judged.score,
      reason: judged.reason,
      weight: c.weight,
      measured: !c.judged,
    };
  });
  return {
    ...base(b),
    state: ReviewState.DONE,
    summary: a.summary,
    conversationLanguage: a.conversation_language,
    topics: a.topics,
    sentiment: SENTIMENT[a.sentiment],
    sentimentTrend: TREND[a.sentiment_trend],
    actionItems: a.action_items.map((i) => ({ text: i.text, owner: OWNER[i.owner] })),
    criteria,
  };
}

export function failedReview(b: ReviewBasis, error: string): Partial<Review> {
  return { ...base(b), state: ReviewState.FAILED, error: error.slice(0, 1000) };
}
