// The bff's only way to data: profiles' gRPC API, with the bearer token on every call, a
// deadline per call, and gRPC statuses turned into AppError (kit's one mapping table).
import {
  credentials,
  Metadata,
  type CallOptions,
  type ClientReadableStream,
  type ClientUnaryCall,
  type ServiceError,
} from '@grpc/grpc-js';
import { AppError, errorCodeOfGrpc } from '@ue/kit';
import {
  ProfilesServiceClient,
  AddLogEntryRequest,
  type AddLogEntryResponse,
  EraseUserRequest,
  type EraseUserResponse,
  ExportUserRequest,
  type ExportUserResponse,
  GetStatsRequest,
  type GetStatsResponse,
  GetUserRequest,
  type GetUserResponse,
  ListFactsRequest,
  type ListFactsResponse,
  ListLogEntriesRequest,
  type ListLogEntriesResponse,
  ListMessagesRequest,
  type ListMessagesResponse,
  ListUsersRequest,
  type ListUsersResponse,
  SendMessageRequest,
  type SendMessageResponse,
  UpdateLogEntryRequest,
  type UpdateLogEntryResponse,
  UpdateUserRequest,
  type UpdateUserResponse,
  WatchEventsRequest,
  type WatchEventsResponse,
} from '@ue/proto';

export interface ProfilesApi {
  getUser(req: Partial<GetUserRequest>): Promise<GetUserResponse>;
  listUsers(req: Partial<ListUsersRequest>): Promise<ListUsersResponse>;
  updateUser(req: Partial<UpdateUserRequest>): Promise<UpdateUserResponse>;
  listMessages(req: Partial<ListMessagesRequest>): Promise<ListMessagesResponse>;
  sendMessage(req: Partial<SendMessageRequest>): Promise<SendMessageResponse>;
  listFacts(req: Partial<ListFactsRequest>): Promise<ListFactsResponse>;
  addLogEntry(req: Partial<AddLogEntryRequest>): Promise<AddLogEntryResponse>;
  updateLogEntry(req: Partial<UpdateLogEntryRequest>): Promise<UpdateLogEntryResponse>;
  listLogEntries(req: Partial<ListLogEntriesRequest>): Promise<ListLogEntriesResponse>;
  getStats(req: Partial<GetStatsRequest>): Promise<GetStatsResponse>;
  eraseUser(req: Partial<EraseUserRequest>): Promise<EraseUserResponse>;
  /** Everything stored about one user, part by part (user, messages, facts, log entries). */
  exportUser(
    req: Partial<ExportUserRequest>,
    signal: AbortSignal,
  ): AsyncIterable<ExportUserResponse>;
  /** Live events until `signal` aborts; errors end the iteration with an AppError. */
  watchEvents(
    req: Partial<WatchEventsRequest>,
    signal: AbortSignal,
  ): AsyncIterable<WatchEventsResponse>;
  /** True when a connection to profiles can be made within `timeoutMs`. */
  reachable(timeoutMs: number): Promise<boolean>;
  close(): void;
}

type Unary<Req, Res> = (
  req: Req,
  md: Metadata,
  opts: Partial<CallOptions>,
  cb: (err: ServiceError | null, res: Res) => void,
) => ClientUnaryCall;

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as Partial<ServiceError>;
  if (typeof e.code === 'number') {
    return new AppError(
      errorCodeOfGrpc(e.code),
      e.details || e.message || 'profiles call failed',
      undefined,
      { cause: err },
    );
  }
  return new AppError('INTERNAL', err instanceof Error ? err.message : String(err), undefined, {
    cause: err,
  });
}

export function createProfilesClient(opts: {
  addr: string;
  token: string;
  deadlineMs?: number;
}): ProfilesApi {
  const client = new ProfilesServiceClient(opts.addr, credentials.createInsecure());
  const deadlineMs = opts.deadlineMs ?? 5000;
  const metadata = (): Metadata => {
    const md = new Metadata();
    md.set('authorization', `Bearer ${opts.token}`);
    return md;
  };
  const call =
    <Req, Res>(fn: Unary<Req, Res>, type: { fromPartial: unknown }) =>
    (req: Partial<Req>): Promise<Res> =>
      new Promise((resolve, reject) => {
        const full = (type.fromPartial as (o: Partial<Req>) => Req)(req);
        fn(full, metadata(), { deadline: Date.now() + deadlineMs }, (err, res) =>
          err ? reject(toAppError(err)) : resolve(res),
        );
      });

  return {
    getUser: call<GetUserRequest, GetUserResponse>(client.getUser.bind(client), GetUserRequest),
    listUsers: call<ListUsersRequest, ListUsersResponse>(
      client.listUsers.bind(client),
      ListUsersRequest,
    ),
    updateUser: call<UpdateUserRequest, UpdateUserResponse>(
      client.updateUser.bind(client),
      UpdateUserRequest,
    ),
    listMessages: call<ListMessagesRequest, ListMessagesResponse>(
      client.listMessages.bind(client),
      ListMessagesRequest,
    ),
    sendMessage: call<SendMessageRequest, SendMessageResponse>(
      client.sendMessage.bind(client),
      SendMessageRequest,
    ),
    listFacts: call<ListFactsRequest, ListFactsResponse>(
      client.listFacts.bind(client),
      ListFactsRequest,
    ),
    addLogEntry: call<AddLogEntryRequest, AddLogEntryResponse>(
      client.addLogEntry.bind(client),
      AddLogEntryRequest,
    ),
    updateLogEntry: call<UpdateLogEntryRequest, UpdateLogEntryResponse>(
      client.updateLogEntry.bind(client),
      UpdateLogEntryRequest,
    ),
    listLogEntries: call<ListLogEntriesRequest, ListLogEntriesResponse>(
      client.listLogEntries.bind(client),
      ListLogEntriesRequest,
    ),
    getStats: call<GetStatsRequest, GetStatsResponse>(
      client.getStats.bind(client),
      GetStatsRequest,
    ),
    eraseUser: call<EraseUserRequest, EraseUserResponse>(
      client.eraseUser.bind(client),
      EraseUserRequest,
    ),
    exportUser: (req, signal) =>
      serverStream<ExportUserResponse>(
        client.exportUser(ExportUserRequest.fromPartial(req), metadata()),
        signal,
      ),
    watchEvents: (req, signal) =>
      serverStream<WatchEventsResponse>(
        client.watchEvents(WatchEventsRequest.fromPartial(req), metadata()),
        signal,
      ),
    reachable: (timeoutMs) =>
      new Promise((resolve) => client.waitForReady(Date.now() + timeoutMs, (err) => resolve(!err))),
    close: () => client.close(),
  };
}

/** A server stream as an async iterable, cancelled when `signal` aborts or the reader stops. */
async function* serverStream<T>(
  stream: ClientReadableStream<T>,
  signal: AbortSignal,
): AsyncIterable<T> {
  const cancel = (): void => stream.cancel();
  signal.addEventListener('abort', cancel, { once: true });
  try {
    for await (const ev of stream as AsyncIterable<T>) yield ev;
  } catch (err) {
    if (!signal.aborted) throw toAppError(err);
  } finally {
    signal.removeEventListener('abort', cancel);
    stream.cancel();
  }
}
