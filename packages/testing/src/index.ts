export { databaseOf, uniqueName, withDatabase } from './urls.js';
export {
  freePort,
  provideServers,
  secantusBinary,
  spawnSecantus,
  waitForPort,
  type Servers,
} from './servers.js';
export {
  startProfilesService,
  type ProfilesService,
  type ProfilesServiceOptions,
} from './profiles-process.js';
export { startProcess, type RunningProcess } from './process.js';
export { requireEnv, testMongoUrl } from './env.js';
export { signWebhook, statusWebhook, textWebhook } from './webhooks.js';
export { FIXTURES_DIR, fixture, fixtureNames } from './fixtures.js';
