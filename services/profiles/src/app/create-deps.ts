// Wire repositories and adapters into the use cases' dependencies (used by main and by tests).
import type { Logger } from '@ue/kit';
import type { Redis } from 'ioredis';
import type { Mongo } from '../adapters/mongo/db.js';
import { createDeliveryRepo, createOrphanRepo } from '../adapters/mongo/aux-repos.js';
import { createMessageRepo } from '../adapters/mongo/message-repo.js';
import { createUserRepo } from '../adapters/mongo/user-repo.js';
import { createEventPublisher, type EventPublisher } from '../adapters/redis/event-stream.js';
import type { OutboundQueue } from '../adapters/redis/outbound-queue.js';
import type { AppDeps } from './deps.js';

export interface DepsInput {
  mongo: Mongo;
  redis: Redis;
  outbound: OutboundQueue;
  log: Logger;
  stream: { name: string; maxLen: number };
  now?: () => Date;
}

/**
 * The live feed must not fail the data path: the change is stored already, and a retry would be
 * a duplicate that publishes nothing. A failed publish is logged (and lost for watchers).
 */
function resilient(p: EventPublisher, log: Logger): EventPublisher {
  return {
    async publish(e) {
      try {
        await p.publish(e);
      } catch (err) {
        log.error({ err, kind: e.kind, userId: e.userId }, 'event not published');
      }
    },
  };
}

export function createAppDeps(i: DepsInput): AppDeps {
  return {
    cols: i.mongo.cols,
    users: createUserRepo(i.mongo.cols),
    messages: createMessageRepo(i.mongo.cols),
    orphans: createOrphanRepo(i.mongo.cols),
    deliveries: createDeliveryRepo(i.mongo.cols),
    events: resilient(createEventPublisher(i.redis, i.stream.name, i.stream.maxLen), i.log),
    outbound: i.outbound,
    log: i.log,
    now: i.now ?? (() => new Date()),
  };
}
