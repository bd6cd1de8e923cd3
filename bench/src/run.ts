// Benchmarks against a running stack (./dev bench starts one). Prints a Markdown report.
//   INGEST_URL, WHATSAPP_APP_SECRET, PROFILES_ADDR, PROFILES_TOKEN   (./dev bench sets them)
//   BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 20), BENCH_PIPELINE_USERS/MESSAGES
import autocannon from 'autocannon';
import { cpus } from 'node:os';
import { randomBytes } from 'node:crypto';
import { createProfilesClient, type ProfilesClient } from '@ue/profiles-client';
import { GetUserRequest, ListUsersRequest, UserSort } from '@ue/proto';
import { benchSetting } from './config.js';
import { fmtMs, summarize } from './stats.js';
import { BENCH_ACCOUNT, benchTextWebhook, benchWaId, sign } from './webhook.js';

const env = benchSetting;
const INGEST = env('INGEST_URL', 'http://127.0.0.1:7203');
const SECRET = env('WHATSAPP_APP_SECRET').split(',')[0]!;
const SECONDS = Number(env('BENCH_SECONDS', '10'));
const ACCEPT_SECONDS = Number(env('BENCH_ACCEPT_SECONDS', '5'));
const CONNECTIONS = Number(env('BENCH_CONNECTIONS', '20'));
const runId = randomBytes(4).toString('hex');
const lines: string[] = [];
const out = (s = ''): void => {
  lines.push(s);
  console.log(s);
};

async function webhookAccept(): Promise<void> {
  let seq = 0;
  const now = Math.floor(Date.now() / 1000);
  const result = await autocannon({
    url: `${INGEST}/webhooks/whatsapp`,
    connections: CONNECTIONS,
    duration: ACCEPT_SECONDS,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          seq += 1;
          const body = benchTextWebhook({
            user: 1000 + (seq % 500),
            seq,
            runId: `acc${runId}`,
            nowSec: now,
          });
          return {
            ...req,
            body,
            headers: {
              'content-type': 'application/json',
              'x-hub-signature-256': sign(body, SECRET),
            },
          };
        },
      },
    ],
  });
  const ok = result['2xx'];
  out(
    `| webhook accept (POST, verify HMAC, BullMQ add) | ${CONNECTIONS} connections, ${ACCEPT_SECONDS} s | ${Math.round(result.requests.average)} req/s | ${result.latency.p50} | ${result.latency.p99} | ${ok} ok, ${result.non2xx} non-2xx, ${result.errors} errors |`,
  );
}

async function pipeline(profiles: ProfilesClient): Promise<void> {
  const users = Number(env('BENCH_PIPELINE_USERS', '100'));
  const perUser = Number(env('BENCH_PIPELINE_MESSAGES', '20'));
  const now = Math.floor(Date.now() / 1000);
  const bodies: string[] = [];
  for (let s = 0; s < perUser; s++)
    for (let u = 0; u < users; u++)
      bodies.push(benchTextWebhook({ user: u, seq: s, runId: `pipe${runId}`, nowSec: now }));
  const t0 = performance.now();
  let next = 0;
  const post = async (): Promise<void> => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      const res = await fetch(`${INGEST}/webhooks/whatsapp`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body, SECRET) },
      });
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, post));
  const accepted = performance.now() - t0;
  const baseline = new Map<number, number>();
  const counted = async (): Promise<number> => {
    let total = 0;
    await Promise.all(
      Array.from({ length: users }, async (_, u) => {
        const r = await profiles
          .call(
            'getUser',
            GetUserRequest.fromPartial({
              lookup: {
                $case: 'accountUser',
                accountUser: { accountId: BENCH_ACCOUNT, user: { waId: benchWaId(u) } },
              },
            }),
          )
          .catch(() => undefined);
        total += (r?.user?.counters?.inboundMessages ?? 0) - (baseline.get(u) ?? 0);
      }),
    );
    return total;
  };
  let applied = 0;
  const deadline = Date.now() + 300_000;
  while (applied < bodies.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1000));
    applied = await counted();
  }
  const total = performance.now() - t0;
  out(
    `| webhook → queue → worker → profiles, applied | ${bodies.length} messages, ${users} users | ${Math.round((applied / total) * 1000)} msg/s | all accepted in ${fmtMs(accepted)} ms | all applied in ${fmtMs(total)} ms | ${applied}/${bodies.length} applied |`,
  );
}

async function grpcLoad(name: string, call: () => Promise<unknown>): Promise<void> {
  const samples: number[] = [];
  const until = Date.now() + SECONDS * 1000;
  let errors = 0;
  const worker = async (): Promise<void> => {
    while (Date.now() < until) {
      const t = performance.now();
      try {
        await call();
        samples.push(performance.now() - t);
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const s = summarize(samples);
  out(
    `| profiles ${name} | 8 concurrent, ${SECONDS} s | ${Math.round(s.count / SECONDS)} calls/s | ${fmtMs(s.p50)} | ${fmtMs(s.p99)} | ${errors} errors |`,
  );
}

async function main(): Promise<void> {
  const profiles = createProfilesClient({
    addr: env('PROFILES_ADDR', '127.0.0.1:7204'),
    token: env('PROFILES_TOKEN'),
    deadlineMs: 30_000,
    channelOptions: { 'grpc.max_receive_message_length': 16 * 1024 * 1024 },
  });
  out(
    `Run ${new Date().toISOString()} on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
  );
  out();
  out('| benchmark | load | throughput | p50 ms | p99 ms | notes |');
  out('|---|---|---|---|---|---|');
  // The pipeline first, on an idle queue; the accept test last, because it leaves thousands of
  // queued jobs that the worker drains afterwards.
  await pipeline(profiles);
  await grpcLoad('ListUsers (first page, by last activity)', () =>
    profiles.call(
      'listUsers',
      ListUsersRequest.fromPartial({ sort: UserSort.LAST_ACTIVITY_DESC, pageSize: 50 }),
    ),
  );
  await grpcLoad('ListUsers search "bench user 4"', () =>
    profiles.call(
      'listUsers',
      ListUsersRequest.fromPartial({
        query: 'bench user 4',
        sort: UserSort.LAST_ACTIVITY_DESC,
        pageSize: 50,
      }),
    ),
  );
  await grpcLoad('GetUser by phone "+49 170 09000042"', () =>
    profiles.call(
      'getUser',
      GetUserRequest.fromPartial({
        lookup: { $case: 'phone', phone: { phone: '+49 170 09000042' } },
      }),
    ),
  );
  await webhookAccept();
  profiles.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
