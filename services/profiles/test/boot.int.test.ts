// The built service as a real process: refuses to start with a bad environment (naming the
// variable), serves grpc.health.v1 SERVING, reflection, /healthz and /metrics, and stops on SIGTERM.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  credentials,
  loadPackageDefinition,
  makeGenericClientConstructor,
  status as Code,
  type ChannelCredentials,
  type Client,
  type ClientDuplexStream,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { AppError } from '@ue/kit';
import { createProfilesClient } from '@ue/profiles-client';
import {
  freePort,
  requireEnv,
  startProcess,
  testMongoUrl,
  uniqueName,
  type RunningProcess,
} from '@ue/testing';
import { service as healthService } from 'grpc-health-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('../dist/main.js', import.meta.url));

function runToExit(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [entry], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

describe('configuration', () => {
  it('exits non-zero naming a missing variable', async () => {
    const r = await runToExit({
      MONGO_URL: 'mongodb://127.0.0.1:1/x',
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('PROFILES_TOKENS: required but not set');
  });

  it('exits non-zero naming a malformed variable', async () => {
    const r = await runToExit({
      MONGO_URL: 'http://nope',
      REDIS_URL: 'redis://127.0.0.1:1',
      PROFILES_TOKENS: 'carol:secret-token-1',
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('MONGO_URL: must be a URL starting with mongodb://');
  });
});

describe('restart', () => {
  it('starts again on the database a previous run created (indexes already there)', async () => {
    const mongoUrl = testMongoUrl('restart');
    const start = async (): Promise<RunningProcess> => {
      const metricsPort = await freePort();
      return startProcess(
        entry,
        {
          MONGO_URL: mongoUrl,
          REDIS_URL: requireEnv('REDIS_URL'),
          PROFILES_TOKENS: 'carol:boot-token-123456',
          PORT: String(await freePort()),
          METRICS_PORT: String(metricsPort),
          LOG_LEVEL: 'warn',
          EVENTS_STREAM: uniqueName('restart_events'),
          BULLMQ_PREFIX: uniqueName('restart_bull'),
        },
        async () => (await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).ok,
      );
    };
    const first = await start();
    expect(await first.stop()).toBe(0);
    const second = await start();
    expect(second.output()).not.toContain('cannot start');
    expect(await second.stop()).toBe(0);
  });
});

describe('bind address', () => {
  /** Whether a TCP connection to host:port is accepted. */
  const accepts = (host: string, port: number) =>
    new Promise<boolean>((resolve) => {
      const sock = connect(port, host);
      sock.once('connect', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
    });

  it('binds gRPC and /healthz to HOST only (127.0.0.2 is loopback too, but another address)', async () => {
    const port = await freePort();
    const metricsPort = await freePort();
    const proc = await startProcess(
      entry,
      {
        MONGO_URL: testMongoUrl('host'),
        REDIS_URL: requireEnv('REDIS_URL'),
        PROFILES_TOKENS: 'carol:boot-token-123456',
        HOST: '127.0.0.1',
        PORT: String(port),
        METRICS_PORT: String(metricsPort),
        LOG_LEVEL: 'warn',
        EVENTS_STREAM: uniqueName('host_events'),
        BULLMQ_PREFIX: uniqueName('host_bull'),
      },
      async () => (await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).ok,
    );
    try {
      expect(await accepts('127.0.0.1', port)).toBe(true);
      expect(await accepts('127.0.0.2', port)).toBe(false);
      expect(await accepts('127.0.0.2', metricsPort)).toBe(false);
    } finally {
      expect(await proc.stop()).toBe(0);
    }
  });
});

describe('running service', () => {
  let proc: RunningProcess;
  let port: number;
  let metricsPort: number;
  beforeAll(async () => {
    port = await freePort();
    metricsPort = await freePort();
    proc = await startProcess(
      entry,
      {
        MONGO_URL: testMongoUrl('boot'),
        REDIS_URL: requireEnv('REDIS_URL'),
        PROFILES_TOKENS: 'carol:boot-token-123456',
        PORT: String(port),
        METRICS_PORT: String(metricsPort),
        LOG_LEVEL: 'warn',
        EVENTS_STREAM: uniqueName('boot_events'),
        BULLMQ_PREFIX: uniqueName('boot_bull'),
      },
      async () => (await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).ok,
    );
  });
  afterAll(async () => {
    await proc?.stop();
  });

  it('answers the gRPC health check with SERVING for the server and the service', async () => {
    const Health = makeGenericClientConstructor(healthService, 'Health');
    const client = new Health(`127.0.0.1:${port}`, credentials.createInsecure());
    for (const name of ['', 'engagement.v1.ProfilesService']) {
      const check = client.check as (
        req: object,
        opts: object,
        cb: (e: Error | null, r: { status: string }) => void,
      ) => void;
      const res = await new Promise<{ status: string }>((resolve, reject) =>
        check.call(client, { service: name }, { deadline: Date.now() + 5000 }, (e, r) =>
          e ? reject(e) : resolve(r),
        ),
      );
      expect(res.status).toBe('SERVING');
    }
    client.close();
  });

  it('talks to the MongoDB-wire server: an authenticated call round-trips through the database', async () => {
    const client = createProfilesClient({
      addr: `127.0.0.1:${port}`,
      token: 'boot-token-123456',
    });
    const err = await client.call('getUser', { lookup: { $case: 'id', id: 'u_missing' } }).then(
      () => undefined,
      (e: AppError) => e,
    );
    expect(err?.code).toBe('NOT_FOUND');
    // Without the bearer metadata the same call is refused.
    const anon = await new Promise<{ code?: number }>((resolve) =>
      client.raw.getUser({ lookup: { $case: 'id', id: 'u_missing' } }, (e) => resolve(e ?? {})),
    );
    expect(anon.code).toBe(Code.UNAUTHENTICATED);
    client.close();
  });

  it('has server reflection on, listing and describing the service', async () => {
    const protoPath = fileURLToPath(import.meta.resolve('@grpc/reflection')).replace(
      /src[/\\]index\.js$/,
      'proto/grpc/reflection/v1/reflection.proto',
    );
    const def = loadPackageDefinition(loadSync(protoPath, { keepCase: true })) as unknown as {
      grpc: {
        reflection: {
          v1: { ServerReflection: new (addr: string, creds: ChannelCredentials) => Client };
        };
      };
    };
    const client = new def.grpc.reflection.v1.ServerReflection(
      `127.0.0.1:${port}`,
      credentials.createInsecure(),
    );
    const stream = (
      client as unknown as {
        ServerReflectionInfo(): ClientDuplexStream<object, Record<string, unknown>>;
      }
    ).ServerReflectionInfo();
    const replies: Record<string, unknown>[] = [];
    const done = new Promise<void>((resolve, reject) => {
      stream.on('data', (r: Record<string, unknown>) => {
        replies.push(r);
        if (replies.length === 2) stream.end();
      });
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    stream.write({ list_services: '' });
    stream.write({ file_containing_symbol: 'engagement.v1.ProfilesService' });
    await done;
    client.close();
    const names = (
      replies[0]?.list_services_response as { service: { name: string }[] }
    ).service.map((s) => s.name);
    expect(names).toContain('engagement.v1.ProfilesService');
    expect(
      (replies[1]?.file_descriptor_response as { file_descriptor_proto: Buffer[] })
        .file_descriptor_proto.length,
    ).toBeGreaterThan(0);
  });

  it('serves /healthz and /metrics', async () => {
    const health = await fetch(`http://127.0.0.1:${metricsPort}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', checks: { mongo: 'ok', redis: 'ok' } });
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metrics).toContain('profiles_grpc_calls_total');
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(await proc.stop('SIGTERM')).toBe(0);
  });
});
