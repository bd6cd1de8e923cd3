// The real local model (node-llama-cpp + the GGUF ./dev provisions) reviewing one short
// conversation through the built service: REVIEW_PROVIDER=local, the default of ./dev up.
// Asserts a schema-valid review recorded in profiles, not its wording.
import { existsSync } from 'node:fs';
import { ListReviewsRequest, ReviewState, Sentiment, type Review } from '@ue/proto';
import { freePort, requireEnv, startProcess, type RunningProcess } from '@ue/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as h from './harness.js';

let profiles: h.Profiles;
let review: RunningProcess | undefined;

beforeAll(async () => {
  // Exported by scripts/lib.sh (./dev test), which fetches the model first.
  const modelPath = process.env.UE_MODEL_PATH ?? '';
  if (!modelPath || !existsSync(modelPath))
    throw new Error(`the local review model is missing at ${modelPath} (./dev setup fetches it)`);
  profiles = await h.startProfiles('review_local');
  const port = await freePort();
  review = await startProcess(
    h.REVIEW_ENTRY,
    {
      REDIS_URL: requireEnv('REDIS_URL'),
      PROFILES_ADDR: profiles.svc.addr,
      PROFILES_TOKEN: h.TOKENS.review,
      REVIEW_PROVIDER: 'local',
      REVIEW_MODEL_PATH: modelPath,
      REVIEW_QUIET_MS: '4000',
      REVIEW_NICE: '0',
      // The other test files keep the CPU busy; this test is about the model's answer.
      REVIEW_YIELD_ABOVE: '1',
      BULLMQ_PREFIX: profiles.prefix,
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
  await profiles?.stop();
});

it('reviews a short conversation with the real local model', async () => {
  const wa = '4917612345999';
  // Recent: the review is due 4 s after the reply, so it covers both messages.
  const t0 = Date.now() - 1000;
  await h.inbound(profiles.client, {
    waId: wa,
    wamid: 'wamid.local.1',
    text: 'Hallo, mein Paket 4713 ist seit einer Woche nicht da. Wo ist es?',
    at: new Date(t0),
  });
  const user = await h.userOf(profiles.client, wa);
  await h.outbound(profiles.client, {
    userId: user.id,
    wamid: 'wamid.local.2',
    text: 'Das tut mir leid! Ihr Paket liegt im Verteilzentrum Leipzig und kommt morgen.',
    at: new Date(t0 + 500),
  });
  let reviews: Review[] = [];
  const deadline = Date.now() + 280_000;
  while (Date.now() < deadline) {
    reviews = (
      await profiles.client.call('listReviews', ListReviewsRequest.fromPartial({ userId: user.id }))
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
