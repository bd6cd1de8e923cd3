// Wire the adapters into the ports the use cases take (used by main and by the tests).
import type { Logger } from '@ue/kit';
import type { Redis } from 'ioredis';
import type { Ports } from './app/ports.js';
import type { Mongo } from './adapters/mongo/db.js';
import {
  createAuditRepo,
  createDeliveryRepo,
  createOrphanRepo,
} from './adapters/mongo/aux-repos.js';
import { createAccountRepo } from './adapters/mongo/account-repo.js';
import { createEventOutbox, type EventOutbox } from './adapters/mongo/event-outbox.js';
import { createFactRepo } from './adapters/mongo/fact-repo.js';
import { createLogRepo } from './adapters/mongo/log-repo.js';
import { createMediaStore } from './adapters/mongo/media-store.js';
import { createMessageStore } from './adapters/mongo/message-store.js';
import { createPeopleRepo } from './adapters/mongo/people-repo.js';
import { createRetentionStore } from './adapters/mongo/retention-store.js';
import { createReviewStore } from './adapters/mongo/review-store.js';
import { createStatsRepo } from './adapters/mongo/stats-repo.js';
import { createUserAdmin } from './adapters/mongo/user-admin.js';
import { createUserRepo } from './adapters/mongo/user-repo.js';
import { createEventPublisher } from './adapters/redis/event-stream.js';
import type { OutboundQueue } from './adapters/redis/outbound-queue.js';

export interface PortsInput {
  mongo: Mongo;
  redis: Redis;
  outbound: OutboundQueue;
  log: Logger;
  stream: { name: string; maxLen: number };
  now?: () => Date;
  /** PEOPLE_SAME_PHONE_JOIN (default true). */
  samePhoneJoin?: boolean;
  /** PEOPLE_SUGGEST (default both). */
  suggest?: { email: boolean; phone: boolean };
}

/**
 * The live feed must not fail the data path (the change is stored; a retry would be a duplicate
 * that publishes nothing): events Redis refuses wait in the MongoDB outbox instead, and the
 * caller flushes `outbox` periodically.
 */
export function createPorts(i: PortsInput): { ports: Ports; outbox: EventOutbox } {
  const { cols } = i.mongo;
  const outbox = createEventOutbox(
    cols,
    createEventPublisher(i.redis, i.stream.name, i.stream.maxLen),
    i.log,
  );
  const people = createPeopleRepo(i.mongo.client, cols, {
    samePhoneJoin: i.samePhoneJoin ?? true,
    suggestSameEmail: i.suggest?.email ?? true,
    suggestPhoneInFacts: i.suggest?.phone ?? true,
  });
  const userRepo = createUserRepo(cols, {
    samePhoneJoin: people.rules.samePhoneJoin,
    businessOf: (accountId, wabaId) => people.businessOf(accountId, wabaId),
  });
  const ports: Ports = {
    users: { ...userRepo, ...createUserAdmin(cols) },
    messages: createMessageStore(i.mongo.client, cols, userRepo),
    orphans: createOrphanRepo(cols),
    facts: createFactRepo(cols),
    log: createLogRepo(cols),
    reviews: createReviewStore(i.mongo.client, cols, userRepo),
    stats: createStatsRepo(cols),
    deliveries: createDeliveryRepo(cols),
    audit: createAuditRepo(cols),
    events: outbox.publisher,
    outbound: i.outbound,
    media: createMediaStore(i.mongo.db),
    retention: createRetentionStore(i.mongo),
    people,
    accounts: createAccountRepo(cols, i.now),
    logger: i.log,
    now: i.now ?? (() => new Date()),
  };
  return { ports, outbox };
}
