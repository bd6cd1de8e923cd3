// A promise-based gRPC client for profiles, used by tests to observe state as agents would.
import { Metadata, credentials, status, type ServiceError } from '@grpc/grpc-js';
import {
  ListMessagesRequest,
  ListUsersRequest,
  ProfilesServiceClient,
  RecordOutboundMessageRequest,
  SendMessageRequest,
  type Message,
  type RecordOutboundMessageResponse,
  type SendMessageResponse,
  type User,
} from '@ue/proto';

type Callback<Res> = (err: ServiceError | null, res: Res) => void;

export interface TestProfilesClient {
  user(accountId: string, ref: { waId?: string; bsuid?: string }): Promise<User | undefined>;
  messages(userId: string): Promise<Message[]>;
  /** Every user, all accounts. */
  users(): Promise<User[]>;
  send(req: Partial<SendMessageRequest>): Promise<SendMessageResponse>;
  record(req: Partial<RecordOutboundMessageRequest>): Promise<RecordOutboundMessageResponse>;
  raw: ProfilesServiceClient;
  metadata(): Metadata;
  close(): void;
}

export function grpcCall<Res>(fn: (cb: Callback<Res>) => unknown): Promise<Res> {
  return new Promise((resolve, reject) => {
    fn((err, res) => (err ? reject(err) : resolve(res)));
  });
}

export function testProfilesClient(addr: string, token: string): TestProfilesClient {
  const raw = new ProfilesServiceClient(addr, credentials.createInsecure());
  const metadata = (): Metadata => {
    const m = new Metadata();
    m.set('authorization', `Bearer ${token}`);
    return m;
  };
  return {
    raw,
    metadata,
    async user(accountId, ref) {
      const user = { waId: ref.waId ?? '', bsuid: ref.bsuid ?? '', parentBsuid: '' };
      try {
        const res = await grpcCall<{ user?: User }>((cb) =>
          raw.getUser(
            { lookup: { $case: 'accountUser', accountUser: { accountId, user } } },
            metadata(),
            cb,
          ),
        );
        return res.user;
      } catch (err) {
        if ((err as ServiceError).code === status.NOT_FOUND) return undefined;
        throw err;
      }
    },
    async messages(userId) {
      const out: Message[] = [];
      let pageToken = '';
      do {
        const req = ListMessagesRequest.fromPartial({ userId, pageSize: 200, pageToken });
        const res = await grpcCall<{ messages: Message[]; nextPageToken: string }>((cb) =>
          raw.listMessages(req, metadata(), cb),
        );
        out.push(...res.messages);
        pageToken = res.nextPageToken;
      } while (pageToken);
      return out;
    },
    async users() {
      const out: User[] = [];
      let pageToken = '';
      do {
        const req = ListUsersRequest.fromPartial({ pageSize: 200, pageToken });
        const res = await grpcCall<{ users: User[]; nextPageToken: string }>((cb) =>
          raw.listUsers(req, metadata(), cb),
        );
        out.push(...res.users);
        pageToken = res.nextPageToken;
      } while (pageToken);
      return out;
    },
    send: (req) =>
      grpcCall((cb) => raw.sendMessage(SendMessageRequest.fromPartial(req), metadata(), cb)),
    record: (req) =>
      grpcCall((cb) =>
        raw.recordOutboundMessage(RecordOutboundMessageRequest.fromPartial(req), metadata(), cb),
      ),
    close: () => raw.close(),
  };
}
