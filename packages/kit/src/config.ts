// Parse the environment once, with zod, into a frozen object. A bad environment produces a
// message naming every missing or malformed variable, so a service fails fast and readably.
import { z } from 'zod';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function parseEnv<S extends z.ZodType>(
  schema: S,
  env: NodeJS.ProcessEnv,
): Readonly<z.output<S>> {
  // Empty strings count as unset, as operators expect from `FOO= cmd`.
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const problems = result.error.issues.map((i) => {
      const name = i.path.join('.') || '(environment)';
      const missing = i.code === 'invalid_type' && cleaned[name] === undefined;
      return missing ? `${name}: required but not set` : `${name}: ${i.message}`;
    });
    throw new ConfigError(problems);
  }
  return Object.freeze(result.data);
}

/** Reusable field schemas for the variables in DESIGN §2. */
export const env = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  url: (protocols: string[]) =>
    z.string().refine(
      (v) => {
        try {
          return protocols.includes(new URL(v).protocol);
        } catch {
          return false;
        }
      },
      `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
    ),
  hostPort: () => z.string().regex(/^[^\s:]+:\d{1,5}$/, 'must be host:port'),
  list: () =>
    z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string()).min(1)),
  logLevel: () =>
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};
