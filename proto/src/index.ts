// Public surface of the contract package: generated types, service definitions, and the few
// constants both ends of a queue must agree on.
import { fileURLToPath } from 'node:url';

export * from './gen/engagement/v1/common.js';
export * from './gen/engagement/v1/webhook_events.js';
export * from './gen/engagement/v1/profiles_service.js';

/** Folder holding the .proto files (for server reflection and proto-loader based tools). */
export const protoRoot: string = fileURLToPath(new URL('../', import.meta.url));

/** Proto files of the contract, relative to protoRoot. */
export const protoFiles: readonly string[] = [
  'engagement/v1/common.proto',
  'engagement/v1/webhook_events.proto',
  'engagement/v1/profiles_service.proto',
];

/** BullMQ queue that carries OutboundJob payloads from profiles to ingest's sender. */
export const OUTBOUND_QUEUE = 'outbound';

/** Fully qualified name of the service, for health checks and reflection. */
export const PROFILES_SERVICE_NAME = 'engagement.v1.ProfilesService';
