// A profiles client for the benchmarks, with the bearer token on every call.
import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { ProfilesServiceClient } from '@ue/proto';

export type Profiles = InstanceType<typeof ProfilesServiceClient>;

export function connect(addr: string): Profiles {
  return new ProfilesServiceClient(addr, credentials.createInsecure(), {
    'grpc.max_receive_message_length': 16 * 1024 * 1024,
  });
}

export function auth(token: string): Metadata {
  const md = new Metadata();
  md.set('authorization', `Bearer ${token}`);
  return md;
}

/** Promisify one unary call: call(client.getUser.bind(client), req, md). */
export function unary<Req, Res>(
  fn: (
    req: Req,
    md: Metadata,
    opts: { deadline: number },
    cb: (err: ServiceError | null, res: Res) => void,
  ) => unknown,
  req: Req,
  md: Metadata,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    fn(req, md, { deadline: Date.now() + 30_000 }, (err, res) =>
      err ? reject(err) : resolve(res),
    );
  });
}
