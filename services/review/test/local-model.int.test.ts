// The real local model (node-llama-cpp + the GGUF ./dev provisions) reviewing one short
// conversation through the built service: REVIEW_PROVIDER=local, the default of ./dev up.
// Asserts a schema-valid review recorded in profiles, not its wording.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createProfilesClient, type ProfilesClient } from '@ue/profiles-client';
import {
  ActorKind,
  ApplyWebhookEventsRequest,
  GetUserRequest,
  ListReviewsRequest,
  MessageContent,
  MessageType,
  RecordOutboundMessageRequest,
  ReviewState,
  Sentiment,
  WebhookEvent,
  type Review,
} from '@ue/proto';
import {
  freePort,
  requireEnv,
  startProcess,
  startProfilesService,
  uniqueName,
  type ProfilesService,
  type RunningProcess,
} from '@ue/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';

const ENTRY = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const TOKENS = { ingest: 'tok-ingest-0123456789', review: 'tok-review-0123456789' };
const ACCOUNT = '117733559900011';

let profilesSvc: ProfilesService;
let client: ProfilesClient;
let review: RunningProcess | undefined;

beforeAll(async () => {
  // Exported by scripts/lib.sh (./dev test), which fetches the model first.
  const modelPath = process.env.UE_MODEL_PATH ?? '';
  if (!modelPath || !existsSync(modelPath))
    throw new Error(`the local review model is missing at ${modelPath} (./dev setup fetches it)`);
  const prefix = uniqueName('rvl');
  const mongo = new URL(requireEnv('MONGO_URL'));
  mongo.pathname = `/${uniqueName('review_local')}`;
  profilesSvc = await startProfilesService({
    entry: createRequire(import.meta.url).resolve('@ue/profiles'),
    mongoUrl: mongo.toString(),
    redisUrl: requireEnv('REDIS_URL'),
    prefix,
    tokens: `ingest:${TOKENS.ingest},review:${TOKENS.review}`,
  });
  client = createProfilesClient({ addr: profilesSvc.addr, token: TOKENS.ingest });
  const port = await freePort();
  review = await startProcess(
    ENTRY,
    {
      REDIS_URL: requireEnv('REDIS_URL'),
      PROFILES_ADDR: profilesSvc.addr,
      PROFILES_TOKEN: TOKENS.review,
      REVIEW_PROVIDER: 'local',
      REVIEW_MODEL_PATH: modelPath,
      REVIEW_QUIET_MS: '4000',
      REVIEW_NICE: '0',
      // The other test files keep the CPU busy; this test is about the model's answer.
      REVIEW_YIELD_ABOVE: '1',
      BULLMQ_PREFIX: prefix,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
    },
    {
      check: async () => {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        return (
          res.status === 200 && ((await res.json()) as { following?: boolean }).following === true
        );
      },
      timeoutMs: 120_000,
    },
  );
}, 180_000);

afterAll(async () => {
  await review?.stop();
  client?.close();
  await profilesSvc?.proc.stop();
});

it('reviews a short conversation with the real local model', async () => {
  const wa = '4917612345999';
  // Recent: the review is due 4 s after the reply, so it covers both messages.
  const t0 = Date.now() - 1000;
  await client.call(
    'applyWebhookEvents',
    ApplyWebhookEventsRequest.fromPartial({
      events: [
        WebhookEvent.fromPartial({
          accountId: ACCOUNT,
          wabaId: '104857600112233',
          occurredAt: new Date(t0),
          event: {
            $case: 'inboundMessage',
            inboundMessage: {
              wamid: 'wamid.local.1',
              from: { waId: wa, bsuid: '', parentBsuid: '' },
              content: MessageContent.fromPartial({
                type: MessageType.TEXT,
                text: 'Hallo, mein Paket 4713 ist seit einer Woche nicht da. Wo ist es?',
              }),
            },
          },
        }),
      ],
    }),
  );
  const user = (
    await client.call(
      'getUser',
      GetUserRequest.fromPartial({
        lookup: { $case: 'phone', phone: { accountId: ACCOUNT, phone: `+${wa}` } },
      }),
    )
  ).user!;
  await client.call(
    'recordOutboundMessage',
    RecordOutboundMessageRequest.fromPartial({
      userId: user.id,
      wamid: 'wamid.local.2',
      content: MessageContent.fromPartial({
        type: MessageType.TEXT,
        text: 'Das tut mir leid! Ihr Paket liegt im Verteilzentrum Leipzig und kommt morgen.',
      }),
      author: { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol' },
      sentAt: new Date(t0 + 500),
    }),
  );
  let reviews: Review[] = [];
  const deadline = Date.now() + 280_000;
  while (Date.now() < deadline) {
    reviews = (
      await client.call('listReviews', ListReviewsRequest.fromPartial({ userId: user.id }))
    ).reviews;
    if (reviews.length) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  expect(reviews.length).toBeGreaterThan(0);
  const r = reviews[0]!;
  // A failed attempt would carry its reason; show it if so.
  expect(r.error).toBe('');
  expect(r.state).toBe(ReviewState.DONE);
  expect(r.provider).toBe('local');
  expect(r.model).toMatch(/qwen2\.5-coder-1\.5b/);
  expect(r.summary.length).toBeGreaterThan(10);
  expect(r.topics.length).toBeGreaterThan(0);
  expect([Sentiment.POSITIVE, Sentiment.NEUTRAL, Sentiment.NEGATIVE]).toContain(r.sentiment);
  expect(r.criteria).toHaveLength(5);
  for (const c of r.criteria) {
    expect(c.score).toBeGreaterThanOrEqual(0);
    expect(c.score).toBeLessThanOrEqual(10);
    expect(c.reason.length).toBeGreaterThan(0);
  }
  expect(r.score).toBeGreaterThanOrEqual(0);
  expect(r.score).toBeLessThanOrEqual(r.signals!.scoreCap);
  expect(r.range?.messageCount).toBe(2);
}, 300_000);
