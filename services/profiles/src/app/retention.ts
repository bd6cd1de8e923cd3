// Retention per account and data class (issue 14): messages, their media, raw deliveries and
// review texts older than the account's period are removed by a sweep every process runs
// periodically (main.ts). Counters on users are never touched, and a removed message leaves a
// content-free stats row behind, so counts and GetStats' figures survive. Every step is
// idempotent: two processes sweeping at once, or a sweep cut short, leave nothing half-done that
// the next sweep does not finish.
import type { ExpiringMessage, Ports, RetentionDays } from './ports.js';

const DAY_MS = 86_400_000;

export interface RetentionReport {
  messages: number;
  media: number;
  deliveries: number;
  reviews: number;
}

export interface SweepOptions {
  /** Documents per step (default 500). */
  batch?: number;
  /** Steps per class and account in one sweep, so one sweep stays bounded (default 20). */
  maxBatches?: number;
}

type SweepPorts = Pick<Ports, 'retention' | 'media' | 'logger' | 'now'>;
interface Step {
  deps: SweepPorts;
  accountId: string;
  now: Date;
  batch: number;
  maxBatches: number;
}

const cutoff = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS);

async function deleteFiles(deps: SweepPorts, msgs: ExpiringMessage[]): Promise<void> {
  for (const m of msgs) for (const f of m.fileIds) await deps.media.delete(f);
}

/** Files first: a sweep cut short between the two leaves a message whose file is gone, which
 * the next sweep removes; never a file nothing points to. */
async function expireMessages(s: Step, days: number): Promise<number> {
  const before = cutoff(s.now, days);
  let removed = 0;
  for (let i = 0; i < s.maxBatches; i++) {
    const msgs = await s.deps.retention.messagesBefore({
      accountId: s.accountId,
      before,
      limit: s.batch,
    });
    if (msgs.length === 0) break;
    await deleteFiles(s.deps, msgs);
    removed += await s.deps.retention.retireMessages(
      msgs.map((m) => m.id),
      s.now,
    );
    await s.deps.retention.tidyUsers({ removed: msgs });
    if (msgs.length < s.batch) break;
  }
  return removed;
}

async function expireMedia(s: Step, days: number): Promise<number> {
  const before = cutoff(s.now, days);
  let removed = 0;
  for (let i = 0; i < s.maxBatches; i++) {
    const msgs = await s.deps.retention.mediaBefore({
      accountId: s.accountId,
      before,
      limit: s.batch,
    });
    if (msgs.length === 0) break;
    await deleteFiles(s.deps, msgs);
    await s.deps.retention.markMediaExpired({
      ids: msgs.map((m) => m.id),
      at: s.now,
      reason: `removed after ${days} days (the account's retention)`,
    });
    removed += msgs.length;
    if (msgs.length < s.batch) break;
  }
  return removed;
}

async function expireReviewTexts(s: Step, days: number): Promise<number> {
  const before = cutoff(s.now, days);
  let removed = 0;
  for (let i = 0; i < s.maxBatches; i++) {
    const n = await s.deps.retention.redactReviewsBefore({
      accountId: s.accountId,
      before,
      at: s.now,
      limit: s.batch,
    });
    removed += n;
    if (n < s.batch) break;
  }
  return removed;
}

async function sweepAccount(s: Step, days: RetentionDays, report: RetentionReport) {
  // Messages before media: removing a message removes its files too.
  if (days.messagesDays > 0) report.messages += await expireMessages(s, days.messagesDays);
  if (days.mediaDays > 0) report.media += await expireMedia(s, days.mediaDays);
  if (days.deliveriesDays > 0)
    report.deliveries += await s.deps.retention.deleteDeliveriesBefore({
      accountId: s.accountId,
      before: cutoff(s.now, days.deliveriesDays),
    });
  if (days.reviewTextsDays > 0) report.reviews += await expireReviewTexts(s, days.reviewTextsDays);
}

/** One sweep over every account with a policy; an account that fails does not stop the others. */
export async function sweepRetention(
  deps: SweepPorts,
  opts: SweepOptions = {},
): Promise<RetentionReport> {
  const report: RetentionReport = { messages: 0, media: 0, deliveries: 0, reviews: 0 };
  const now = deps.now();
  for (const p of await deps.retention.policies()) {
    const step: Step = {
      deps,
      accountId: p.accountId,
      now,
      batch: opts.batch ?? 500,
      maxBatches: opts.maxBatches ?? 20,
    };
    try {
      await sweepAccount(step, p.days, report);
    } catch (err) {
      deps.logger.warn({ err, account: p.accountId }, 'retention sweep of an account failed');
    }
  }
  return report;
}
