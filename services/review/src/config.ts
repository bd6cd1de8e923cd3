// The review service's environment, parsed once. Every bad variable is named (docs/review.md).
import { env, parseEnv } from '@ue/kit';
import { z } from 'zod';

const positive = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const PROVIDERS = ['local', 'openai', 'off'] as const;
export type Provider = (typeof PROVIDERS)[number];

const schema = z
  .object({
    REDIS_URL: env.url(['redis:', 'rediss:']),
    PROFILES_ADDR: env.hostPort(),
    PROFILES_TOKEN: z.string().min(8, 'must be at least 8 characters'),
    REVIEW_PROVIDER: z.enum(PROVIDERS).default('local'),
    // openai: any OpenAI-compatible chat-completions endpoint (…/v1).
    REVIEW_BASE_URL: env.url(['http:', 'https:']).optional(),
    REVIEW_API_KEY: z.string().optional(),
    REVIEW_MODEL: z.string().min(1).optional(),
    // local: the GGUF file ./dev provisions (scripts/lib.sh ensure_model).
    REVIEW_MODEL_PATH: z.string().min(1).optional(),
    REVIEW_THREADS: positive(2),
    REVIEW_CONTEXT_TOKENS: positive(4096),
    // Quiet time after a conversation's last message before it is reviewed.
    REVIEW_QUIET_MS: z.coerce.number().int().min(0).default(600_000),
    // Summary and reasons are written in this language (BCP 47).
    REVIEW_LANGUAGE: z.string().min(2).max(20).default('en'),
    // The newest messages a review reads (older ones are left out of the prompt).
    REVIEW_MAX_MESSAGES: positive(40),
    REVIEW_MAX_CHARS_PER_MESSAGE: positive(400),
    REVIEW_TIMEOUT_MS: positive(120_000),
    // openai: retries of one request after 429/5xx/timeouts, and the first backoff (doubling).
    REVIEW_HTTP_RETRIES: z.coerce.number().int().min(0).default(3),
    REVIEW_HTTP_BACKOFF_MS: positive(1000),
    // Reviews at once; 1 keeps the model's CPU use to one review.
    REVIEW_CONCURRENCY: positive(1),
    // Attempts of one review job (a failed attempt is recorded, then retried with backoff).
    REVIEW_ATTEMPTS: positive(6),
    REVIEW_RETRY_BASE_MS: positive(30_000),
    // Niceness of the process (0..19): model threads inherit it, so ingest and profiles win.
    REVIEW_NICE: z.coerce.number().int().min(0).max(19).default(19),
    // local: the other processes' share of all CPUs (0..1) above which a review waits, and a
    // running one is paused (its model process stopped) until they are quiet; 1 turns this off.
    REVIEW_YIELD_ABOVE: z.coerce.number().min(0).max(1).default(0.5),
    BULLMQ_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_{}-]+$/, 'letters, digits, _, - and {} only')
      .default('bull'),
    PORT: env.port(7206),
    HOST: z.string().min(1).default('0.0.0.0'),
    LOG_LEVEL: env.logLevel(),
    SHUTDOWN_GRACE_MS: positive(20_000),
  })
  .superRefine((c, ctx) => {
    if (c.REVIEW_PROVIDER === 'openai') {
      if (!c.REVIEW_BASE_URL)
        ctx.addIssue({ code: 'custom', path: ['REVIEW_BASE_URL'], message: 'required for openai' });
      if (!c.REVIEW_MODEL)
        ctx.addIssue({ code: 'custom', path: ['REVIEW_MODEL'], message: 'required for openai' });
    }
    if (c.REVIEW_PROVIDER === 'local' && !c.REVIEW_MODEL_PATH)
      ctx.addIssue({ code: 'custom', path: ['REVIEW_MODEL_PATH'], message: 'required for local' });
  });

export type Config = Readonly<z.output<typeof schema>>;

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  return parseEnv(schema, source);
}
