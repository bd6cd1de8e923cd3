// Load the demo data set into a running stack (./dev up does this): inbound messages and
// delivery statuses as webhooks signed like Meta's, agent work over gRPC as "carol".
//
//   INGEST_URL=http://127.0.0.1:7203 WHATSAPP_APP_SECRET=... PROFILES_ADDR=127.0.0.1:7204 \
//   PROFILES_TOKEN=<agent token> npm run demo -w @ue/demo
//
// Deterministic ids make a second run add nothing (see src/dataset.ts).
import { exitOnStartupError } from '@ue/kit';
import { createProfilesClient } from '@ue/profiles-client';
import { loadConfig, type Config } from './config.js';
import { loadDemo } from './load-demo.js';
import { webhookPoster } from './webhooks.js';

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  exitOnStartupError('demo', err);
}

// Calls wait for a profiles that is still starting, up to their deadline.
const profiles = createProfilesClient({
  addr: config.PROFILES_ADDR,
  token: config.PROFILES_TOKEN,
  deadlineMs: 15_000,
  waitForReady: true,
});
const t0 = Date.now();
const lap = (phase: string): void => {
  if (config.DEMO_TIMING) process.stderr.write(`${phase}: ${Date.now() - t0} ms\n`);
};
const postWebhook = webhookPoster(config.INGEST_URL, config.WHATSAPP_APP_SECRET[0]!);

loadDemo(
  { profiles, postWebhook, lap, sandboxUrl: config.SANDBOX_URL },
  Math.floor(Date.now() / 1000),
).then(
  (line) => {
    process.stdout.write(`${line}\n`);
    profiles.close();
    process.exit(0);
  },
  (err: unknown) => {
    process.stderr.write(`demo: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
