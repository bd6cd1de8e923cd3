// An in-memory stand-in for profiles' gRPC API, for tests about the bff itself (routing,
// guards, sessions) rather than about data.
import { AppError } from '@ue/kit';
import {
  Account,
  Channel,
  GetStatsResponse,
  Person,
  type LinkIdentitiesRequest,
  type ListUsersRequest,
  type SendMessageRequest,
  type UnlinkIdentitiesRequest,
  type UpdateAccountRequest,
  type UpdateUserRequest,
  type User,
} from '@ue/proto';
import type { ProfilesApi } from '../src/clients/profiles.js';
import {
  hostileAccounts,
  hostileFacts,
  hostileLog,
  hostileMessages,
  hostileReviews,
  hostileUser,
} from './fixtures.js';

export interface FakeRequests {
  listUsers: Partial<ListUsersRequest>[];
  updateUser: Partial<UpdateUserRequest>[];
  sendMessage: Partial<SendMessageRequest>[];
  updateAccount: Partial<UpdateAccountRequest>[];
  linkIdentities: Partial<LinkIdentitiesRequest>[];
  unlinkIdentities: Partial<UnlinkIdentitiesRequest>[];
}

export interface FakeOptions {
  accounts?: Account[];
  /** People by their identities; a user in none is a person of its own. */
  people?: Person[];
  /** What the mutations answer instead of succeeding (profiles refusing them). */
  fail?: Partial<Record<'updateAccount' | 'linkIdentities' | 'unlinkIdentities', AppError>>;
}

export function fakeProfiles(
  users: User[] = [hostileUser()],
  opts: FakeOptions = {},
): ProfilesApi & { calls: string[]; requests: FakeRequests } {
  const calls: string[] = [];
  const requests: FakeRequests = {
    listUsers: [],
    updateUser: [],
    sendMessage: [],
    updateAccount: [],
    linkIdentities: [],
    unlinkIdentities: [],
  };
  const accounts = opts.accounts ?? hostileAccounts();
  const find = (id: string): User => {
    const u = users.find((x) => x.id === id) ?? personOf(id)?.identities.find((x) => x.id === id);
    if (!u) throw AppError.notFound('user');
    return u;
  };
  const personOf = (userId: string): Person | undefined =>
    opts.people?.find((p) => p.identities.some((i) => i.id === userId));
  const person = (userId: string): Person =>
    personOf(userId) ??
    Person.fromPartial({ id: `p-${userId}`, identities: [find(userId)], links: [] });
  const mutation = <R>(name: keyof NonNullable<FakeOptions['fail']>, answer: () => R) => {
    calls.push(name);
    const failure = opts.fail?.[name];
    return failure ? Promise.reject(failure) : Promise.resolve(answer());
  };
  return {
    calls,
    requests,
    getUser: (req) => {
      calls.push('getUser');
      // A rejected promise for an unknown user, as the real client answers (never a throw).
      return Promise.resolve().then(() => ({
        user: find(req.lookup?.$case === 'id' ? req.lookup.id : ''),
      }));
    },
    listUsers: (req) => {
      requests.listUsers.push(req);
      return Promise.resolve({ users, nextPageToken: '' });
    },
    updateUser: (req) => {
      calls.push('updateUser');
      requests.updateUser.push(req);
      return Promise.resolve({ user: find(req.userId ?? '') });
    },
    listMessages: () =>
      Promise.resolve({ messages: hostileMessages(), nextPageToken: '', prevPageToken: '' }),
    sendMessage: (req) => {
      calls.push('sendMessage');
      requests.sendMessage.push(req);
      const to = find(req.userId ?? '');
      // Profiles' answer on Messenger after the 24 h window: the send carries the tag.
      const open = Boolean(to.serviceWindowExpiresAt && to.serviceWindowExpiresAt > new Date());
      const tagged = to.channel !== Channel.WHATSAPP && to.channel !== Channel.UNSPECIFIED && !open;
      return Promise.resolve({ message: hostileMessages()[1], tag: tagged ? 'HUMAN_AGENT' : '' });
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
    listAccounts: () =>
      Promise.resolve({
        accounts,
        peopleRules: { samePhoneJoin: true, suggestSameEmail: true, suggestPhoneInFacts: false },
      }),
    updateAccount: (req) => {
      requests.updateAccount.push(req);
      return mutation('updateAccount', () => {
        const was = accounts.find((a) => a.id === req.accountId) ?? Account.fromPartial({});
        return {
          account: Account.fromPartial({
            ...was,
            name: req.name ?? was.name,
            businessId: req.businessId ?? was.businessId,
            credentialsRef: req.credentialsRef ?? was.credentialsRef,
            retention: req.retention ?? was.retention,
          }),
        };
      });
    },
    getPerson: (req) =>
      Promise.resolve({
        person: person(req.lookup?.$case === 'userId' ? req.lookup.userId : ''),
      }),
    linkIdentities: (req) => {
      requests.linkIdentities.push(req);
      return mutation('linkIdentities', () => ({
        person: person(req.userIds?.[0] ?? ''),
        links: [],
      }));
    },
    unlinkIdentities: (req) => {
      requests.unlinkIdentities.push(req);
      return mutation('unlinkIdentities', () => ({
        person: undefined,
        restored: undefined,
        link: undefined,
      }));
    },
    reachable: () => Promise.resolve(true),
    close: () => undefined,
  };
}
