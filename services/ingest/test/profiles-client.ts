// What tests read back from profiles, over @ue/profiles-client as an agent would.
import { isAppError } from '@ue/kit';
import { createProfilesClient, type ProfilesClient } from '@ue/profiles-client';
import {
  GetUserRequest,
  ListMessagesRequest,
  ListUsersRequest,
  RecordOutboundMessageRequest,
  SendMessageRequest,
  type Message,
  type RecordOutboundMessageResponse,
  type SendMessageResponse,
  type User,
} from '@ue/proto';

export interface TestProfilesClient {
  user(
    accountId: string,
    ref: { waId?: string; bsuid?: string; scopedId?: string },
  ): Promise<User | undefined>;
  messages(userId: string): Promise<Message[]>;
  /** Every user, all accounts. */
  users(): Promise<User[]>;
  send(req: Partial<SendMessageRequest>): Promise<SendMessageResponse>;
  record(req: Partial<RecordOutboundMessageRequest>): Promise<RecordOutboundMessageResponse>;
  close(): void;
}

async function userOf(
  client: ProfilesClient,
  accountId: string,
  ref: { waId?: string; bsuid?: string; scopedId?: string },
): Promise<User | undefined> {
  const user = {
    waId: ref.waId ?? '',
    bsuid: ref.bsuid ?? '',
    parentBsuid: '',
    scopedId: ref.scopedId ?? '',
  };
  const req = GetUserRequest.fromPartial({
    lookup: { $case: 'accountUser', accountUser: { accountId, user } },
  });
  try {
    return (await client.call('getUser', req)).user;
  } catch (err) {
    if (isAppError(err) && err.code === 'NOT_FOUND') return undefined;
    throw err;
  }
}

async function messagesOf(client: ProfilesClient, userId: string): Promise<Message[]> {
  const out: Message[] = [];
  let pageToken = '';
  do {
    const req = ListMessagesRequest.fromPartial({ userId, pageSize: 200, pageToken });
    const res = await client.call('listMessages', req);
    out.push(...res.messages);
    pageToken = res.nextPageToken;
  } while (pageToken);
  return out;
}

async function allUsers(client: ProfilesClient): Promise<User[]> {
  const out: User[] = [];
  let pageToken = '';
  do {
    const req = ListUsersRequest.fromPartial({ pageSize: 200, pageToken });
    const res = await client.call('listUsers', req);
    out.push(...res.users);
    pageToken = res.nextPageToken;
  } while (pageToken);
  return out;
}

export function testProfilesClient(addr: string, token: string): TestProfilesClient {
  const client = createProfilesClient({ addr, token, deadlineMs: 10_000 });
  return {
    user: (accountId, ref) => userOf(client, accountId, ref),
    messages: (userId) => messagesOf(client, userId),
    users: () => allUsers(client),
    send: (req) => client.call('sendMessage', SendMessageRequest.fromPartial(req)),
    record: (req) =>
      client.call('recordOutboundMessage', RecordOutboundMessageRequest.fromPartial(req)),
    close: () => client.close(),
  };
}
