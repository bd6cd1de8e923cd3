// Events that could not be published (Redis down) are kept in MongoDB and published later, so a
// change is never lost to watchers; they arrive late and after newer events, but exactly once
// per stored change (the outbox entry is deleted only after its XADD succeeded).
import type { Logger } from '@ue/kit';
import { WatchEventsResponse } from '@ue/proto';
import type { StreamPublisher, StreamEvent } from '../redis/event-stream.js';
import { changeToStream } from '../grpc/to-proto.js';
import { newId } from '../../domain/ids.js';
import type { EventPublisher } from '../../app/ports.js';
import type { Collections } from './db.js';

export interface EventOutbox {
  publisher: EventPublisher;
  /** Publish what is waiting, oldest first; returns how many were published. */
  flush(limit?: number): Promise<number>;
}

const encode = (e: StreamEvent): string =>
  Buffer.from(
    WatchEventsResponse.encode({
      cursor: '',
      kind: e.kind,
      at: undefined,
      userId: e.userId,
      accountId: e.accountId,
      heartbeat: false,
      actor: e.actor,
      occurredAt: undefined,
      payload: e.payload,
    }).finish(),
  ).toString('base64');

function decode(s: string): StreamEvent {
  const r = WatchEventsResponse.decode(Buffer.from(s, 'base64'));
  return {
    kind: r.kind,
    userId: r.userId,
    accountId: r.accountId,
    actor: r.actor,
    payload: r.payload,
  };
}

export function createEventOutbox(
  cols: Pick<Collections, 'outbox'>,
  direct: StreamPublisher,
  log: Logger,
): EventOutbox {
  return {
    publisher: {
      // The outbox first: a flush running meanwhile can still move one of its events to the
      // stream, which is then cleared after it.
      async eraseForUser(userId) {
        await cols.outbox.deleteMany({ userId });
        await direct.eraseUser(userId);
      },
      async publish(change) {
        const e = changeToStream(change);
        try {
          await direct.publish(e);
        } catch (err) {
          log.warn(
            { err, kind: e.kind, userId: e.userId },
            'event kept in the outbox until Redis answers',
          );
          await cols.outbox.insertOne({
            _id: newId('e'),
            event: encode(e),
            userId: e.userId,
            storedAt: new Date(),
          });
        }
      },
    },
    async flush(limit = 500) {
      const waiting = await cols.outbox.find({}).sort({ _id: 1 }).limit(limit).toArray();
      let published = 0;
      for (const doc of waiting) {
        await direct.publish(decode(doc.event));
        await cols.outbox.deleteOne({ _id: doc._id });
        published += 1;
      }
      return published;
    },
  };
}
