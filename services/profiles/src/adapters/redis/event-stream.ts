// Live events on a Redis Stream. Each change is one XADD (approximate MAXLEN trim); readers use
// XREAD BLOCK from a cursor (the entry id), so a client resuming with its last cursor gets every
// later entry exactly once. Entries carry the filter fields in clear and the WatchEventsResponse
// (without cursor) as protobuf bytes.
import type { Actor, EventKind } from '@ue/proto';
import { WatchEventsResponse } from '@ue/proto';
import type { Redis } from 'ioredis';

export interface StreamEvent {
  kind: EventKind;
  userId: string;
  accountId: string;
  /** Who caused it, for the kinds that carry it (REVIEW_REQUESTED). */
  actor: Actor | undefined;
  payload: WatchEventsResponse['payload'];
}

/** Appends to the Redis Stream; the outbox (adapters/mongo/event-outbox.ts) wraps it. */
export interface StreamPublisher {
  publish(e: StreamEvent): Promise<void>;
  /** XDEL every entry of one user (EraseUser); how many. */
  eraseUser(userId: string): Promise<number>;
}

const ERASE_PAGE = 1000;

export interface StreamEntry {
  cursor: string;
  event: WatchEventsResponse;
}

export function createEventPublisher(
  redis: Redis,
  stream: string,
  maxLen: number,
): StreamPublisher {
  return {
    async publish(e) {
      const body = WatchEventsResponse.encode({
        cursor: '',
        kind: e.kind,
        at: new Date(),
        userId: e.userId,
        accountId: e.accountId,
        heartbeat: false,
        actor: e.actor,
        payload: e.payload,
      }).finish();
      await redis.xaddBuffer(
        stream,
        'MAXLEN',
        '~',
        String(maxLen),
        '*',
        'kind',
        String(e.kind),
        'user',
        e.userId,
        'account',
        e.accountId,
        'pb',
        Buffer.from(body),
      );
    },
    // One pass over the stream (bounded by EVENTS_MAXLEN), by pages, reading the clear "user"
    // field of each entry; exclusive starts ("(id", Redis 6.2) so no entry is read twice.
    async eraseUser(userId) {
      let start = '-';
      let erased = 0;
      for (;;) {
        const page = await redis.xrangeBuffer(stream, start, '+', 'COUNT', ERASE_PAGE);
        const ids = page
          .filter(([, raw]) => fieldsOf(raw).get('user')?.toString() === userId)
          .map(([id]) => id.toString());
        if (ids.length > 0) erased += await redis.xdel(stream, ...ids);
        const last = page[page.length - 1];
        if (!last || page.length < ERASE_PAGE) return erased;
        start = `(${last[0].toString()}`;
      }
    },
  };
}

function fieldsOf(raw: Buffer[]): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  for (let i = 0; i + 1 < raw.length; i += 2) m.set(raw[i]!.toString(), raw[i + 1]!);
  return m;
}

/** Blocking read of entries after `cursor` (a stream id; "$" = only new ones). */
export async function readAfter(
  redis: Redis,
  r: { stream: string; cursor: string; blockMs: number },
): Promise<StreamEntry[]> {
  const { stream, cursor, blockMs } = r;
  const res = await redis.xreadBuffer('COUNT', 200, 'BLOCK', blockMs, 'STREAMS', stream, cursor);
  if (!res) return [];
  const out: StreamEntry[] = [];
  for (const [, entries] of res) {
    for (const [id, raw] of entries) {
      const pb = fieldsOf(raw).get('pb');
      if (!pb) continue;
      const event = WatchEventsResponse.decode(pb);
      out.push({ cursor: id.toString(), event: { ...event, cursor: id.toString() } });
    }
  }
  return out;
}

/** The id of the newest entry ("0-0" for an empty stream): where a "from now" reader starts. */
export async function latestCursor(redis: Redis, stream: string): Promise<string> {
  const last = (await redis.xrevrange(stream, '+', '-', 'COUNT', 1)) as [string, string[]][];
  return last[0]?.[0] ?? '0-0';
}

const U64_MAX = 2n ** 64n - 1n;

/** A stream entry id as Redis accepts it: two unsigned 64-bit numbers ("1700000000000-0"). */
export function isValidCursor(c: string): boolean {
  const m = /^(\d{1,20})-(\d{1,20})$/.exec(c);
  return !!m && BigInt(m[1]!) <= U64_MAX && BigInt(m[2]!) <= U64_MAX;
}
