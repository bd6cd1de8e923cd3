// What the use cases need, passed in explicitly (no module-level clients).
import type { Logger } from '@ue/kit';
import type { DeliveryRepo, OrphanRepo } from '../adapters/mongo/aux-repos.js';
import type { Collections } from '../adapters/mongo/db.js';
import type { MessageRepo } from '../adapters/mongo/message-repo.js';
import type { MessageStore } from '../adapters/mongo/message-store.js';
import type { UserRepo } from '../adapters/mongo/user-repo.js';
import type { EventPublisher } from '../adapters/redis/event-stream.js';
import type { EventOutbox } from '../adapters/mongo/event-outbox.js';
import type { OutboundQueue } from '../adapters/redis/outbound-queue.js';

export interface AppDeps {
  cols: Collections;
  users: UserRepo;
  messages: MessageRepo;
  store: MessageStore;
  orphans: OrphanRepo;
  deliveries: DeliveryRepo;
  events: EventPublisher;
  outbox: EventOutbox;
  outbound: OutboundQueue;
  log: Logger;
  now: () => Date;
}
