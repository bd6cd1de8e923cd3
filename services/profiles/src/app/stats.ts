// GetStats: bounded range queries on indexed times, aggregated in code.
import { AppError } from '@ue/kit';
import {
  DeliveryStatus,
  Direction,
  LogEntryKind,
  LogEntryState,
  MessageType,
  StatsBucket,
  UserStatus,
  type GetStatsRequest,
  type GetStatsResponse,
  type StatsPoint,
} from '@ue/proto';
import { bucketStart, bucketStarts, isValidTimeZone, median } from '../domain/buckets.js';
import { LIMITS, optionalString } from '../domain/limits.js';
import type { AppDeps } from './deps.js';

const MAX_MESSAGES = 500_000;

interface Row {
  userId: string;
  direction: Direction;
  sentAt: Date;
  status: DeliveryStatus;
  type: MessageType;
}

function parse(req: GetStatsRequest) {
  if (!req.from) throw AppError.invalid('from', 'required');
  if (!req.to) throw AppError.invalid('to', 'required');
  if (req.to <= req.from) throw AppError.invalid('to', 'must be after from');
  const zone = req.timeZone || 'UTC';
  if (!isValidTimeZone(zone)) throw AppError.invalid('time_zone', 'not an IANA time zone');
  const unit: 'hour' | 'day' = req.bucket === StatsBucket.HOUR ? 'hour' : 'day';
  const starts = bucketStarts(
    req.from.getTime(),
    req.to.getTime(),
    unit,
    zone,
    LIMITS.statsBucketsMax + 1,
  );
  if (starts.length > LIMITS.statsBucketsMax)
    throw AppError.invalid('to', `range covers more than ${LIMITS.statsBucketsMax} buckets`);
  return {
    from: req.from,
    to: req.to,
    zone,
    unit: unit,
    starts,
    accountId: optionalString('account_id', req.accountId, 64),
  };
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
  deps: AppDeps,
  req: GetStatsRequest,
  maxTimeMS: number,
): Promise<GetStatsResponse> {
  const p = parse(req);
  const acct = p.accountId ? { accountId: p.accountId } : {};
  const rows = (
    await deps.cols.messages
      .find(
        { ...acct, sentAt: { $gte: p.from, $lt: p.to } },
        { projection: { userId: 1, direction: 1, sentAt: 1, status: 1, 'content.type': 1 } },
      )
      .sort({ sentAt: 1 })
      .limit(MAX_MESSAGES)
      .maxTimeMS(maxTimeMS)
      .toArray()
  )
    .filter((m) => m.content?.type !== MessageType.SYSTEM)
    .map((m) => ({
      userId: m.userId,
      direction: m.direction,
      sentAt: m.sentAt!,
      status: m.status,
      type: m.content?.type ?? 0,
    }));
  const created = await deps.cols.users
    .find({ ...acct, createdAt: { $gte: p.from, $lt: p.to } }, { projection: { createdAt: 1 } })
    .maxTimeMS(maxTimeMS)
    .toArray();
  const index = new Map(p.starts.map((s, i) => [s, i]));
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
  const at = (t: number) => points[index.get(bucketStart(t, p.unit, p.zone)) ?? -1];
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
  for (const u of created) {
    const pt = u.createdAt ? at(u.createdAt.getTime()) : undefined;
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
    statusMix: await statusMix(deps, acct),
    totals: await totals(deps, acct, series, median(rts.map((r) => r.seconds))),
  };
}

async function statusMix(deps: AppDeps, acct: { accountId?: string }) {
  const statuses = Object.values(UserStatus).filter(
    (v): v is UserStatus => typeof v === 'number' && Number(v) >= 0,
  );
  const counts = await Promise.all(
    statuses.map(async (status) => ({
      status,
      users: await deps.cols.users.countDocuments({
        ...acct,
        status,
        erasedAt: { $exists: false },
      }),
    })),
  );
  return counts.filter((c) => c.users > 0);
}

async function totals(
  deps: AppDeps,
  acct: { accountId?: string },
  series: StatsPoint[],
  med: number | undefined,
) {
  const live = { ...acct, erasedAt: { $exists: false } };
  const sum = (f: (p: StatsPoint) => number) => series.reduce((a, p) => a + f(p), 0);
  return {
    users: await deps.cols.users.countDocuments(live),
    inboundMessages: sum((p) => p.inboundMessages),
    outboundMessages: sum((p) => p.outboundMessages),
    needsReply: await deps.cols.users.countDocuments({ ...live, needsReply: true }),
    paused: await deps.cols.users.countDocuments({ ...live, paused: true }),
    overdueFollowUps: await deps.cols.logEntries.countDocuments({
      ...acct,
      state: LogEntryState.OPEN,
      kind: { $in: [LogEntryKind.FOLLOW_UP, LogEntryKind.PROACTIVE] },
      dueAt: { $lt: deps.now() },
    }),
    failedDeliveries: sum((p) => p.failedDeliveries),
    medianFirstResponseSeconds: med,
  };
}
