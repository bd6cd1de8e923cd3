// The end-to-end baselines: the raw driver writing what our store writes for one inbound
// message (insert the message, update its user: $inc the counter, $max the times, $set the
// preview, create it if new; insert the raw delivery), into a separate database on the same
// server with the same indexes, with no ingest, queue, gRPC or per-event logic in between.
import { createHash } from 'node:crypto';
import {
  Binary,
  MongoBulkWriteError,
  type AnyBulkWriteOperation,
  type Collection,
  type Db,
  type Document,
  type MongoClient,
} from 'mongodb';
import { ACCOUNT_A, bsuidOf, waIdOf } from '../people.js';
import { freshUser, messageDoc, preview } from '../seed/documents.js';
import type { Doc, DocTemplates } from '../seed/records.js';

export const RAW_DB = 'bench_raw';

/** The user fields the upsert moves with operators (the rest is set on insert). */
interface RawUser {
  _id: string;
  counters?: { inboundMessages: number };
  createdAt?: Date;
  updatedAt?: Date;
  lastInteractionAt?: Date;
  lastInboundAt?: Date;
  serviceWindowExpiresAt?: Date;
  lastMessage?: unknown;
  lastMessageKey?: string;
  needsReply?: boolean;
}
const SERVICE_WINDOW_MS = 24 * 3600 * 1000;

export interface RawMessage {
  message: Doc;
  user: AnyBulkWriteOperation<RawUser>;
  delivery: Doc;
}

/** A fresh database with the indexes profiles gives its collections. */
export async function prepareRawDb(o: {
  client: MongoClient;
  templates: DocTemplates;
}): Promise<Db> {
  const db = o.client.db(RAW_DB);
  await db.dropDatabase();
  for (const name of ['users', 'messages', 'deliveries']) {
    const specs = o.templates.indexes[name] ?? [];
    await db.createCollection(name);
    if (specs.length) await db.collection(name).createIndexes(specs);
  }
  return db;
}

const OPERATOR_PATHS = new Set([
  '_id',
  'counters',
  'createdAt',
  'updatedAt',
  'lastInteractionAt',
  'lastInboundAt',
  'serviceWindowExpiresAt',
  'lastMessage',
  'lastMessageKey',
  'needsReply',
]);

/** What one inbound message costs in writes, built from the real documents. */
export function rawMessage(
  t: DocTemplates,
  m: { n: number; wamid: string; body: string; at: Date },
): RawMessage {
  const text = String((t.inbound.content as { text?: string }).text ?? '');
  const user = freshUser(t, { n: m.n, accountId: ACCOUNT_A, at: m.at });
  const message = messageDoc(t, {
    plan: { at: m.at, inbound: true, text },
    userId: user._id,
    wamid: m.wamid,
    accountId: ACCOUNT_A,
  });
  const insert = Object.fromEntries(Object.entries(user).filter(([k]) => !OPERATOR_PATHS.has(k)));
  const p = preview(message);
  const update: AnyBulkWriteOperation<RawUser> = {
    updateOne: {
      filter: { _id: user._id },
      update: {
        $setOnInsert: {
          ...insert,
          'counters.outboundMessages': 0,
          'counters.failedDeliveries': 0,
          'counters.openFollowUps': 0,
        },
        $inc: { 'counters.inboundMessages': 1 },
        $min: { createdAt: m.at },
        $max: {
          updatedAt: m.at,
          lastInteractionAt: m.at,
          lastInboundAt: m.at,
          serviceWindowExpiresAt: new Date(m.at.getTime() + SERVICE_WINDOW_MS),
        },
        $set: {
          lastMessage: p,
          lastMessageKey: `${m.at.toISOString()}|${message._id}`,
          needsReply: true,
        },
      },
      upsert: true,
    },
  };
  const bytes = Buffer.from(m.body);
  const delivery: Doc = {
    ...structuredClone(t.delivery),
    _id: createHash('sha256').update(bytes).digest('hex'),
    body: new Binary(bytes),
    receivedAt: new Date(),
    keys: [`wa|${waIdOf(m.n)}`, `bsuid|${bsuidOf(m.n)}`],
  };
  return { message, user: update, delivery };
}

/**
 * An unordered bulkWrite; operations that lost an upsert race to a concurrent batch (duplicate
 * key) are sent once more, as a store would retry them.
 */
async function bulk<T extends Document>(
  c: Collection<T>,
  ops: AnyBulkWriteOperation<T>[],
): Promise<void> {
  try {
    await c.bulkWrite(ops, { ordered: false });
  } catch (err) {
    if (!(err instanceof MongoBulkWriteError)) throw err;
    const raw: unknown = err.writeErrors;
    const errors = (Array.isArray(raw) ? raw : [raw]) as { code?: number; index: number }[];
    if (errors.some((e) => e.code !== 11000)) throw err;
    const retry = errors.map((e) => ops[e.index]!).filter((op) => 'updateOne' in op);
    if (retry.length) await c.bulkWrite(retry, { ordered: false });
  }
}

/** Write messages as unordered bulkWrite batches, `concurrency` batches in flight. */
export async function rawBulk(o: {
  db: Db;
  items: RawMessage[];
  batch: number;
  concurrency: number;
}): Promise<void> {
  let next = 0;
  const messages = o.db.collection<Doc>('messages');
  const users = o.db.collection<RawUser>('users');
  const deliveries = o.db.collection<Doc>('deliveries');
  const worker = async (): Promise<void> => {
    while (next < o.items.length) {
      const slice = o.items.slice(next, next + o.batch);
      next += o.batch;
      await Promise.all([
        bulk(
          messages,
          slice.map((s) => ({ insertOne: { document: s.message } })),
        ),
        bulk(
          users,
          slice.map((s) => s.user),
        ),
        bulk(
          deliveries,
          slice.map((s) => ({ insertOne: { document: s.delivery } })),
        ),
      ]);
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
}

/** One message's three writes, one after the other (the latency baseline). */
export async function rawSingle(db: Db, m: RawMessage): Promise<void> {
  await db.collection<Doc>('messages').insertOne(m.message);
  await db.collection<RawUser>('users').bulkWrite([m.user]);
  await db.collection<Doc>('deliveries').insertOne(m.delivery);
}
