// The client against a tiny in-process grpc-js server (port 0) implementing three methods the
// way profiles does: bearer check, errors with `x-field` trailers, a slow call, a stream.
import {
  Metadata,
  Server,
  ServerCredentials,
  status,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServerWritableStream,
} from '@grpc/grpc-js';
import { AppError } from '@ue/kit';
import {
  EventKind,
  GetUserRequest,
  GetUserResponse,
  ListUsersRequest,
  ProfilesServiceService,
  WatchEventsRequest,
  type ListUsersResponse,
  type WatchEventsResponse,
} from '@ue/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProfilesClient, type ProfilesClient } from './client.js';

const TOKEN = 'tok-test-0123456789';
let server: Server;
let addr = '';
let client: ProfilesClient;

function fail(cb: sendUnaryData<never>, code: number, details: string, field?: string): void {
  const metadata = new Metadata();
  if (field) metadata.set('x-field', field);
  cb(Object.assign(new Error(details), { code, details, metadata }));
}

const handlers = {
  getUser(
    call: ServerUnaryCall<GetUserRequest, GetUserResponse>,
    cb: sendUnaryData<GetUserResponse>,
  ) {
    if (call.metadata.get('authorization')[0] !== `Bearer ${TOKEN}`)
      return fail(cb, status.UNAUTHENTICATED, 'missing "authorization: Bearer <token>" metadata');
    const lookup = call.request.lookup;
    if (lookup?.$case !== 'id' || lookup.id === '')
      return fail(cb, status.INVALID_ARGUMENT, 'id: required', 'id');
    if (lookup.id === 'nobody') return fail(cb, status.NOT_FOUND, 'user not found');
    cb(null, GetUserResponse.fromPartial({ user: { id: lookup.id } }));
  },
  // Never answers: the client's deadline or signal has to end the call.
  listUsers(_call: ServerUnaryCall<ListUsersRequest, ListUsersResponse>) {},
  watchEvents(call: ServerWritableStream<WatchEventsRequest, WatchEventsResponse>) {
    const event = (cursor: string): WatchEventsResponse => ({
      cursor,
      kind: EventKind.USER_UPDATED,
      at: undefined,
      userId: 'u1',
      accountId: call.request.accountId,
      heartbeat: false,
      actor: undefined,
      payload: undefined,
    });
    call.write(event('1'));
    call.write(event('2'));
    if (call.request.accountId === 'broken')
      call.emit(
        'error',
        Object.assign(new Error('stream down'), {
          code: status.UNAVAILABLE,
          details: 'events unavailable, retry later',
        }),
      );
    else if (call.request.accountId === 'endless') return;
    else call.end();
  },
};

beforeAll(async () => {
  server = new Server();
  server.addService(ProfilesServiceService, handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  addr = `127.0.0.1:${port}`;
  client = createProfilesClient({ addr, token: TOKEN, deadlineMs: 300 });
});

afterAll(() => {
  client?.close();
  server?.forceShutdown();
});

const byId = (id: string): GetUserRequest =>
  GetUserRequest.fromPartial({ lookup: { $case: 'id', id } });

async function failure(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe('call', () => {
  it('sends the bearer token and resolves with the typed response', async () => {
    const res = await client.call('getUser', byId('u-42'));
    expect(res.user?.id).toBe('u-42');
  });

  it('rejects with AppError carrying the server message and the field at fault', async () => {
    const err = await failure(client.call('getUser', byId('')));
    expect([err.code, err.message, err.field]).toEqual(['INVALID_ARGUMENT', 'id: required', 'id']);
    const missing = await failure(client.call('getUser', byId('nobody')));
    expect([missing.code, missing.message]).toEqual(['NOT_FOUND', 'user not found']);
  });

  it('reports a wrong token as UNAUTHENTICATED', async () => {
    const wrong = createProfilesClient({ addr, token: 'not-the-token' });
    const err = await failure(wrong.call('getUser', byId('u-42')));
    expect(err.code).toBe('UNAUTHENTICATED');
    wrong.close();
  });

  it('ends a call at its deadline (the default, or its own)', async () => {
    const t0 = Date.now();
    const err = await failure(client.call('listUsers', ListUsersRequest.fromPartial({})));
    expect(err.code).toBe('DEADLINE_EXCEEDED');
    expect(Date.now() - t0).toBeLessThan(2000);
    const own = await failure(
      client.call('listUsers', ListUsersRequest.fromPartial({}), { deadlineMs: 50 }),
    );
    expect(own.code).toBe('DEADLINE_EXCEEDED');
  });

  it('cancels a call when its signal aborts', async () => {
    const ac = new AbortController();
    const pending = client.call('listUsers', ListUsersRequest.fromPartial({}), {
      deadlineMs: 10_000,
      signal: ac.signal,
    });
    setTimeout(() => ac.abort(), 20);
    const err = await failure(pending);
    expect(err.code).toBe('UNAVAILABLE');
  });

  it('fails fast as UNAVAILABLE when nothing listens', async () => {
    const dead = createProfilesClient({ addr: '127.0.0.1:1', token: TOKEN, deadlineMs: 2000 });
    const err = await failure(dead.call('getUser', byId('u-42')));
    expect(err.code).toBe('UNAVAILABLE');
    expect(await dead.reachable(200)).toBe(false);
    dead.close();
  });
});

describe('stream', () => {
  const watch = (accountId: string) => WatchEventsRequest.fromPartial({ accountId });

  it('yields every response until the server ends the stream', async () => {
    const cursors: string[] = [];
    for await (const ev of client.stream('watchEvents', watch('acc'))) cursors.push(ev.cursor);
    expect(cursors).toEqual(['1', '2']);
  });

  it('ends with AppError when the stream fails', async () => {
    const cursors: string[] = [];
    const err = await failure(
      (async () => {
        for await (const ev of client.stream('watchEvents', watch('broken')))
          cursors.push(ev.cursor);
      })(),
    );
    expect([err.code, err.message]).toEqual(['UNAVAILABLE', 'events unavailable, retry later']);
    expect(cursors).toEqual(['1', '2']);
  });

  it('ends quietly when its signal aborts', async () => {
    const ac = new AbortController();
    const cursors: string[] = [];
    for await (const ev of client.stream('watchEvents', watch('endless'), { signal: ac.signal })) {
      cursors.push(ev.cursor);
      if (cursors.length === 2) ac.abort();
    }
    expect(cursors).toEqual(['1', '2']);
  });
});

describe('reachable', () => {
  it('is true once profiles answers', async () => {
    expect(await client.reachable(1000)).toBe(true);
  });
});
