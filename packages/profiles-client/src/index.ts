export {
  createProfilesClient,
  DEFAULT_CHANNEL_OPTIONS,
  DEFAULT_DEADLINE_MS,
  UPLOAD_CHUNK_BYTES,
  type CallOptions,
  type ProfilesClient,
  type ProfilesClientOptions,
} from './client.js';
export { FIELD_METADATA_KEY, toAppError } from './errors.js';
export type { MethodName, RequestOf, ResponseOf, StreamMethod, UnaryMethod } from './methods.js';
