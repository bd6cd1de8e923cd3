// An in-memory stand-in for profiles' gRPC API, for tests about the bff itself (routing,
// guards, sessions) rather than about data.
import { AppError } from '@ue/kit';
import { GetStatsResponse, type ListUsersRequest, type User } from '@ue/proto';
import type { ProfilesApi } from '../src/clients/profiles.js';
import {
  hostileFacts,
  hostileLog,
  hostileMessages,
  hostileReviews,
  hostileUser,
} from './fixtures.js';

export function fakeProfiles(users: User[] = [hostileUser()]): ProfilesApi & {
  calls: string[];
  requests: { listUsers: Partial<ListUsersRequest>[] };
} {
  const calls: string[] = [];
  const requests = { listUsers: [] as Partial<ListUsersRequest>[] };
  const find = (id: string): User => {
    const u = users.find((x) => x.id === id);
    if (!u) throw AppError.notFound('user');
    return u;
  };
  return {
    calls,
    requests,
    getUser: (req) => {
      calls.push('getUser');
      return Promise.resolve({ user: find(req.lookup?.$case === 'id' ? req.lookup.id : '') });
    },
    listUsers: (req) => {
      requests.listUsers.push(req);
      return Promise.resolve({ users, nextPageToken: '' });
    },
    updateUser: (req) => {
      calls.push('updateUser');
      return Promise.resolve({ user: find(req.userId ?? '') });
    },
    listMessages: () =>
      Promise.resolve({ messages: hostileMessages(), nextPageToken: '', prevPageToken: '' }),
    sendMessage: () => {
      calls.push('sendMessage');
      return Promise.resolve({ message: hostileMessages()[1] });
    },
    listFacts: () => Promise.resolve({ facts: hostileFacts(), history: hostileFacts() }),
    addLogEntry: () => {
      calls.push('addLogEntry');
      return Promise.resolve({ entry: hostileLog()[0] });
    },
    updateLogEntry: () => {
      calls.push('updateLogEntry');
      return Promise.resolve({ entry: hostileLog()[1] });
    },
    listLogEntries: () => Promise.resolve({ entries: hostileLog(), nextPageToken: '' }),
    getStats: () => Promise.resolve(GetStatsResponse.fromPartial({})),
    eraseUser: () => {
      calls.push('eraseUser');
      return Promise.resolve({
        messagesErased: 0,
        factsErased: 0,
        logEntriesErased: 0,
        reviewsErased: 0,
      });
    },
    listReviews: (req) =>
      Promise.resolve({
        reviews: hostileReviews().filter((r) => r.userId === req.userId),
        nextPageToken: '',
      }),
    requestReview: () => {
      calls.push('requestReview');
      return Promise.resolve({});
    },
    exportUser: async function* (req) {
      calls.push('exportUser');
      yield await Promise.resolve({
        part: { $case: 'user' as const, user: find(req.userId ?? '') },
      });
    },
    watchEvents: async function* (_req, signal) {
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      yield* [];
    },
    getMessage: () => Promise.reject(AppError.notFound('message')),
    downloadMedia: async function* () {
      yield* [];
      await Promise.reject(AppError.notFound('media'));
    },
    uploadMedia: () => {
      calls.push('uploadMedia');
      return Promise.reject(AppError.invalid('file', 'not in the fake'));
    },
    reachable: () => Promise.resolve(true),
    close: () => undefined,
  };
}
