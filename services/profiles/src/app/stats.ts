// GetStats: bounded range queries on indexed times, aggregated in code (review figures too).
import { AppError } from '@ue/kit';
import {
  DeliveryStatus,
  Direction,
  Sentiment,
  StatsBucket,
  type GetStatsRequest,
  type GetStatsResponse,
  type ReviewStats,
  type StatsPoint,
} from '@ue/proto';
import { bucketStart, bucketStarts, isValidTimeZone, median } from '../domain/buckets.js';
import { LIMITS, optionalString, requireTime } from '../domain/limits.js';
import { scoreBand } from '../domain/review.js';
import { checkEnum, ENUMS } from './enums.js';
import type { Ports, StatsRow } from './ports.js';

const MAX_MESSAGES = 500_000;
const MAX_REVIEWS = 500_000;

type Row = StatsRow;
type StatsPorts = Pick<Ports, 'stats' | 'log' | 'now'>;

function parse(req: GetStatsRequest) {
  const from = requireTime('from', req.from);
  const to = requireTime('to', req.to);
  if (to <= from) throw AppError.invalid('to', 'must be after from');
  const zone = optionalString('time_zone', req.timeZone, 64) || 'UTC';
  if (!isValidTimeZone(zone)) throw AppError.invalid('time_zone', 'not an IANA time zone');
  const bucket = checkEnum('bucket', ENUMS.statsBucket, req.bucket);
  const unit: 'hour' | 'day' = bucket === StatsBucket.HOUR ? 'hour' : 'day';
  const starts = bucketStarts({
    from: from.getTime(),
    to: to.getTime(),
    unit,
    zone,
    max: LIMITS.statsBucketsMax + 1,
  });
  if (starts.length > LIMITS.statsBucketsMax)
    throw AppError.invalid('to', `range covers more than ${LIMITS.statsBucketsMax} buckets`);
  return {
    from,
    to,
    zone,
    unit: unit,
    starts,
    accountId: optionalString('account_id', req.accountId, 64),
  };
}

type Parsed = ReturnType<typeof parse>;

/** The bucket (index into `starts`) a time falls in; undefined outside the range. */
function slotOf(p: Parsed): (t: number) => number | undefined {
  const index = new Map(p.starts.map((s, i) => [s, i]));
  return (t) => index.get(bucketStart(t, p.unit, p.zone));
}

/** Seconds from the first unanswered inbound to our next outbound, keyed by the inbound's time. */
function responseTimes(rows: Row[]): { at: number; seconds: number }[] {
  const byUser = new Map<string, Row[]>();
  for (const r of rows) byUser.set(r.userId, [...(byUser.get(r.userId) ?? []), r]);
  const out: { at: number; seconds: number }[] = [];
  for (const list of byUser.values()) {
    let waiting: number | undefined;
    for (const r of list) {
      const t = r.sentAt.getTime();
      if (r.direction === Direction.INBOUND && waiting === undefined) waiting = t;
      if (r.direction === Direction.OUTBOUND && waiting !== undefined) {
        out.push({ at: waiting, seconds: (t - waiting) / 1000 });
        waiting = undefined;
      }
    }
  }
  return out;
}

export async function getStats(
  deps: StatsPorts,
  req: GetStatsRequest,
  maxTimeMS: number,
): Promise<GetStatsResponse> {
  const p = parse(req);
  const range = { accountId: p.accountId || undefined, from: p.from, to: p.to, maxTimeMS };
  const rows = await deps.stats.messagesBetween({ ...range, limit: MAX_MESSAGES });
  const created = await deps.stats.usersCreatedBetween(range);
  const slot = slotOf(p);
  const points: (StatsPoint & { active: Set<string>; rt: number[] })[] = p.starts.map((s) => ({
    bucketStart: new Date(s),
    inboundMessages: 0,
    outboundMessages: 0,
    newUsers: 0,
    activeUsers: 0,
    medianFirstResponseSeconds: undefined,
    failedDeliveries: 0,
    active: new Set<string>(),
    rt: [],
  }));
  const at = (t: number) => points[slot(t) ?? -1];
  for (const r of rows) {
    const pt = at(r.sentAt.getTime());
    if (!pt) continue;
    if (r.direction === Direction.INBOUND) {
      pt.inboundMessages += 1;
      pt.active.add(r.userId);
    } else {
      pt.outboundMessages += 1;
      if (r.status === DeliveryStatus.FAILED) pt.failedDeliveries += 1;
    }
  }
  for (const c of created) {
    const pt = at(c.getTime());
    if (pt) pt.newUsers += 1;
  }
  const rts = responseTimes(rows);
  for (const r of rts) at(r.at)?.rt.push(r.seconds);
  const series = points.map(({ active, rt, ...pt }) => ({
    ...pt,
    activeUsers: active.size,
    medianFirstResponseSeconds: median(rt),
  }));
  return {
    series,
    statusMix: await statusMix(deps, range.accountId),
    totals: await totals(deps, {
      accountId: range.accountId,
      series,
      med: median(rts.map((r) => r.seconds)),
    }),
    reviews: await reviewStats(deps, p, range),
  };
}

