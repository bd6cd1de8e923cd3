// WatchEvents: a resumable server stream over the Redis Stream of changes. Each call uses its
// own Redis connection (XREAD BLOCK would stall a shared one) and closes it on cancel.
import { AppError } from '@ue/kit';
import { EventKind, type WatchEventsRequest, type WatchEventsResponse } from '@ue/proto';
import type { Redis } from 'ioredis';
import { isValidCursor, latestCursor, readAfter, type EntryKeys } from '../redis/event-stream.js';
import { optionalString } from '../../domain/limits.js';
import { ENUMS, requireEnum } from '../../app/enums.js';
import type { CallContext } from './wrap.js';

export interface WatchDeps {
  /** A fresh connection for one stream. */
  connect: () => Redis;
  stream: string;
  heartbeatMs: number;
}

function validate(req: WatchEventsRequest): void {
  if (req.cursor && !isValidCursor(req.cursor))
    throw AppError.invalid('cursor', 'not a cursor returned by WatchEvents');
  optionalString('user_id', req.userId, 128);
  optionalString('account_id', req.accountId, 64);
  req.kinds.forEach((k, i) => requireEnum(`kinds[${i}]`, ENUMS.eventKind, k));
}

function matches(req: WatchEventsRequest, e: EntryKeys): boolean {
  if (req.userId && e.userId !== req.userId) return false;
  if (req.accountId && e.accountId !== req.accountId) return false;
  return req.kinds.length === 0 || req.kinds.includes(e.kind);
}

export async function watchEvents(
  deps: WatchDeps,
  call: { req: WatchEventsRequest; ctx: CallContext },
  write: (r: WatchEventsResponse) => Promise<void>,
): Promise<void> {
  const { req, ctx } = call;
  validate(req);
  const conn = deps.connect();
  ctx.onCancel(() => conn.disconnect());
  try {
    let cursor = req.cursor || (await latestCursor(conn, deps.stream));
    let lastWrite = Date.now();
    while (!ctx.isCancelled()) {
      const read = await readAfter(conn, {
        stream: deps.stream,
        cursor,
        blockMs: Math.min(deps.heartbeatMs, 5000),
        accept: (k) => matches(req, k),
        keysOnly: req.keysOnly,
      }).catch((err: unknown) => {
        if (ctx.isCancelled()) return { entries: [], last: '' };
        throw err;
      });
      for (const entry of read.entries) {
        await write(entry.event);
        lastWrite = Date.now();
      }
      if (read.last) cursor = read.last;
      if (!ctx.isCancelled() && Date.now() - lastWrite >= deps.heartbeatMs) {
        await write({
          cursor,
          kind: EventKind.UNSPECIFIED,
          at: new Date(),
          userId: '',
          accountId: '',
          heartbeat: true,
          actor: undefined,
          occurredAt: undefined,
          payload: undefined,
        });
        lastWrite = Date.now();
      }
    }
  } finally {
    conn.disconnect();
  }
}
