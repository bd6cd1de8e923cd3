// The documented way to create an admin: `npm run admin -w @ue/bff -- create --email ...`,
// password on stdin. The account then logs in; a second create with the same email fails.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { requireEnv, uniqueName } from '@ue/testing';
import { createAdminStore } from '../src/auth/admins.js';

const cli = fileURLToPath(new URL('../dist/cli/admin.js', import.meta.url));

// Its own key prefix: other test files (and the browser tests) bootstrap admins in this Redis.
const prefix = `${uniqueName('cli')}:`;

function run(args: string[], stdin: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const env = {
      PATH: process.env.PATH ?? '',
      REDIS_URL: requireEnv('REDIS_URL'),
      REDIS_KEY_PREFIX: prefix,
    };
    const child = spawn(process.execPath, [cli, ...args], { env });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => resolve({ code, out }));
    child.stdin.end(stdin);
  });
}

describe('admin CLI', () => {
  const redis = new Redis(requireEnv('REDIS_URL'));
  afterAll(() => redis.quit());

  it('creates an admin from stdin whose password then verifies, and refuses duplicates and weak passwords', async () => {
    const email = `${uniqueName('cli')}@example.com`;
    const created = await run(
      ['create', '--email', email, '--name', 'Cli Admin'],
      'a long enough password\n',
    );
    expect(created.out).toContain(`created admin ${email}`);
    expect(created.code).toBe(0);
    const admins = createAdminStore(redis, prefix);
    expect(await admins.verify(email, 'a long enough password')).toMatchObject({
      email,
      name: 'Cli Admin',
    });
    expect(await admins.verify(email, 'wrong password!')).toBeUndefined();

    const again = await run(['create', '--email', email], 'another long password\n');
    expect(again.code).not.toBe(0);
    expect(again.out).toContain('already exists');

    const weak = await run(['create', '--email', `x${email}`], 'short\n');
    expect(weak.code).not.toBe(0);
    expect(weak.out).toContain('at least 12 characters');
  });

  it('explains its usage', async () => {
    const res = await run([], '');
    expect(res.code).toBe(2);
    expect(res.out).toContain('usage: admin create --email');
  });
});
