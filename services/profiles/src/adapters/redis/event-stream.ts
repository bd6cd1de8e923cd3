// Live events on a Redis Stream. Each change is one XADD (approximate MAXLEN trim); readers use
// XREAD BLOCK from a cursor (the entry id), so a client resuming with its last cursor gets every
// later entry exactly once. Entries carry the filter fields (and a message's sent time) in clear
// and the WatchEventsResponse (without cursor) as protobuf bytes, so a reader filters, and a
// keys-only reader answers, without decoding the payload.
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
      const occurredAt = occurredAtOf(e.payload);
      const body = WatchEventsResponse.encode({
        cursor: '',
        kind: e.kind,
        at: new Date(),
        userId: e.userId,
        accountId: e.accountId,
        heartbeat: false,
        actor: e.actor,
        occurredAt,
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
        'occ',
        occurredAt ? String(occurredAt.getTime()) : '',
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

/** When what an event is about happened, where that differs from when it was stored. */
function occurredAtOf(payload: WatchEventsResponse['payload']): Date | undefined {
  return payload?.$case === 'message' ? payload.message.sentAt : undefined;
}

/** The clear fields of an entry, which a reader filters on before decoding anything. */
export interface EntryKeys {
  kind: EventKind;
  userId: string;
  accountId: string;
}

export interface ReadRequest {
  stream: string;
  /** Entries after this stream id ("$" = only new ones). */
  cursor: string;
  blockMs: number;
  /** Entries it rejects are passed over (their cursor still advances) without being decoded. */
  accept?: (k: EntryKeys) => boolean;
  /** Answer from the clear fields only: no payload, no actor (WatchEventsRequest.keys_only). */
  keysOnly?: boolean;
}

export interface ReadResult {
  entries: StreamEntry[];
  /** The id of the last entry read, matched or not ("" when none). */
  last: string;
}

/** Blocking read of entries after `cursor`. */
export async function readAfter(redis: Redis, r: ReadRequest): Promise<ReadResult> {
  const res = await redis.xreadBuffer(
    'COUNT',
    200,
    'BLOCK',
    r.blockMs,
    'STREAMS',
    r.stream,
    r.cursor,
  );
  const out: ReadResult = { entries: [], last: '' };
  for (const [, entries] of res ?? []) {
    for (const [rawId, raw] of entries) {
      const id = rawId.toString();
      out.last = id;
      const f = fieldsOf(raw);
      const pb = f.get('pb');
      if (!pb) continue;
      const keys: EntryKeys = {
        kind: Number(f.get('kind')?.toString() ?? 0),
        userId: f.get('user')?.toString() ?? '',
        accountId: f.get('account')?.toString() ?? '',
      };
      if (r.accept && !r.accept(keys)) continue;
      const event = r.keysOnly
        ? keysOnlyEvent(id, keys, f.get('occ')?.toString())
        : { ...WatchEventsResponse.decode(pb), cursor: id };
      out.entries.push({ cursor: id, event });
    }
  }
  return out;
}

function keysOnlyEvent(id: string, k: EntryKeys, occ: string | undefined): WatchEventsResponse {
  return {
    cursor: id,
    kind: k.kind,
    // The stream id starts with the milliseconds at which Redis stored the entry.
    at: new Date(Number(id.slice(0, id.indexOf('-')))),
    userId: k.userId,
    accountId: k.accountId,
    heartbeat: false,
    actor: undefined,
    occurredAt: occ ? new Date(Number(occ)) : undefined,
    payload: undefined,
  };
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
