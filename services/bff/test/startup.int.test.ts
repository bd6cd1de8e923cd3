// The built entry point as an operator runs it: fails fast naming a bad variable, and once
// up answers /healthz with what it can reach.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, requireEnv, startProcess, type RunningProcess } from '@ue/testing';
import { startProfiles, type ProfilesProcess } from './stack.js';

const entry = fileURLToPath(new URL('../dist/main.js', import.meta.url));

function runToExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [entry], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('bff startup', () => {
  it('exits non-zero naming a missing and a malformed variable', async () => {
    const { code, output } = await runToExit({
      REDIS_URL: 'redis://127.0.0.1:1',
      PROFILES_ADDR: '127.0.0.1:1',
      PROFILES_TOKEN: 'abcdefghijkl',
      SESSION_SECRET: 'too-short',
    });
    expect(code).not.toBe(0);
    expect(output).toContain('SESSION_SECRET: ');
    expect(output).toContain('at least 32');

    const missing = await runToExit({
      REDIS_URL: 'redis://127.0.0.1:1',
      PROFILES_TOKEN: 'abcdefghijkl',
      SESSION_SECRET: 'x'.repeat(40),
    });
    expect(missing.code).not.toBe(0);
    expect(missing.output).toContain('PROFILES_ADDR: required but not set');
  });

  it('listens on HOST only', async () => {
    const port = await freePort();
    const bff = await startProcess(
      entry,
      {
        REDIS_URL: requireEnv('REDIS_URL'),
        PROFILES_ADDR: '127.0.0.1:1',
        PROFILES_TOKEN: 'abcdefghijkl',
        SESSION_SECRET: 's'.repeat(40),
        HOST: '127.0.0.2',
        PORT: String(port),
        LOG_LEVEL: 'warn',
      },
      async () => (await fetch(`http://127.0.0.2:${port}/dev/null`)).status > 0,
    );
    try {
      expect((await fetch(`http://127.0.0.2:${port}/login`)).status).toBe(200);
      await expect(fetch(`http://127.0.0.1:${port}/login`)).rejects.toThrow();
    } finally {
      await bff.stop();
    }
  });

  describe('with profiles and Redis up', () => {
    let profiles: ProfilesProcess;
    let bff: RunningProcess;
    let port: number;
    beforeAll(async () => {
      profiles = await startProfiles('bff_startup');
      port = await freePort();
      bff = await startProcess(
        entry,
        {
          REDIS_URL: requireEnv('REDIS_URL'),
          PROFILES_ADDR: profiles.addr,
          PROFILES_TOKEN: profiles.bffToken,
          SESSION_SECRET: 's'.repeat(40),
          BASE_PATH: '/dev/user-engagement/',
          PORT: String(port),
          LOG_LEVEL: 'warn',
        },
        async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).status > 0,
      );
    });
    afterAll(async () => {
      await bff?.stop();
      await profiles?.stop();
    });

    it('answers /healthz 200 with profiles and redis reachable, at the root and under BASE_PATH', async () => {
      for (const path of ['/healthz', '/dev/user-engagement/healthz']) {
        const res = await fetch(`http://127.0.0.1:${port}${path}`);
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({ status: 'ok', checks: { profiles: 'ok', redis: 'ok' } });
      }
    });

    it('sends a browser without a session to the login page under BASE_PATH', async () => {
      const res = await fetch(`http://127.0.0.1:${port}/dev/user-engagement/users`, {
        redirect: 'manual',
      });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe(
        '/dev/user-engagement/login?next=%2Fdev%2Fuser-engagement%2Fusers',
      );
      const login = await fetch(`http://127.0.0.1:${port}/dev/user-engagement/login`);
      expect(login.status).toBe(200);
      expect(login.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await login.text()).toContain('action="/dev/user-engagement/login"');
    });

    it('exits 0 on SIGTERM', async () => {
      expect(await bff.stop('SIGTERM')).toBe(0);
    });
  });
});