/**
 * The review figures. Users in scope: the live users of the account (or of all accounts) last
 * active in [from, to), as the contract's ReviewStats says. The user counts beside them (totals,
 * status mix) are not bound to the range, but a review describes a conversation, and a chart of
 * a period is about the conversations of that period (with `to` = now: every conversation active
 * since `from`). The same account scope as every other figure. The series: successful reviews
 * recorded in each bucket (the buckets and zone of the message series).
 */
async function reviewStats(
  deps: StatsPorts,
  p: Parsed,
  range: { accountId: string | undefined; from: Date; to: Date; maxTimeMS: number },
): Promise<ReviewStats> {
  const users = await deps.stats.reviewsOfActiveUsers(range);
  const bands: number[] = Array.from({ length: 10 }, () => 0);
  const sentiments = new Map<Sentiment, number>();
  let reviewed = 0;
  for (const u of users) {
    if (!u.reviewed) continue;
    reviewed += 1;
    bands[scoreBand(u.score)]! += 1;
    sentiments.set(u.sentiment, (sentiments.get(u.sentiment) ?? 0) + 1);
  }
  const done = await deps.stats.reviewsDoneBetween({ ...range, limit: MAX_REVIEWS });
  const slot = slotOf(p);
  const points = p.starts.map((s) => ({
    bucketStart: new Date(s),
    reviews: 0,
    negative: 0,
    sum: 0,
  }));
  for (const r of done) {
    const pt = points[slot(r.reviewedAt.getTime()) ?? -1];
    if (!pt) continue;
    pt.reviews += 1;
    pt.sum += r.score;
    if (r.sentiment === Sentiment.NEGATIVE) pt.negative += 1;
  }
  return {
    reviewedUsers: reviewed,
    pendingUsers: users.length - reviewed,
    scoreBands: bands,
    positive: sentiments.get(Sentiment.POSITIVE) ?? 0,
    neutral: sentiments.get(Sentiment.NEUTRAL) ?? 0,
    negative: sentiments.get(Sentiment.NEGATIVE) ?? 0,
    series: points.map(({ sum, ...pt }) => ({
      ...pt,
      meanScore: pt.reviews > 0 ? sum / pt.reviews : undefined,
    })),
  };
}

async function statusMix(deps: StatsPorts, accountId: string | undefined) {
  const statuses = [...ENUMS.userStatus];
  const counts = await Promise.all(
    statuses.map(async (status) => ({
      status,
      users: await deps.stats.countUsers({ accountId, status }),
    })),
  );
  return counts.filter((c) => c.users > 0);
}

async function totals(
  deps: StatsPorts,
  t: { accountId: string | undefined; series: StatsPoint[]; med: number | undefined },
) {
  const sum = (f: (p: StatsPoint) => number) => t.series.reduce((a, p) => a + f(p), 0);
  const { accountId } = t;
  return {
    users: await deps.stats.countUsers({ accountId }),
    inboundMessages: sum((p) => p.inboundMessages),
    outboundMessages: sum((p) => p.outboundMessages),
    needsReply: await deps.stats.countUsers({ accountId, needsReply: true }),
    paused: await deps.stats.countUsers({ accountId, paused: true }),
    overdueFollowUps: await deps.log.countOverdue({ accountId, now: deps.now() }),
    failedDeliveries: sum((p) => p.failedDeliveries),
    medianFirstResponseSeconds: t.med,
  };
}
