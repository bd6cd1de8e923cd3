// createServer: the gRPC server with ProfilesService (auth + error wrapper), grpc.health.v1 and
// server reflection. No listening and no globals here; main.ts binds and owns the lifecycle.
import { Server } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import type { Logger } from '@ue/kit';
import { PROFILES_SERVICE_NAME, ProfilesServiceService, protoFiles, protoRoot } from '@ue/proto';
import { HealthImplementation } from 'grpc-health-check';
import type { Registry } from 'prom-client';
import type { Ports } from './app/ports.js';
import { createAuthenticator, type CallerToken } from './adapters/grpc/auth.js';
import { createHandlers } from './adapters/grpc/handlers.js';
import { guardRequests } from './adapters/grpc/request-guard.js';
import type { WatchDeps } from './adapters/grpc/watch.js';
import { createWrapper } from './adapters/grpc/wrap.js';

export interface ServerDeps {
  ports: Ports;
  watch: WatchDeps;
  tokens: readonly CallerToken[];
  log: Logger;
  registry: Registry;
  /** Largest media file UploadMedia keeps (MEDIA_MAX_BYTES; default 100 MiB). */
  mediaMaxBytes?: number;
}

export interface ProfilesServer {
  server: Server;
  health: HealthImplementation;
}

export function createServer(deps: ServerDeps): ProfilesServer {
  const server = new Server({ 'grpc.max_receive_message_length': 16 * 1024 * 1024 });
  const wrap = createWrapper(createAuthenticator(deps.tokens), deps.log, deps.registry);
  server.addService(
    guardRequests(ProfilesServiceService),
    createHandlers(
      {
        ports: deps.ports,
        watch: deps.watch,
        options: { mediaMaxBytes: deps.mediaMaxBytes ?? 100 * 1024 * 1024 },
      },
      wrap,
    ),
  );
  const health = new HealthImplementation({ '': 'SERVING', [PROFILES_SERVICE_NAME]: 'SERVING' });
  health.addToServer(server);
  const definition = loadSync([...protoFiles], { includeDirs: [protoRoot], keepCase: true });
  new ReflectionService(definition).addToServer(server);
  return { server, health };
}
