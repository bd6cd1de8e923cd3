// The RPCs of engagement.v1.ProfilesService as types, read off the generated service
// definition, so a call names its method and gets that method's request and response types.
import type { ProfilesServiceService } from '@ue/proto';

export type MethodName = keyof ProfilesServiceService;

/** RPCs of one request and one response (callable with `call`). */
export type UnaryMethod = {
  [M in MethodName]: ProfilesServiceService[M]['responseStream'] extends false
    ? ProfilesServiceService[M]['requestStream'] extends false
      ? M
      : never
    : never;
}[MethodName];

/** RPCs answered with a stream of responses (`watchEvents`, `exportUser`; use `stream`). */
export type StreamMethod = {
  [M in MethodName]: ProfilesServiceService[M]['responseStream'] extends true ? M : never;
}[MethodName];

export type RequestOf<M extends MethodName> = ReturnType<
  ProfilesServiceService[M]['requestDeserialize']
>;
export type ResponseOf<M extends MethodName> = ReturnType<
  ProfilesServiceService[M]['responseDeserialize']
>;

/** What grpc-js needs to make a call of method M (a slice of the generated definition). */
export interface MethodDefinition<M extends MethodName> {
  path: string;
  requestSerialize: (value: RequestOf<M>) => Buffer;
  responseDeserialize: (bytes: Buffer) => ResponseOf<M>;
}
