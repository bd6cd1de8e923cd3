// Composition root: read config, open Redis and the profiles client, bootstrap the first
// admin, listen, and close everything in reverse order on SIGTERM/SIGINT.
import { serve } from '@hono/node-server';
import { createLogger, exitOnStartupError, handleShutdown } from '@ue/kit';
import { createProfilesClient } from '@ue/profiles-client';
import { publicDir } from '@ue/web';
import { Redis } from 'ioredis';
import { createApp } from './app.js';
import { createAdminStore } from './auth/admins.js';
import { createLoginLimiter } from './auth/login-limiter.js';
import { createSessionStore } from './auth/sessions.js';
import { createAccountDirectory } from './accounts/directory.js';
import { createProfilesApi } from './clients/profiles.js';
import { loadConfig } from './config.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger('bff', config.logLevel);
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 2, enableOfflineQueue: true });
  redis.on('error', (err) => log.warn({ err: err.message }, 'redis error'));
  const profiles = createProfilesApi(
    createProfilesClient({ addr: config.profilesAddr, token: config.profilesToken }),
  );
  const admins = createAdminStore(redis, config.redisKeyPrefix);

  if (config.bootstrapAdmin && (await admins.count()) === 0) {
    const admin = await admins.create(config.bootstrapAdmin.email, config.bootstrapAdmin.password);
    log.info({ adminId: admin.id }, 'first admin created from ADMIN_EMAIL / ADMIN_PASSWORD');
  }

  const app = createApp({
    profiles,
    accounts: createAccountDirectory({ profiles, log }),
    admins,
    sessions: createSessionStore(redis, config.sessionTtlSeconds, config.redisKeyPrefix),
    limiter: createLoginLimiter(redis, { prefix: `${config.redisKeyPrefix}login` }),
    redisReachable: async () => (await redis.ping()) === 'PONG',
    log,
    settings: {
      basePath: config.basePath,
      sessionSecret: config.sessionSecret,
      cookieSecure: config.cookieSecure,
      sessionTtlSeconds: config.sessionTtlSeconds,
      timeZone: config.timeZone,
      staticRoot: publicDir,
      pageSizes: { users: config.usersPageSize, messages: 40 },
      trustedProxies: config.trustedProxies,
      media: config.media,
    },
  });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) =>
    log.info(
      { host: config.host, port: info.port, basePath: config.basePath || '/' },
      'bff listening',
    ),
  );
  handleShutdown(log, [
    { name: 'redis', close: () => redis.quit() },
    { name: 'profiles', close: () => Promise.resolve(profiles.close()) },
    {
      name: 'http',
      close: () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          // SSE streams stay open forever: cut them so close() can finish.
          (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        }),
    },
  ]);
}

main().catch((err: unknown) => exitOnStartupError('bff', err));
