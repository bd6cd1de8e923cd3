// The client against a tiny in-process grpc-js server (port 0) implementing three methods the
// way profiles does: bearer check, errors with `x-field` trailers, a slow call, a stream.
import {
  Metadata,
  Server,
  ServerCredentials,
  status,
  type sendUnaryData,
  type ServerReadableStream,
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
  UploadMediaHeader,
  UploadMediaResponse,
  WatchEventsRequest,
  type ListUsersResponse,
  type UploadMediaRequest,
  type WatchEventsResponse,
} from '@ue/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProfilesClient, UPLOAD_CHUNK_BYTES, type ProfilesClient } from './client.js';

const TOKEN = 'tok-test-0123456789';
let server: Server;
let addr = '';
let client: ProfilesClient;

function fail(cb: sendUnaryData<never>, code: number, details: string, field?: string): void {
  const metadata = new Metadata();
  if (field) metadata.set('x-field', field);
  cb(Object.assign(new Error(details), { code, details, metadata }));
}

/** What the upload handler saw: the header and each chunk part's size. */
const uploads: Array<{ header?: UploadMediaHeader; chunks: number[] }> = [];

const handlers = {
  // Answers "already stored" right after the header for filename "kept"; otherwise counts.
  uploadMedia(
    call: ServerReadableStream<UploadMediaRequest, UploadMediaResponse>,
    cb: sendUnaryData<UploadMediaResponse>,
  ) {
    const seen: { header?: UploadMediaHeader; chunks: number[] } = { chunks: [] };
    uploads.push(seen);
    let answered = false;
    call.on('data', (r: UploadMediaRequest) => {
      if (r.part?.$case === 'header') {
        seen.header = r.part.header;
        if (r.part.header.filename === 'kept') {
          answered = true;
          cb(null, UploadMediaResponse.fromPartial({ fileId: 'f-old', alreadyStored: true }));
        }
      } else if (r.part?.$case === 'chunk') seen.chunks.push(r.part.chunk.length);
    });
    call.on('end', () => {
      if (!answered) cb(null, UploadMediaResponse.fromPartial({ fileId: 'f-new' }));
    });
  },
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
      occurredAt: undefined,
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

describe('upload', () => {
  const header = (filename: string): UploadMediaHeader =>
    UploadMediaHeader.fromPartial({ filename, sizeBytes: 0, mimeType: 'image/png' });
  async function* body(...sizes: number[]): AsyncGenerator<Uint8Array> {
    for (const n of sizes) yield await Promise.resolve(new Uint8Array(n));
  }

  it('sends the header, then the bytes in parts of at most UPLOAD_CHUNK_BYTES', async () => {
    uploads.length = 0;
    const res = await client.upload(header('a.png'), body(10, UPLOAD_CHUNK_BYTES * 2 + 5), {
      deadlineMs: 5000,
    });
    expect(res.fileId).toBe('f-new');
    expect(uploads[0]!.header?.filename).toBe('a.png');
    expect(uploads[0]!.chunks).toEqual([10, UPLOAD_CHUNK_BYTES, UPLOAD_CHUNK_BYTES, 5]);
  });

  it('stops sending when profiles answers early', async () => {
    uploads.length = 0;
    let produced = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (;;) {
        produced += 1;
        await new Promise((r) => setTimeout(r, 5));
        yield new Uint8Array(1024);
      }
    }
    const res = await client.upload(header('kept'), endless(), { deadlineMs: 5000 });
    expect(res).toMatchObject({ fileId: 'f-old', alreadyStored: true });
    await new Promise((r) => setTimeout(r, 50));
    const after = produced;
    await new Promise((r) => setTimeout(r, 100));
    expect(produced).toBe(after);
  });

  it('cancels the call and rejects when reading the body fails', async () => {
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield await Promise.resolve(new Uint8Array(8));
      throw new Error('disk gone');
    }
    const err = await failure(client.upload(header('b.png'), broken(), { deadlineMs: 5000 }));
    expect(err.message).toMatch(/disk gone|cancel/i);
  });
});

describe('reachable', () => {
  it('is true once profiles answers', async () => {
    expect(await client.reachable(1000)).toBe(true);
  });
});
