// gRPC client for profiles: bearer metadata on every call, a deadline on every call, and
// transport errors turned into AppError (retryable or not) in one place.
import { Metadata, credentials, connectivityState, type ServiceError } from '@grpc/grpc-js';
import { AppError, errorCodeOfGrpc } from '@ue/kit';
import {
  ProfilesServiceClient,
  type ApplyWebhookEventsRequest,
  type ApplyWebhookEventsResponse,
} from '@ue/proto';

export interface ProfilesClient {
  applyWebhookEvents(req: ApplyWebhookEventsRequest): Promise<ApplyWebhookEventsResponse>;
  /** True when a connection to profiles is (or can promptly be) established. */
  reachable(timeoutMs: number): Promise<boolean>;
  close(): void;
  /** The underlying generated client, for scripts that call other RPCs. */
  raw: ProfilesServiceClient;
  metadata(): Metadata;
  deadline(): Date;
}

export interface ProfilesClientOptions {
  addr: string;
  token: string;
  deadlineMs: number;
}

export function toAppError(err: ServiceError): AppError {
  return new AppError(
    errorCodeOfGrpc(err.code),
    `profiles: ${err.details || err.message}`,
    undefined,
    { cause: err },
  );
}

export function createProfilesClient(opts: ProfilesClientOptions): ProfilesClient {
  const raw = new ProfilesServiceClient(opts.addr, credentials.createInsecure(), {
    'grpc.keepalive_time_ms': 30_000,
    // Reconnect quickly after profiles restarts, so retried jobs find it soon.
    'grpc.initial_reconnect_backoff_ms': 200,
    'grpc.max_reconnect_backoff_ms': 5_000,
    'grpc.max_send_message_length': 64 * 1024 * 1024,
  });
  const metadata = (): Metadata => {
    const md = new Metadata();
    md.set('authorization', `Bearer ${opts.token}`);
    // While profiles restarts, calls wait (up to their deadline) for the connection instead of
    // failing at once, so a retried job finds profiles as soon as it is back.
    md.setOptions({ waitForReady: true });
    return md;
  };
  const deadline = (): Date => new Date(Date.now() + opts.deadlineMs);
  return {
    raw,
    metadata,
    deadline,
    applyWebhookEvents: (req) =>
      new Promise((resolve, reject) => {
        raw.applyWebhookEvents(req, metadata(), { deadline: deadline() }, (err, res) =>
          err ? reject(toAppError(err)) : resolve(res),
        );
      }),
    reachable: (timeoutMs) =>
      new Promise((resolve) => {
        const channel = raw.getChannel();
        if (channel.getConnectivityState(true) === connectivityState.READY) return resolve(true);
        raw.waitForReady(Date.now() + timeoutMs, (err) => resolve(!err));
      }),
    close: () => raw.close(),
  };
}
