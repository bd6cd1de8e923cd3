// A client that writes requests the way any protobuf library may, not only the way ts-proto does:
// plain objects with the .proto field names, int64 as decimal strings (Timestamp seconds beyond
// 2^53 or before year 1 reach the server exactly), enums as any number. For hostile-input tests.
import {
  Client,
  credentials,
  type Metadata,
  type status,
  type ServiceError,
  type StatusObject,
} from '@grpc/grpc-js';
import { loadSync, type ServiceDefinition } from '@grpc/proto-loader';
import { protoFiles, protoRoot } from '@ue/proto';
import { auth } from './harness.js';

const definition = loadSync([...protoFiles], {
  includeDirs: [protoRoot],
  keepCase: true,
  longs: String,
  enums: Number,
  defaults: false,
  oneofs: true,
});
const service = definition['engagement.v1.ProfilesService'] as ServiceDefinition;

/** Unary methods by their .proto name ("GetStats"): one request, one response. */
export const UNARY_METHODS = Object.keys(service).filter(
  (m) => !service[m]!.responseStream && !service[m]!.requestStream,
);

export interface RawReply {
  /** gRPC status code (0 = OK). */
  code: status;
  details: string;
  /** The `x-field` trailer of an INVALID_ARGUMENT. */
  field?: string;
  response?: Record<string, unknown>;
}

export interface RawClient {
  call(method: string, req: object, md?: Metadata): Promise<RawReply>;
  close(): void;
}

export function createRawClient(addr: string): RawClient {
  const client = new Client(addr, credentials.createInsecure(), {
    'grpc.max_send_message_length': 32 * 1024 * 1024,
  });
  return {
    call(method, req, md = auth()) {
      const m = service[method];
      if (!m) throw new Error(`no method ${method}`);
      return new Promise((resolve) => {
        client.makeUnaryRequest(
          m.path,
          m.requestSerialize,
          m.responseDeserialize as (b: Buffer) => Record<string, unknown>,
          req,
          md,
          { deadline: Date.now() + 20_000 },
          (err: ServiceError | null, res?: Record<string, unknown>) => {
            if (!err) return resolve({ code: 0 as status, details: '', response: res });
            const trailers = (err as Partial<StatusObject>).metadata;
            const field = trailers?.get('x-field')[0];
            resolve({
              code: err.code,
              details: err.details,
              ...(field !== undefined ? { field: String(field) } : {}),
            });
          },
        );
      });
    },
    close: () => client.close(),
  };
}

/** A Timestamp as a caller writes it: seconds as a decimal string. */
export const ts = (seconds: bigint | number | string, nanos = 0) => ({
  seconds: String(seconds),
  nanos,
});
