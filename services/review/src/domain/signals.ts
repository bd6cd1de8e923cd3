// Signals measured without a model (docs/review.md, "Signals"): response times, customer
// questions nobody answered, failed deliveries, human takeovers, and the score cap they imply.
// The model judges what only reading can judge; these are facts, and they bound its score.
import type { Turn } from './turn.js';

export interface Signals {
  firstResponseMs?: number;
  medianResponseMs?: number;
  unansweredQuestions: number;
  failedDeliveries: number;
  humanTakeovers: number;
  inboundMessages: number;
  outboundMessages: number;
  scoreCap: number;
  capReasons: string[];
}

// Question marks of the scripts customers write in (Latin, Spanish opening, Arabic, full-width).
const QUESTION = /[?¿؟？]/u;

export function isQuestion(text: string): boolean {
  return QUESTION.test(text);
}

function median(xs: number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : Math.round((s[mid - 1]! + s[mid]!) / 2);
}

/** Score caps; the lowest that applies wins. */
export const CAPS = {
  noReply: 30,
  unansweredFirst: 80,
  unansweredStep: 10,
  unansweredFloor: 40,
  failedDelivery: 90,
} as const;

export function measureSignals(turns: readonly Turn[]): Signals {
  const responses: number[] = [];
  let turnStart: Date | undefined;
  let lastOutbound: Turn | undefined;
  let humanTakeovers = 0;
  let inbound = 0;
  let outbound = 0;
  let failed = 0;
  for (const t of turns) {
    if (t.speaker === 'customer') {
      inbound += 1;
      // A customer turn starts with the first message after a reply (or the first of all).
      turnStart ??= t.at;
      continue;
    }
    outbound += 1;
    if (t.failed) failed += 1;
    if (t.speaker === 'human' && lastOutbound?.speaker !== 'human') humanTakeovers += 1;
    if (turnStart && !t.failed) {
      responses.push(t.at.getTime() - turnStart.getTime());
      turnStart = undefined;
    }
    lastOutbound = t;
  }
  // Questions after the last delivered reply (or all of them when nobody replied).
  const lastReplyAt = [...turns].reverse().find((t) => t.speaker !== 'customer' && !t.failed)?.at;
  const unanswered = turns.filter(
    (t) =>
      t.speaker === 'customer' &&
      isQuestion(t.text) &&
      (!lastReplyAt || t.at.getTime() > lastReplyAt.getTime()),
  ).length;

  const caps: Array<[number, string]> = [];
  if (inbound > 0 && responses.length === 0)
    caps.push([CAPS.noReply, 'the customer never got a delivered reply']);
  if (unanswered > 0)
    caps.push([
      Math.max(CAPS.unansweredFloor, CAPS.unansweredFirst - CAPS.unansweredStep * (unanswered - 1)),
      unanswered === 1
        ? 'a customer question is unanswered'
        : `${unanswered} customer questions are unanswered`,
    ]);
  if (failed > 0)
    caps.push([
      CAPS.failedDelivery,
      failed === 1 ? 'a reply was not delivered' : `${failed} replies were not delivered`,
    ]);
  const scoreCap = Math.min(100, ...caps.map(([c]) => c));
  const signals: Signals = {
    unansweredQuestions: unanswered,
    failedDeliveries: failed,
    humanTakeovers,
    inboundMessages: inbound,
    outboundMessages: outbound,
    scoreCap,
    capReasons: caps.sort(([a], [b]) => a - b).map(([, why]) => why),
  };
  if (responses.length) {
    signals.firstResponseMs = responses[0]!;
    signals.medianResponseMs = median(responses)!;
  }
  return signals;
}

/** The measured criterion: 0..10 from the median response time. */
export function responseTimeScore(s: Signals): { score: number; reason: string } {
  const m = s.medianResponseMs;
  if (m === undefined) return { score: 0, reason: 'no customer message got a reply' };
  const minutes = m / 60_000;
  const bands: Array<[number, number]> = [
    [1, 10],
    [5, 8],
    [15, 6],
    [60, 4],
    [24 * 60, 2],
  ];
  const score = bands.find(([limit]) => minutes <= limit)?.[1] ?? 0;
  return { score, reason: `median reply time ${formatDuration(m)}` };
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.round(h / 24)} days`;
}
