// The bff's environment (DESIGN §2), parsed once into a frozen Config.
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { env, parseEnv } from '@ue/kit';
import { z } from 'zod';

const schema = z
  .object({
    REDIS_URL: env.url(['redis:', 'rediss:']),
    PROFILES_ADDR: env.hostPort(),
    PROFILES_TOKEN: z.string().min(8, 'must be at least 8 characters'),
    SESSION_SECRET: z.string().min(32, 'must be at least 32 characters'),
    BASE_PATH: z
      .string()
      .regex(/^\/([A-Za-z0-9._~-]+\/?)*$/, 'must be a path like / or /dev/user-engagement/')
      .default('/'),
    HOST: z
      .string()
      .refine(
        (h) =>
          isIP(h) !== 0 ||
          /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(
            h,
          ),
        'must be an IP address or a host name, e.g. 0.0.0.0, 127.0.0.1 or ::',
      )
      .default('0.0.0.0'),
    PORT: env.port(7202),
    ADMIN_EMAIL: z.email('must be an email address').optional(),
    ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
    LOG_LEVEL: env.logLevel(),
    COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
    SESSION_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(60)
      .default(8 * 3600),
    REDIS_KEY_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9:_-]{1,64}$/, 'letters, digits, :, _ and - only')
      .default('ue:bff:'),
    TRUSTED_PROXIES: z.coerce.number().int().min(0).max(10).default(0),
    USERS_PAGE_SIZE: z.coerce.number().int().min(1).max(200).default(50),
    DISPLAY_TIME_ZONE: z
      .string()
      .refine((tz) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, 'must be an IANA time zone such as Europe/Berlin')
      .default('UTC'),
    /** Largest image an admin may attach to a reply (WhatsApp's own limit: 5 MB). */
    MEDIA_IMAGE_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(5 * 1024 * 1024),
    /** Largest document an admin may attach (WhatsApp's own limit: 100 MB). */
    MEDIA_DOCUMENT_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(100 * 1024 * 1024),
    /** Images larger than this get no thumbnail (it is made in memory). */
    MEDIA_THUMBNAIL_MAX_INPUT_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(20 * 1024 * 1024),
    /** Where a reply's attachment waits while it is checked (removed right after). */
    UPLOAD_TMP_DIR: z.string().min(1).optional(),
  })
  .superRefine((v, ctx) => {
    // Half a bootstrap is a mistake worth stopping for, not a silent no-op.
    if (Boolean(v.ADMIN_EMAIL) !== Boolean(v.ADMIN_PASSWORD)) {
      ctx.addIssue({
        code: 'custom',
        path: [v.ADMIN_EMAIL ? 'ADMIN_PASSWORD' : 'ADMIN_EMAIL'],
        message: 'set ADMIN_EMAIL and ADMIN_PASSWORD together',
      });
    }
  });

export interface Config {
  redisUrl: string;
  profilesAddr: string;
  profilesToken: string;
  sessionSecret: string;
  /** Normalised mount path without trailing slash; '' for the root. */
  basePath: string;
  /** Address the HTTP server binds to. */
  host: string;
  port: number;
  bootstrapAdmin?: { email: string; password: string };
  logLevel: string;
  cookieSecure: 'auto' | 'true' | 'false';
  sessionTtlSeconds: number;
  timeZone: string;
  /** Rows per users-list page (each further page loads on scroll). */
  usersPageSize: number;
  /** How many reverse proxies append to X-Forwarded-For (0: use the socket address). */
  trustedProxies: number;
  /** Prefix of every Redis key the bff writes (admins, sessions, rate limits). */
  redisKeyPrefix: string;
  media: MediaSettings;
}

/** Limits of media shown and attached (docs/dashboard.md, "Media"). */
export interface MediaSettings {
  imageMaxBytes: number;
  documentMaxBytes: number;
  thumbnailMaxInputBytes: number;
  uploadTmpDir: string;
}

export const DEFAULT_MEDIA_SETTINGS: Readonly<MediaSettings> = Object.freeze({
  imageMaxBytes: 5 * 1024 * 1024,
  documentMaxBytes: 100 * 1024 * 1024,
  thumbnailMaxInputBytes: 20 * 1024 * 1024,
  uploadTmpDir: tmpdir(),
});

export function normaliseBasePath(p: string): string {
  const trimmed = p.replace(/\/+$/, '');
  return trimmed === '' ? '' : trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const e = parseEnv(schema, source);
  const admin =
    e.ADMIN_EMAIL && e.ADMIN_PASSWORD
      ? { email: e.ADMIN_EMAIL, password: e.ADMIN_PASSWORD }
      : undefined;
  return Object.freeze({
    redisUrl: e.REDIS_URL,
    profilesAddr: e.PROFILES_ADDR,
    profilesToken: e.PROFILES_TOKEN,
    sessionSecret: e.SESSION_SECRET,
    basePath: normaliseBasePath(e.BASE_PATH),
    host: e.HOST,
    port: e.PORT,
    ...(admin ? { bootstrapAdmin: admin } : {}),
    logLevel: e.LOG_LEVEL,
    cookieSecure: e.COOKIE_SECURE,
    sessionTtlSeconds: e.SESSION_TTL_SECONDS,
    timeZone: e.DISPLAY_TIME_ZONE,
    usersPageSize: e.USERS_PAGE_SIZE,
    trustedProxies: e.TRUSTED_PROXIES,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    media: {
      imageMaxBytes: e.MEDIA_IMAGE_MAX_BYTES,
      documentMaxBytes: e.MEDIA_DOCUMENT_MAX_BYTES,
      thumbnailMaxInputBytes: e.MEDIA_THUMBNAIL_MAX_INPUT_BYTES,
      uploadTmpDir: e.UPLOAD_TMP_DIR ?? tmpdir(),
    },
  });
}

const adminCliSchema = z.object({
  REDIS_URL: env.url(['redis:', 'rediss:']),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,64}$/)
    .default('ue:bff:'),
  /** The new admin's password; read from stdin when unset. */
  ADMIN_PASSWORD: z.string().optional(),
});

/** What `npm run admin` needs (src/cli/admin.ts). */
export function loadAdminCliConfig(
  source: NodeJS.ProcessEnv = process.env,
): Readonly<z.output<typeof adminCliSchema>> {
  return parseEnv(adminCliSchema, source);
}
