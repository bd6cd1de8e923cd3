// The MongoDB-wire server stops (SIGTERM, then SIGKILL) and comes back while calls run: every call
// answers OK or UNAVAILABLE (retryable), never INTERNAL or UNKNOWN, and retrying what was refused
// ends with exact counts. This file starts its own secantusd-rs (as packages/testing does) so it
// can stop and restart it without disturbing the other test files.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status as Code, type ServiceError } from '@grpc/grpc-js';
import { freePort, spawnSecantus, waitForPort } from '@ue/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, batch, inboundText, ref, t } from './events.js';
import { call, startHarness, type Harness } from './harness.js';

let dir: string;
let port: number;
let db: ChildProcess | undefined;
let h: Harness;

async function startDb(): Promise<void> {
  db = spawnSecantus({ port, dir, cacheSize: '256M' });
  await waitForPort(port, 60_000);
}

async function stopDb(signal: NodeJS.Signals): Promise<void> {
  const child = db;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'profiles-db-restart-'));
  port = await freePort();
  await startDb();
  // A short server selection: calls made while the server is away answer within a second.
  h = await startHarness('restart', {
    mongo: { url: `mongodb://127.0.0.1:${port}/restart`, selectionMs: 1000 },
  });
});
afterAll(async () => {
  await h?.close();
  await stopDb('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

const ANA = ref('4915112345670');
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => Code.OK,
    (e: ServiceError) => e.code,
  );
const user = () =>
  call(h.client, 'getUser', {
    lookup: { $case: 'accountUser', accountUser: { accountId: ACCOUNT, user: ANA } },
  });
const send = (i: number) =>
  call(h.client, 'applyWebhookEvents', batch(inboundText(`wamid.R${i}`, ANA, `m ${i}`, t(i))));

let next = 0;
/**
 * Writers (one new message per call) and readers run while `outage` stops and restarts the
 * server; returns the status codes seen and the messages whose batch was refused.
 */
async function underLoad(outage: () => Promise<void>) {
  const userId = (await user()).user!.id;
  const codes = new Map<number, number>();
  const sent: number[] = [];
  const refused: number[] = [];
  let running = true;
  const count = (code: number) => codes.set(code, (codes.get(code) ?? 0) + 1);
  const writer = async () => {
    while (running) {
      const i = (next += 1);
      sent.push(i);
      const code = await codeOf(send(i));
      if (code !== Code.OK) refused.push(i);
      count(code);
    }
  };
  const fact = (value: string) => ({
    key: 'seen',
    value,
    confidence: 1,
    sourceMessageId: '',
    retract: false,
  });
  const reader = async () => {
    while (running) {
      count(await codeOf(user()));
      count(
        await codeOf(
          call(h.client, 'listMessages', { userId, pageSize: 20, pageToken: '', personId: '' }),
        ),
      );
      count(
        await codeOf(
          call(h.client, 'upsertFacts', { userId, facts: [fact(String(next))], author: undefined }),
        ),
      );
    }
  };
  const load = [writer(), writer(), writer(), reader(), reader()];
  await pause(700);
  await outage();
  await pause(1500);
  running = false;
  await Promise.all(load);
  return { codes, sent, refused };
}

async function storedWamids(): Promise<Set<string>> {
  const docs = await h.mongo.cols.messages.find({}, { projection: { wamid: 1 } }).toArray();
  return new Set(docs.map((m) => m.wamid));
}

describe('the database stopping and restarting under load', () => {
  beforeAll(async () => {
    await send(0);
  });

  it('a graceful stop (SIGTERM): only OK or UNAVAILABLE, and the retried writes end exact', async () => {
    const { codes, sent, refused } = await underLoad(async () => {
      await stopDb('SIGTERM');
      await pause(1500);
      await startDb();
    });
    expect([...codes.keys()].sort()).toEqual(
      [Code.OK, Code.UNAVAILABLE].filter((c) => codes.has(c)),
    );
    expect(codes.get(Code.UNAVAILABLE) ?? 0).toBeGreaterThan(0); // the outage was noticed
    // Retryable means it: each refused batch, sent again, is applied exactly once.
    for (const i of refused) await send(i);
    const stored = await storedWamids();
    expect(sent.filter((i) => !stored.has(`wamid.R${i}`))).toEqual([]);
    expect((await user()).user?.counters?.inboundMessages).toBe(stored.size);
  });

  it('a crash (SIGKILL): only OK or UNAVAILABLE, and what is stored is counted once', async () => {
    const { codes, refused } = await underLoad(async () => {
      await stopDb('SIGKILL');
      await pause(1500);
      await startDb();
    });
    expect([...codes.keys()].sort()).toEqual(
      [Code.OK, Code.UNAVAILABLE].filter((c) => codes.has(c)),
    );
    expect(codes.get(Code.UNAVAILABLE) ?? 0).toBeGreaterThan(0);
    for (const i of refused) await send(i);
    const stored = await storedWamids();
    // secantusd-rs may lose writes it acknowledged just before a SIGKILL (even with w: majority,
    // j: true); what survived is consistent: every refused batch stored, counted exactly once.
    expect(refused.filter((i) => !stored.has(`wamid.R${i}`))).toEqual([]);
    expect((await user()).user?.counters?.inboundMessages).toBe(stored.size);
  });
});
