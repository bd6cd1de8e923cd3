// The demo loader's environment, parsed once (zod via the kit). Every bad variable is named.
import { env, parseEnv } from '@ue/kit';
import { z } from 'zod';

const schema = z.object({
  INGEST_URL: env.url(['http:', 'https:']).default('http://127.0.0.1:7203'),
  // The provider sandbox: Messenger / Instagram attachment URLs point at its CDN stand-in.
  SANDBOX_URL: env.url(['http:', 'https:']).default('http://127.0.0.1:7209'),
  // Comma-separated like ingest's; webhooks are signed with the first.
  WHATSAPP_APP_SECRET: env.list(),
  PROFILES_ADDR: env.hostPort(),
  // An agent token: the demo's agent work is recorded as "carol".
  PROFILES_TOKEN: z.string().min(1),
  // Set to print how long each phase took (on stderr).
  DEMO_TIMING: z
    .string()
    .optional()
    .transform((v) => v !== undefined),
});

export type Config = Readonly<z.output<typeof schema>>;

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  return parseEnv(schema, source);
}
