// Admin accounts from the command line:
//   npm run admin -w @ue/bff -- create --email ana@example.com [--name "Ana"]
// The password comes from ADMIN_PASSWORD or, when unset, the first line of stdin.
// Needs REDIS_URL (and REDIS_KEY_PREFIX when the bff uses a non-default one).
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { exitOnStartupError } from '@ue/kit';
import { createAdminStore } from '../auth/admins.js';
import { loadAdminCliConfig } from '../config.js';

async function readPassword(fromEnv: string | undefined): Promise<string> {
  if (fromEnv) return fromEnv;
  if (process.stdin.isTTY) process.stderr.write('password (min 12 characters): ');
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  return '';
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { email: { type: 'string' }, name: { type: 'string' } },
  });
  if (positionals[0] !== 'create' || !values.email) {
    process.stderr.write(
      'usage: admin create --email <email> [--name <name>]  (password from ADMIN_PASSWORD or stdin)\n',
    );
    process.exit(2);
  }
  const email = z.email().parse(values.email);
  const cfg = loadAdminCliConfig();
  const redis = new Redis(cfg.REDIS_URL, { maxRetriesPerRequest: 2 });
  try {
    const admin = await createAdminStore(redis, cfg.REDIS_KEY_PREFIX).create(
      email,
      await readPassword(cfg.ADMIN_PASSWORD),
      values.name,
    );
    process.stdout.write(`created admin ${admin.email} (${admin.id})\n`);
  } finally {
    redis.disconnect();
  }
}

main().catch((err: unknown) => exitOnStartupError('admin', err));
