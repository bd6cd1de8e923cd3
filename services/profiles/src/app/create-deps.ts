// Wire repositories and adapters into the use cases' dependencies (used by main and by tests).
import type { Logger } from '@ue/kit';
import type { Redis } from 'ioredis';
import type { Mongo } from '../adapters/mongo/db.js';
import { createDeliveryRepo, createOrphanRepo } from '../adapters/mongo/aux-repos.js';
import { createMessageRepo } from '../adapters/mongo/message-repo.js';
import { createUserRepo } from '../adapters/mongo/user-repo.js';
import { createEventPublisher } from '../adapters/redis/event-stream.js';
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

export function createAppDeps(i: DepsInput): AppDeps {
  return {
    cols: i.mongo.cols,
    users: createUserRepo(i.mongo.cols),
    messages: createMessageRepo(i.mongo.cols),
    orphans: createOrphanRepo(i.mongo.cols),
    deliveries: createDeliveryRepo(i.mongo.cols),
    events: createEventPublisher(i.redis, i.stream.name, i.stream.maxLen),
    outbound: i.outbound,
    log: i.log,
    now: i.now ?? (() => new Date()),
  };
}
