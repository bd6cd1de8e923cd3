// The ingest service's environment, parsed once (DESIGN §2). Every bad variable is named.
import { env, parseEnv } from '@ue/kit';
import { z } from 'zod';
import { PROVIDER_CAPS, type MediaCaps } from './providers/whatsapp/media-rules.js';

export const ROLES = ['http', 'webhook-worker', 'outbound-worker', 'media-worker'] as const;
export type Role = (typeof ROLES)[number];

const positive = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * `<account id>:<token>,...` → account id → token. The message never repeats a value: these
 * are secrets.
 */
const tokenMap = () =>
  z
    .string()
    .transform((v, ctx) => {
      const map: Map<string, string> = new Map();
      v.split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .forEach((pair, i) => {
          const at = pair.indexOf(':');
          const id = pair.slice(0, Math.max(0, at));
          if (!/^\d{1,64}$/.test(id) || at === pair.length - 1)
            ctx.addIssue({ code: 'custom', message: `entry ${i + 1} is not <account id>:<token>` });
          else map.set(id, pair.slice(at + 1));
        });
      return map;
    })
    .optional();

const schema = z.object({
  REDIS_URL: env.url(['redis:', 'rediss:']),
  PROFILES_ADDR: env.hostPort(),
  PROFILES_TOKEN: z.string().min(8, 'must be at least 8 characters'),
  // Comma-separated: during a rotation both the old and the new app secret verify.
  WHATSAPP_APP_SECRET: env.list(),
  WHATSAPP_VERIFY_TOKEN: z.string().min(1),
  WHATSAPP_ACCESS_TOKEN: z.string().min(1),
  WHATSAPP_API_BASE_URL: env.url(['http:', 'https:']).default('https://graph.facebook.com/v24.0'),
  // Messenger and Instagram (docs/ingest.md): usually the same Meta app as WhatsApp, so the
  // secrets, the handshake token and the API base default to WhatsApp's.
  MESSENGER_APP_SECRET: env.list().optional(),
  MESSENGER_VERIFY_TOKEN: z.string().min(1).optional(),
  MESSENGER_PAGE_TOKENS: tokenMap(),
  INSTAGRAM_TOKENS: tokenMap(),
  META_API_BASE_URL: env.url(['http:', 'https:']).optional(),
  PORT: env.port(7203),
  // Bind address of the one HTTP listener (webhooks, /healthz, /metrics); 127.0.0.1 keeps it local.
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: env.logLevel(),
  // Must match profiles' BULLMQ_PREFIX: the outbound queue is shared with it.
  // Braces allowed for a Redis Cluster hash tag ("{ue}"): every key of a queue in one slot.
  BULLMQ_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_{}-]+$/, 'letters, digits, _, - and {} only')
    .default('bull'),
  // Meta's documented maximum webhook payload is 3 MB.
  WEBHOOK_MAX_BYTES: positive(3 * 1024 * 1024),
  // Bound on any Redis command made while a provider request waits (then 503).
  WEBHOOK_ENQUEUE_TIMEOUT_MS: positive(2000),
  // Deliveries in progress per process: enough to fill every lane's batch of 50 (a job waits
  // for its batch's call, so this bounds the batch sizes under load).
  WEBHOOK_CONCURRENCY: positive(200),
  // How long a lone delivery waits for others before its call goes out (a busy system batches
  // while calls are in flight, whatever the window).
  WEBHOOK_BATCH_WINDOW_MS: positive(5),
  // ApplyWebhookEvents calls at once per process, one per lane; a user's events stay in one lane.
  WEBHOOK_BATCH_LANES: positive(4),
  // profiles accepts at most 500 events per ApplyWebhookEvents call.
  WEBHOOK_BATCH_MAX_EVENTS: positive(100).pipe(z.number().max(500)),
  // Defaults keep a job retrying for about a week (Meta itself retries for 7 days).
  WEBHOOK_ATTEMPTS: positive(2100),
  RETRY_BASE_MS: positive(1000),
  RETRY_MAX_MS: positive(300_000),
  // Generous: a batch is applied event by event, and a deadline hit means the whole batch again.
  PROFILES_DEADLINE_MS: positive(30_000),
  OUTBOUND_CONCURRENCY: positive(8),
  OUTBOUND_RATE_PER_SECOND: positive(80),
  OUTBOUND_ATTEMPTS: positive(12),
  OUTBOUND_TIMEOUT_MS: positive(15_000),
  // Media (docs/ingest.md, "Media"): fetches at once per process, and the size caps per kind;
  // the defaults are the provider's own limits.
  MEDIA_CONCURRENCY: positive(4),
  MEDIA_MAX_BYTES_IMAGE: positive(PROVIDER_CAPS.image),
  MEDIA_MAX_BYTES_AUDIO: positive(PROVIDER_CAPS.audio),
  MEDIA_MAX_BYTES_VIDEO: positive(PROVIDER_CAPS.video),
  MEDIA_MAX_BYTES_DOCUMENT: positive(PROVIDER_CAPS.document),
  MEDIA_MAX_BYTES_STICKER: positive(PROVIDER_CAPS.sticker),
  // About a day of retries with the default backoff (capped at RETRY_MAX_MS); the provider
  // keeps media about 30 days.
  MEDIA_ATTEMPTS: positive(300),
  // Bound on one metadata request; a download (and its upload to profiles) gets the longer one.
  MEDIA_TIMEOUT_MS: positive(15_000),
  MEDIA_DOWNLOAD_TIMEOUT_MS: positive(300_000),
  // Downloads with a wrong checksum tried again (a corrupt transfer) before giving up.
  MEDIA_CHECKSUM_RETRIES: z.coerce.number().int().min(0).default(2),
  // After a 401/403 (the access token), wait this long before asking again.
  MEDIA_TOKEN_RETRY_MS: positive(600_000),
  // Customer names (User Profile API): attempts per customer (about 8 hours with the default
  // backoff) before the job is given up; the request is bounded by MEDIA_TIMEOUT_MS.
  PROFILE_FETCH_ATTEMPTS: positive(100),
  SHUTDOWN_GRACE_MS: positive(20_000),
  // Which parts this process runs; split them to scale HTTP and workers separately.
  INGEST_ROLES: env
    .list()
    .pipe(z.array(z.enum(ROLES)))
    .default([...ROLES]),
});

