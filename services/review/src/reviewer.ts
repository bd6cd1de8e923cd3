// One review job: read the conversation over gRPC like any agent, measure the signals, ask the
// model, record the review (or the failed attempt and its reason) through RecordReview.
import { randomUUID } from 'node:crypto';
import { isAppError, type Logger } from '@ue/kit';
import type { ProfilesClient } from '@ue/profiles-client';
import { ListMessagesRequest, RecordReviewRequest, type Review } from '@ue/proto';
import pRetry from 'p-retry';
import { doneReview, failedReview, type ReviewBasis } from './assemble.js';
import { buildPrompt } from './domain/prompt.js';
import { measureSignals } from './domain/signals.js';
import { toTurns } from './turns.js';
import type { ReviewModel } from './models/model.js';
import type { Metrics } from './ops/metrics.js';

export interface ReviewJob {
  userId: string;
  /** Asked for by someone ("review now"): review even when nothing new arrived. */
  force?: boolean;
}

/**
 * A failed attempt is not an outcome: it is recorded, then thrown for BullMQ to retry.
 * `quietAt`: the conversation had a message less than a quiet time ago (a message whose job was
 * not re-delayed, schedule.ts), so the job waits until then (epoch ms).
 */
export type Outcome = 'reviewed' | 'skipped' | { quietAt: number };

export interface ReviewerDeps {
  profiles: ProfilesClient;
  model: ReviewModel;
  prompt: { version: string; instructions: string };
  displayLanguage: string;
  /** A review waits this long after the conversation's last message (unless asked for). */
  quietMs: number;
  maxMessages: number;
  maxChars: number;
  metrics: Metrics;
  log: Logger;
}

export async function reviewConversation(d: ReviewerDeps, job: ReviewJob): Promise<Outcome> {
  const user = await d.profiles
    .call('getUser', { lookup: { $case: 'id', id: job.userId } })
    .then((r) => r.user)
    .catch((err: unknown) => {
      if (isAppError(err) && err.code === 'NOT_FOUND') return undefined;
      throw err;
    });
  if (!user || user.erasedAt) return skip(d, 'gone');
  const page = await d.profiles.call(
    'listMessages',
    ListMessagesRequest.fromPartial({ userId: job.userId, pageSize: d.maxMessages }),
  );
  const turns = toTurns(page.messages);
  if (turns.length === 0) return skip(d, 'empty');
  const newest = turns[turns.length - 1]!.at;
  const covered = user.review?.hasReview ? user.review.coveredUntil : undefined;
  if (!job.force && covered && covered.getTime() >= newest.getTime()) return skip(d, 'up to date');
  // Slack (a tenth of the quiet time, at most a second): a job delayed to exactly this time is
  // not sent back again for timer jitter.
  const quietAt = newest.getTime() + d.quietMs;
  if (!job.force && quietAt > Date.now() + Math.min(1000, d.quietMs / 10)) return { quietAt };

  const signals = measureSignals(turns);
  const prompt = buildPrompt({
    version: d.prompt.version,
    instructions: d.prompt.instructions,
    turns,
    signals,
    displayLanguage: d.displayLanguage,
    maxChars: d.maxChars,
  });
  const started = performance.now();
  const basis = (): ReviewBasis => ({
    userId: job.userId,
    turns,
    signals,
    provider: d.model.provider,
    model: d.model.name,
    prompt,
    displayLanguage: d.displayLanguage,
    durationMs: performance.now() - started,
  });
  let answer;
  try {
    answer = await d.model.review(prompt);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    await record(d, failedReview(basis(), reason));
    d.metrics.reviews.inc({ provider: d.model.provider, outcome: 'failed' });
    // Never the conversation's text: the reason names the server's status or the invalid field.
    d.log.warn({ reason: reason.slice(0, 200) }, 'review failed; retried later');
    throw err;
  }
  const review = doneReview(basis(), answer);
  await record(d, review);
  d.metrics.reviews.inc({ provider: d.model.provider, outcome: 'reviewed' });
  d.metrics.reviewSeconds.observe((performance.now() - started) / 1000);
  return 'reviewed';
}

/**
 * RecordReview with an idempotency key: when profiles is briefly unreachable or the reply is
 * lost, the call is repeated with the same key and stores the review once.
 */
async function record(d: ReviewerDeps, review: Partial<Review>): Promise<void> {
  const req = RecordReviewRequest.fromPartial({ review, clientId: randomUUID() });
  await pRetry(() => d.profiles.call('recordReview', req), {
    retries: 3,
    minTimeout: 200,
    shouldRetry: ({ error }) =>
      isAppError(error) && (error.code === 'UNAVAILABLE' || error.code === 'DEADLINE_EXCEEDED'),
  });
}

function skip(d: ReviewerDeps, why: string): Outcome {
  d.metrics.reviews.inc({ provider: d.model.provider, outcome: `skipped: ${why}` });
  return 'skipped';
}
