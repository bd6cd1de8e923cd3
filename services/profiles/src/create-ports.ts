// Wire repositories and adapters into the use cases' dependencies (used by main and by tests).
import type { Logger } from '@ue/kit';
import type { Redis } from 'ioredis';
import type { Mongo } from '../adapters/mongo/db.js';
import { createDeliveryRepo, createOrphanRepo } from '../adapters/mongo/aux-repos.js';
import { createMessageRepo } from '../adapters/mongo/message-repo.js';
import { createMessageStore } from '../adapters/mongo/message-store.js';
import { createUserRepo } from '../adapters/mongo/user-repo.js';
import { createEventPublisher } from '../adapters/redis/event-stream.js';
import { createEventOutbox } from '../adapters/mongo/event-outbox.js';
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
 * The live feed must not fail the data path (the change is stored; a retry would be a duplicate
 * that publishes nothing): events Redis refuses wait in the MongoDB outbox instead.
 */
export function createAppDeps(i: DepsInput): AppDeps {
  const outbox = createEventOutbox(
    i.mongo.cols,
    createEventPublisher(i.redis, i.stream.name, i.stream.maxLen),
    i.log,
  );
  const users = createUserRepo(i.mongo.cols);
  return {
    cols: i.mongo.cols,
    users,
    messages: createMessageRepo(i.mongo.cols),
    store: createMessageStore(i.mongo.client, i.mongo.cols, users),
    orphans: createOrphanRepo(i.mongo.cols),
    deliveries: createDeliveryRepo(i.mongo.cols),
    events: outbox.publisher,
    outbox,
    outbound: i.outbound,
    log: i.log,
    now: i.now ?? (() => new Date()),
  };
}
