// Composition root: read config, open MongoDB and Redis, build the app, listen (gRPC on PORT,
// /healthz and /metrics on METRICS_PORT), and close everything in reverse order on SIGTERM/SIGINT.
import { ServerCredentials } from '@grpc/grpc-js';
import { serve } from '@hono/node-server';
import { createLogger, exitOnStartupError, handleShutdown, type Logger } from '@ue/kit';
import { Redis } from 'ioredis';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { loadConfig } from './config.js';
import { createServer } from './server.js';
import { connectMongo, ensureIndexes } from './adapters/mongo/db.js';
import { backfillPersonIds } from './adapters/mongo/people-repo.js';
import { createOutboundQueue } from './adapters/redis/outbound-queue.js';
import { createOpsApp } from './adapters/http/ops-app.js';
import { createPorts } from './create-ports.js';
import type { Ports } from './app/ports.js';
import { sweepRetention } from './app/retention.js';

/** host:port for grpc-js; an IPv6 literal needs brackets. */
function hostPort(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger('profiles', config.LOG_LEVEL);
  const mongo = await connectMongo(config.MONGO_URL);
  await ensureIndexes(mongo.cols);
  // Users stored before people existed get their own person; every read already treats a
  // missing one so, so this runs beside serving.
  backfillPersonIds(mongo.cols.users)
    .then((n) => n > 0 && log.info({ users: n }, 'people: own person given to earlier users'))
    .catch((err: unknown) => log.warn({ err }, 'people: backfill stopped; next start goes on'));
  const redis = new Redis(config.REDIS_URL, {
    maxRetriesPerRequest: 2,
    enableOfflineQueue: false,
    lazyConnect: true,
    // The live events of one batch (one XADD each) leave in one pipeline.
    enableAutoPipelining: true,
  });
  redis.on('error', (err: Error) => log.warn({ err: err.message }, 'redis error'));
  await redis.connect();
  const outbound = createOutboundQueue(config.REDIS_URL, config.BULLMQ_PREFIX);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const { ports, outbox } = createPorts({
    mongo,
    redis,
    outbound,
    log,
    stream: { name: config.EVENTS_STREAM, maxLen: config.EVENTS_MAXLEN },
    samePhoneJoin: config.PEOPLE_SAME_PHONE_JOIN,
    suggest: {
      email: config.PEOPLE_SUGGEST.includes('email'),
      phone: config.PEOPLE_SUGGEST.includes('phone'),
    },
  });
  const watchConnection = () => {
    const conn = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
    conn.on('error', (err: Error) => log.debug({ err: err.message }, 'watch connection error'));
    return conn;
  };
  const watch = {
    connect: watchConnection,
    stream: config.EVENTS_STREAM,
    heartbeatMs: config.WATCH_HEARTBEAT_MS,
  };
  // Publish events kept while Redis was unreachable.
  const flusher = setInterval(() => {
    outbox.flush().catch((err: unknown) => log.debug({ err }, 'outbox not flushed yet'));
  }, 2000);
  // Attachments uploaded for a reply that was never sent: GridFS has no TTL, so they are
  // removed here (every process may do it; deleting a file twice is harmless).
  const sweeper = setInterval(
    () => {
      const before = new Date(Date.now() - config.MEDIA_UNATTACHED_TTL_MS);
      ports.media
        .deleteUnattachedBefore(before)
        .then((n) => n > 0 && log.info({ files: n }, 'unsent attachments removed'))
        .catch((err: unknown) => log.warn({ err }, 'unsent attachments not removed yet'));
    },
    Math.min(config.MEDIA_UNATTACHED_TTL_MS, 15 * 60_000),
  );
  const retention = startRetentionSweeps({ ports, log, everyMs: config.RETENTION_SWEEP_MS });
  const { server, health } = createServer({
    ports,
    watch,
    tokens: config.PROFILES_TOKENS,
    log,
    registry,
    mediaMaxBytes: config.MEDIA_MAX_BYTES,
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      hostPort(config.HOST, config.PORT),
      ServerCredentials.createInsecure(),
      (err, p) => (err ? reject(err) : resolve(p)),
    ),
  );
  const ops = createOpsApp({
    registry,
    checks: { mongo: () => mongo.db.command({ ping: 1 }), redis: () => redis.ping() },
  });
  const http = serve({ fetch: ops.fetch, port: config.METRICS_PORT, hostname: config.HOST });
  log.info({ host: config.HOST, port, metricsPort: config.METRICS_PORT }, 'profiles listening');
  handleShutdown(log, [
    { name: 'mongo', close: () => mongo.client.close() },
    { name: 'outbox-flusher', close: () => Promise.resolve(clearInterval(flusher)) },
    { name: 'media-sweeper', close: () => Promise.resolve(clearInterval(sweeper)) },
    { name: 'retention-sweeper', close: retention.stop },
    { name: 'redis', close: () => redis.quit() },
    { name: 'outbound-queue', close: () => outbound.close() },
    { name: 'http', close: () => new Promise((r) => http.close(() => r(undefined))) },
    {
      name: 'grpc',
      close: () => {
        health.setStatus('', 'NOT_SERVING');
        return new Promise<void>((r) => {
          const force = setTimeout(() => server.forceShutdown(), 5000);
          server.tryShutdown(() => {
            clearTimeout(force);
            r();
          });
        });
      },
    },
  ]);
}

/**
 * The accounts' retention periods, applied every `everyMs` (first a minute after start). One
 * sweep at a time per process; several processes may sweep at once (every step is idempotent).
 */
function startRetentionSweeps(s: { ports: Ports; log: Logger; everyMs: number }): {
  stop: () => Promise<void>;
} {
  const { ports, log, everyMs } = s;
  if (everyMs === 0) return { stop: () => Promise.resolve() };
  let running: Promise<unknown> = Promise.resolve();
  let busy = false;
  const run = () => {
    if (busy) return;
    busy = true;
    running = sweepRetention(ports)
      .then((r) => {
        if (r.messages + r.media + r.deliveries + r.reviews > 0)
          log.info(r, 'retention: expired data removed');
      })
      .catch((err: unknown) => log.warn({ err }, 'retention sweep failed; next time'))
      .finally(() => (busy = false));
  };
  const first = setTimeout(run, Math.min(everyMs, 60_000));
  const timer = setInterval(run, everyMs);
  return {
    stop: async () => {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}

main().catch((err: unknown) => exitOnStartupError('profiles', err));