const withDefaults = schema.transform((c) => ({
  ...c,
  MESSENGER_APP_SECRET: c.MESSENGER_APP_SECRET ?? c.WHATSAPP_APP_SECRET,
  MESSENGER_VERIFY_TOKEN: c.MESSENGER_VERIFY_TOKEN ?? c.WHATSAPP_VERIFY_TOKEN,
  MESSENGER_PAGE_TOKENS: c.MESSENGER_PAGE_TOKENS ?? new Map<string, string>(),
  INSTAGRAM_TOKENS: c.INSTAGRAM_TOKENS ?? new Map<string, string>(),
  META_API_BASE_URL: c.META_API_BASE_URL ?? c.WHATSAPP_API_BASE_URL,
}));

export type Config = Readonly<z.output<typeof withDefaults>>;

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  return parseEnv(withDefaults, source);
}

/** The configured size cap of each media kind. */
export function mediaCaps(c: Config): MediaCaps {
  return {
    image: c.MEDIA_MAX_BYTES_IMAGE,
    audio: c.MEDIA_MAX_BYTES_AUDIO,
    video: c.MEDIA_MAX_BYTES_VIDEO,
    document: c.MEDIA_MAX_BYTES_DOCUMENT,
    sticker: c.MEDIA_MAX_BYTES_STICKER,
  };
}

const deadLetterCliSchema = z.object({
  REDIS_URL: env.url(['redis:', 'rediss:']),
  BULLMQ_PREFIX: z.string().min(1).default('bull'),
});

/** What `npm run dead-letters` needs (src/cli/dead-letters.ts). */
export function loadDeadLetterCliConfig(
  source: NodeJS.ProcessEnv = process.env,
): Readonly<z.output<typeof deadLetterCliSchema>> {
  return parseEnv(deadLetterCliSchema, source);
}
