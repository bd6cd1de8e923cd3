// Seeded fuzz of the running service (loopback only): hostile bodies from test/fuzz-arbitraries.ts
// posted to the real endpoint, each with a valid delivery beside it, the worker applying what was
// accepted to a real profiles process. Properties:
//   - the endpoint never answers 5xx: 200, 400, 401 or 413, exactly as the body warrants;
//   - whatever it accepts, the worker's parser reads (never "body is not JSON") without throwing,
//     and every event it makes passes profiles' rules;
//   - nothing is dead-lettered for a reason other than the documented "malformed delivery";
//   - every valid delivery sent alongside is stored.
// FUZZ_SEED=<n> replays a run; FUZZ_RUNS=<n> changes its length.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWhatsappDelivery } from '../src/providers/whatsapp/parser.js';
import { readJson } from '../src/providers/whatsapp/json.js';
import { ACCOUNT, validText } from './bodies.js';
import { assertWithSeed, fuzzSeed, hostileBody } from './fuzz-arbitraries.js';
import { APP_SECRET, drained, postWebhook, signBody } from './helpers.js';
import { profilesRefusal } from './profiles-rules.js';
import { startPipeline, type Pipeline } from './pipeline.js';

const MAX_BYTES = 3 * 1024 * 1024;
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
let p: Pipeline;

beforeAll(async () => {
  p = await startPipeline(
    'ingest_fuzz',
    // A retried job would mean a refusal nobody documented: surface it as a dead letter fast.
    { WEBHOOK_ATTEMPTS: '2', RETRY_BASE_MS: '100', RETRY_MAX_MS: '200' },
  );
});

afterAll(() => p?.stop());

type Signing = 'signed' | 'unsigned' | 'wrong secret';

/** The answer the endpoint owes a body: size first, then signature, then JSON. */
function expectedStatus(body: Buffer, signing: Signing): number {
  if (body.length > MAX_BYTES) return 413;
  if (signing !== 'signed') return 401;
  return readJson(body).ok ? 200 : 400; // the worker's reader decides
}

/** Problems of a body the endpoint accepted, as the worker will see them. */
function workerFaults(body: Buffer): string[] {
  const parsed = parseWhatsappDelivery(body, new Date());
  // "body is not JSON", "body is not UTF-8", "body is nested deeper than …": the reader refused.
  const unreadable = parsed.problems.filter(
    (p) => p.startsWith('body is ') && !p.startsWith('body is not a webhook envelope'),
  );
  const refused = parsed.events.map(profilesRefusal).filter((r) => r !== undefined);
  return [...unreadable, ...refused];
}

const signing = fc.constantFrom<Signing>(
  'signed',
  'signed',
  'signed',
  'signed',
  'unsigned',
  'wrong secret',
);
const oversize = fc.oneof(
  { weight: 19, arbitrary: fc.constant(0) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 64 * 1024 }) },
);

describe('fuzz: the endpoint, the worker and profiles', () => {
  it('answers only 200/400/401/413, reads what it accepts, and keeps valid deliveries flowing', async () => {
    const seed = fuzzSeed();
    console.log(`fuzz.int: seed ${seed} (FUZZ_SEED=${seed} replays), ${RUNS} runs`);
    const valid: Array<{ waId: string; wamid: string }> = [];
    let accepted = 0;

    const property = fc.asyncProperty(
      hostileBody,
      signing,
      oversize,
      async (generated, how, pad) => {
        const raw = generated.bytes;
        // Padding past the limit keeps the body's own bytes first (413 before anything else); a
        // generated body already past it needs none.
        const fill = Math.max(0, MAX_BYTES + pad - raw.length);
        const body = pad > 0 ? Buffer.concat([raw, Buffer.alloc(fill, 0x20)]) : raw;
        const signature =
          how === 'signed'
            ? signBody(body, APP_SECRET)
            : how === 'wrong secret'
              ? signBody(body, 'x')
              : undefined;
        const alongside = validText('valid delivery sent alongside');
        valid.push(alongside);
        const [res, ok] = await Promise.all([
          postWebhook(p.ingest.url, body, signature),
          postWebhook(p.ingest.url, alongside.body, signBody(alongside.body, APP_SECRET)),
        ]);
        await res.arrayBuffer();
        expect(ok.status).toBe(200);
        expect(res.status).toBe(expectedStatus(body, how));
        if (res.status === 200) {
          accepted++;
          expect(workerFaults(body)).toEqual([]);
        }
      },
    );
    await assertWithSeed(property, { seed, numRuns: RUNS, endOnFailure: true });
    expect(accepted).toBeGreaterThan(RUNS / 4);

    await drained(p.queue, 60_000);
    const reasons = (await p.queue.getFailed()).map((j) => j.failedReason);
    // The one documented dead letter: a signed body the parser cannot (fully) read.
    expect(reasons.filter((r) => !r.startsWith('malformed delivery: '))).toEqual([]);
    for (const v of valid) {
      const user = await p.client.user(ACCOUNT, { waId: v.waId });
      const wamids = user ? (await p.client.messages(user.id)).map((m) => m.wamid) : [];
      expect(wamids, `seed ${seed}: valid delivery ${v.wamid}`).toContain(v.wamid);
    }
  }, 120_000);
});
