// The bff's only way to data: profiles' gRPC API as the port the routes use (partial requests,
// streams as async iterables), over the one profiles client (@ue/profiles-client: bearer
// token, deadlines, keepalive, failures as AppError).
import type { CallOptions, ProfilesClient } from '@ue/profiles-client';
import {
  AddLogEntryRequest,
  type AddLogEntryResponse,
  EraseUserRequest,
  type EraseUserResponse,
  DownloadMediaRequest,
  type DownloadMediaResponse,
  ExportUserRequest,
  type ExportUserResponse,
  GetMessageRequest,
  type GetMessageResponse,
  GetPersonRequest,
  type GetPersonResponse,
  GetStatsRequest,
  type GetStatsResponse,
  GetUserRequest,
  type GetUserResponse,
  LinkIdentitiesRequest,
  type LinkIdentitiesResponse,
  ListAccountsRequest,
  type ListAccountsResponse,
  ListFactsRequest,
  type ListFactsResponse,
  ListLogEntriesRequest,
  type ListLogEntriesResponse,
  ListMessagesRequest,
  type ListMessagesResponse,
  ListReviewsRequest,
  type ListReviewsResponse,
  ListUsersRequest,
  type ListUsersResponse,
  RequestReviewRequest,
  type RequestReviewResponse,
  SendMessageRequest,
  type SendMessageResponse,
  UnlinkIdentitiesRequest,
  type UnlinkIdentitiesResponse,
  UpdateAccountRequest,
  type UpdateAccountResponse,
  UpdateLogEntryRequest,
  type UpdateLogEntryResponse,
  UpdateUserRequest,
  type UpdateUserResponse,
  UploadMediaHeader,
  type UploadMediaResponse,
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
  /** A user's reviews, newest first, failed attempts included. */
  listReviews(req: Partial<ListReviewsRequest>): Promise<ListReviewsResponse>;
  /** Ask the reviewer to review the conversation now (EVENT_KIND_REVIEW_REQUESTED). */
  requestReview(req: Partial<RequestReviewRequest>): Promise<RequestReviewResponse>;
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
  /** One message by id (its media: state, type, file name). */
  getMessage(req: Partial<GetMessageRequest>): Promise<GetMessageResponse>;
  /** A stored file: its description first, then its bytes in chunks, until `signal` aborts. */
  downloadMedia(
    req: Partial<DownloadMediaRequest>,
    signal: AbortSignal,
  ): AsyncIterable<DownloadMediaResponse>;
  /** Stores a file streamed from `body` (an attachment to send, or a message's thumbnail). */
  uploadMedia(
    header: Partial<UploadMediaHeader>,
    body: AsyncIterable<Uint8Array>,
    opts?: CallOptions,
  ): Promise<UploadMediaResponse>;
  /** Accounts (channel endpoints) with names, retention, counts and webhook health. */
  listAccounts(req: Partial<ListAccountsRequest>): Promise<ListAccountsResponse>;
  updateAccount(req: Partial<UpdateAccountRequest>): Promise<UpdateAccountResponse>;
  /** A person: its identities, joins and splits, suggested joins. */
  getPerson(req: Partial<GetPersonRequest>): Promise<GetPersonResponse>;
  linkIdentities(req: Partial<LinkIdentitiesRequest>): Promise<LinkIdentitiesResponse>;
  unlinkIdentities(req: Partial<UnlinkIdentitiesRequest>): Promise<UnlinkIdentitiesResponse>;
  /** True when a connection to profiles can be made within `timeoutMs`. */
  reachable(timeoutMs: number): Promise<boolean>;
  close(): void;
}

export function createProfilesApi(client: ProfilesClient): ProfilesApi {
  return {
    getUser: (req) => client.call('getUser', GetUserRequest.fromPartial(req)),
    listUsers: (req) => client.call('listUsers', ListUsersRequest.fromPartial(req)),
    updateUser: (req) => client.call('updateUser', UpdateUserRequest.fromPartial(req)),
    listMessages: (req) => client.call('listMessages', ListMessagesRequest.fromPartial(req)),
    sendMessage: (req) => client.call('sendMessage', SendMessageRequest.fromPartial(req)),
    listFacts: (req) => client.call('listFacts', ListFactsRequest.fromPartial(req)),
    addLogEntry: (req) => client.call('addLogEntry', AddLogEntryRequest.fromPartial(req)),
    updateLogEntry: (req) => client.call('updateLogEntry', UpdateLogEntryRequest.fromPartial(req)),
    listLogEntries: (req) => client.call('listLogEntries', ListLogEntriesRequest.fromPartial(req)),
    getStats: (req) => client.call('getStats', GetStatsRequest.fromPartial(req)),
    eraseUser: (req) => client.call('eraseUser', EraseUserRequest.fromPartial(req)),
    listReviews: (req) => client.call('listReviews', ListReviewsRequest.fromPartial(req)),
    requestReview: (req) => client.call('requestReview', RequestReviewRequest.fromPartial(req)),
    exportUser: (req, signal) =>
      client.stream('exportUser', ExportUserRequest.fromPartial(req), { signal }),
    watchEvents: (req, signal) =>
      client.stream('watchEvents', WatchEventsRequest.fromPartial(req), { signal }),
    getMessage: (req) => client.call('getMessage', GetMessageRequest.fromPartial(req)),
    downloadMedia: (req, signal) =>
      client.stream('downloadMedia', DownloadMediaRequest.fromPartial(req), { signal }),
    uploadMedia: (header, body, opts) =>
      client.upload(UploadMediaHeader.fromPartial(header), body, opts),
    listAccounts: (req) => client.call('listAccounts', ListAccountsRequest.fromPartial(req)),
    updateAccount: (req) => client.call('updateAccount', UpdateAccountRequest.fromPartial(req)),
    getPerson: (req) => client.call('getPerson', GetPersonRequest.fromPartial(req)),
    linkIdentities: (req) => client.call('linkIdentities', LinkIdentitiesRequest.fromPartial(req)),
    unlinkIdentities: (req) =>
      client.call('unlinkIdentities', UnlinkIdentitiesRequest.fromPartial(req)),
    reachable: (timeoutMs) => client.reachable(timeoutMs),
    close: () => client.close(),
  };
}
