// Integration harness: a real profiles gRPC server on a free port, backed by the shared test
// MongoDB-wire server (fresh database per file) and Redis (own event stream and queue prefix).
import {
  Metadata,
  ServerCredentials,
  type CallOptions,
  type ClientUnaryCall,
  type ServiceError,
} from '@grpc/grpc-js';
import { createLogger } from '@ue/kit';
import { createProfilesClient } from '@ue/profiles-client';
import type { ProfilesServiceClient, ProfilesServiceService } from '@ue/proto';
import { requireEnv, testMongoUrl, uniqueName } from '@ue/testing';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { connectMongo, ensureIndexes, openMongo, type Mongo } from '../src/adapters/mongo/db.js';
import { createOutboundQueue } from '../src/adapters/redis/outbound-queue.js';
import type { Ports } from '../src/app/ports.js';
import { createPorts } from '../src/create-ports.js';
import { createServer } from '../src/server.js';

export const TOKEN = 'test-token-0123456789';
export const TOKENS = [
  { name: 'carol', token: TOKEN },
  { name: 'ingest', token: 'ingest-token-abcdef' },
];

export interface Harness {
  addr: string;
  client: ProfilesServiceClient;
  ports: Ports;
  mongo: Mongo;
  redis: Redis;
  redisUrl: string;
  stream: string;
  bullPrefix: string;
  close(): Promise<void>;
}

export interface HarnessOptions {
  heartbeatMs?: number;
  /** A MongoDB URL nothing answers on (outage tests): no connect, no indexes. */
  deadMongoUrl?: string;
  /** The test's own MongoDB-wire server instead of the shared one, and its selection timeout. */
  mongo?: { url: string; selectionMs: number };
  /** PEOPLE_SAME_PHONE_JOIN (default true). */
  samePhoneJoin?: boolean;
  /** PEOPLE_SUGGEST (default both). */
  suggest?: { email: boolean; phone: boolean };
}

export async function startHarness(label: string, opts: HarnessOptions = {}): Promise<Harness> {
  const mongo = opts.deadMongoUrl
    ? openMongo(opts.deadMongoUrl, 300)
    : opts.mongo
      ? openMongo(opts.mongo.url, opts.mongo.selectionMs)
      : await connectMongo(testMongoUrl(label));
  if (!opts.deadMongoUrl) await ensureIndexes(mongo.cols);
  const redisUrl = requireEnv('REDIS_URL');
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  const stream = uniqueName(`${label}_events`);
  const bullPrefix = uniqueName(`${label}_bull`);
  const outbound = createOutboundQueue(redisUrl, bullPrefix);
  const log = createLogger('profiles-test', process.env.TEST_LOG_LEVEL ?? 'silent');
  const { ports } = createPorts({
    mongo,
    redis,
    outbound,
    log,
    stream: { name: stream, maxLen: 100_000 },
    samePhoneJoin: opts.samePhoneJoin,
    suggest: opts.suggest,
  });
  const watch = {
    connect: () => new Redis(redisUrl, { maxRetriesPerRequest: null }),
    stream,
    heartbeatMs: opts.heartbeatMs ?? 15_000,
  };
  const { server } = createServer({ ports, watch, tokens: TOKENS, log, registry: new Registry() });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  const addr = `127.0.0.1:${port}`;
  // The raw generated client of the one factory: these tests send their own (often wrong)
  // metadata and assert on gRPC status codes.
  const client = createProfilesClient({ addr, token: TOKEN }).raw;
  return {
    addr,
    client,
    ports,
    mongo,
    redis,
    redisUrl,
    stream,
    bullPrefix,
    async close() {
      client.close();
      server.forceShutdown();
      await outbound.close();
      if (!opts.deadMongoUrl) await mongo.db.dropDatabase().catch(() => undefined);
      await mongo.client.close();
      await redis.del(stream);
      redis.disconnect();
    },
  };
}

export function auth(token = TOKEN): Metadata {
  const md = new Metadata();
  md.set('authorization', `Bearer ${token}`);
  return md;
}

type Def = typeof ProfilesServiceService;
type UnaryName = {
  [K in keyof Def]: Def[K]['responseStream'] extends false ? K : never;
}[keyof Def];
export type ReqOf<K extends keyof Def> = Parameters<Def[K]['requestSerialize']>[0];
export type ResOf<K extends keyof Def> = ReturnType<Def[K]['responseDeserialize']>;
type UnaryFn = (
  req: unknown,
  md: Metadata,
  opts: Partial<CallOptions>,
  cb: (err: ServiceError | null, res: unknown) => void,
) => ClientUnaryCall;

/** Promise form of a unary call with auth metadata and a deadline. */
export function call<K extends UnaryName>(
  client: ProfilesServiceClient,
  method: K,
  req: ReqOf<K>,
  md: Metadata = auth(),
): Promise<ResOf<K>> {
  const fn = (client as unknown as Record<string, UnaryFn>)[method]!;
  return new Promise((resolve, reject) => {
    fn.call(client, req, md, { deadline: Date.now() + 20_000 }, (err, res) =>
      err ? reject(err) : resolve(res as ResOf<K>),
    );
  });
}

/** The gRPC error of a call that must fail. */
export async function callError<K extends UnaryName>(
  client: ProfilesServiceClient,
  method: K,
  req: ReqOf<K>,
  md: Metadata = auth(),
): Promise<ServiceError> {
  try {
    await call(client, method, req, md);
  } catch (e) {
    return e as ServiceError;
  }
  throw new Error('expected the call to fail');
}
