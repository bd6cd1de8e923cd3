// The environment, parsed once (DESIGN §2). Unknown or malformed values stop the service with a
// message naming every offending variable.
import { env, parseEnv } from '@ue/kit';
import { z } from 'zod';

const tokens = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(
    z
      .array(
        z
          .string()
          .regex(/^[\w.-]+:\S{8,}$/, 'entries must be name:token with a token of 8+ characters'),
      )
      .min(1),
  )
  .transform((entries) =>
    entries.map((e) => ({ name: e.slice(0, e.indexOf(':')), token: e.slice(e.indexOf(':') + 1) })),
  );

const schema = z.object({
  MONGO_URL: env.url(['mongodb:', 'mongodb+srv:']),
  REDIS_URL: env.url(['redis:', 'rediss:']),
  PROFILES_TOKENS: tokens,
  /** Address both listeners bind (gRPC and metrics/health); 127.0.0.1 keeps them local. */
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: env.port(7204),
  METRICS_PORT: env.port(7205),
  LOG_LEVEL: env.logLevel(),
  /** Redis Stream carrying WatchEvents (one per deployment; tests use their own). */
  EVENTS_STREAM: z.string().min(1).default('profiles:events'),
  EVENTS_MAXLEN: z.coerce.number().int().min(1000).default(100_000),
  BULLMQ_PREFIX: z.string().min(1).default('bull'),
  /** Heartbeat period of WatchEvents streams. */
  WATCH_HEARTBEAT_MS: z.coerce.number().int().min(100).default(15_000),
  /** Largest media file UploadMedia keeps (bytes); 100 MiB, the provider's largest document. */
  MEDIA_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(2 * 1024 ** 3)
    .default(100 * 1024 ** 2),
  /** Attachments uploaded for a reply but never sent are removed after this long. */
  MEDIA_UNATTACHED_TTL_MS: z.coerce
    .number()
    .int()
    .min(60_000)
    .default(24 * 60 * 60 * 1000),
  /** How often this process sweeps expired data (accounts' retention periods); 0: never. */
  RETENTION_SWEEP_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(10 * 60_000),
  /**
   * The same E.164 phone on WhatsApp numbers of one business joins one person automatically;
   * applies to identities created afterwards.
   */
  PEOPLE_SAME_PHONE_JOIN: z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .default('true')
    .transform((v) => v === 'true'),
  /** Which shared contacts suggest a join to an admin: `email`, `phone`, both, or `none`. */
  PEOPLE_SUGGEST: env
    .list()
    .pipe(z.array(z.enum(['email', 'phone', 'none'])))
    .default(['email', 'phone']),
});

export type Config = Readonly<z.output<typeof schema>>;
export type CallerToken = Config['PROFILES_TOKENS'][number];

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  return parseEnv(schema, source);
}
