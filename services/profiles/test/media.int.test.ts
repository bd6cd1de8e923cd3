// Media over real gRPC into real GridFS: uploads checked byte for byte (size, SHA-256, chunk
// size), kept once however often or concurrently they arrive, downloaded in parts; media states;
// attachments for replies; erasure removes every file.
import { randomBytes, createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { Metadata, status as Code, type ServiceError } from '@grpc/grpc-js';
import { isAppError, type AppError } from '@ue/kit';
import { createProfilesClient, type ProfilesClient } from '@ue/profiles-client';
import {
  ActorKind,
  MediaState,
  MediaVariant,
  MessageContent,
  MessageType,
  OUTBOUND_QUEUE,
  OutboundJob,
  UploadMediaHeader,
  type DownloadMediaRequest,
  type Message,
  type UploadMediaRequest,
  type UploadMediaResponse,
  type WebhookEvent,
} from '@ue/proto';
import { Queue } from 'bullmq';
import type { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, inboundMedia, inboundText, ref } from './events.js';
import { auth, call, callError, startHarness, TOKEN, type Harness } from './harness.js';

let h: Harness;
let client: ProfilesClient;
beforeAll(async () => {
  h = await startHarness('media');
  client = createProfilesClient({ addr: h.addr, token: TOKEN, deadlineMs: 20_000 });
});
afterAll(async () => {
  client.close();
  await h.close();
});

const ADMIN = { kind: ActorKind.ADMIN, id: 'ops', displayName: 'Ops' };
const MIB = 1024 * 1024;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

const apply = (events: WebhookEvent[]) =>
  call(h.client, 'applyWebhookEvents', { events, deliveries: [] });

let seq = 0;
/** A new user with an open service window and one inbound message of `type`; its message. */
async function mediaMessage(
  type = MessageType.IMAGE,
  mimeType = 'image/jpeg',
  waId = `49170000${String(++seq).padStart(5, '0')}`,
): Promise<Message> {
  const wamid = `wamid.M${++seq}`;
  await apply([
    inboundMedia(wamid, ref(waId), { type, mediaId: `90${seq}`, mimeType }, new Date()),
  ]);
  return getByWamid(wamid);
}

async function getByWamid(wamid: string): Promise<Message> {
  const r = await call(h.client, 'getMessage', {
    message: { messageId: '', accountId: ACCOUNT, wamid },
  });
  return r.message!;
}

/** The bytes as a one-piece stream (the client cuts it into chunk parts). */
const once = (b: Uint8Array): AsyncIterable<Uint8Array> => Readable.from([b]);

const header = (h: Partial<UploadMediaHeader>) => UploadMediaHeader.fromPartial(h);

function uploadTo(m: Message, bytes: Uint8Array, extra: Partial<UploadMediaHeader> = {}) {
  return client.upload(
    header({
      message: { messageId: m.id, accountId: '', wamid: '' },
      mimeType: m.content?.media?.mimeType ?? 'image/jpeg',
      sizeBytes: bytes.length,
      sha256Hex: sha(bytes),
      ...extra,
    }),
    once(bytes),
  );
}

async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (isAppError(e)) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

async function download(req: Partial<DownloadMediaRequest>) {
  const parts = [];
  for await (const r of client.stream('downloadMedia', {
    message: undefined,
    variant: MediaVariant.UNSPECIFIED,
    fileId: '',
    offset: 0,
    length: 0,
    ...req,
  }))
    parts.push(r.part);
  const [first, ...rest] = parts;
  const chunks = rest.map((p) => (p?.$case === 'chunk' ? p.chunk : Buffer.alloc(0)));
  return {
    file: first?.$case === 'file' ? first.file : undefined,
    chunks,
    bytes: Buffer.concat(chunks),
  };
}

const filesCol = () =>
  h.mongo.db.collection<{ _id: ObjectId; metadata?: Record<string, unknown> }>('media.files');
const chunksCol = () => h.mongo.db.collection<{ files_id: ObjectId }>('media.chunks');
const filesOf = (messageId: string) =>
  filesCol().find({ 'metadata.messageId': messageId }).toArray();

/** Chunks whose file document does not exist: what a failed upload must not leave behind. */
async function strayChunks(): Promise<number> {
  const ids = (
    await filesCol()
      .find({}, { projection: { _id: 1 } })
      .toArray()
  ).map((f) => f._id);
  return chunksCol().countDocuments({ files_id: { $nin: ids } });
}

/** Poll until `check` holds (a cancelled call is cleaned up after the client saw it fail). */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(await check()).toBe(true);
}

describe('UploadMedia and DownloadMedia', () => {
  it('an inbound media message starts PENDING; ~1 MB goes in and comes back identical', async () => {
    const m = await mediaMessage();
    expect(m.content?.media?.stored?.state).toBe(MediaState.PENDING);
    const bytes = randomBytes(MIB + 4321);
    const up = await uploadTo(m, bytes, { width: 1600, height: 1200, filename: 'parcel.jpg' });
    expect(up.alreadyStored).toBe(false);
    expect(up.stored).toMatchObject({
      state: MediaState.STORED,
      fileId: up.fileId,
      mimeType: 'image/jpeg',
      sizeBytes: bytes.length,
      sha256Hex: sha(bytes),
      width: 1600,
      height: 1200,
    });

    const d = await download({ message: { messageId: m.id, accountId: '', wamid: '' } });
    expect(d.file).toMatchObject({
      fileId: up.fileId,
      mimeType: 'image/jpeg',
      sizeBytes: bytes.length,
      sha256Hex: sha(bytes),
      filename: 'parcel.jpg',
    });
    expect(d.chunks.length).toBeGreaterThan(1);
    expect(Math.max(...d.chunks.map((c) => c.length))).toBeLessThanOrEqual(256 * 1024);
    expect(sha(d.bytes)).toBe(sha(bytes));
    expect(d.bytes.equals(bytes)).toBe(true);
    expect((await download({ fileId: up.fileId })).bytes.equals(bytes)).toBe(true);
    // Part of it (an HTTP Range request): across a chunk boundary, and to the end.
    const part = await download({ fileId: up.fileId, offset: 300_000, length: 70_000 });
    expect(part.file?.sizeBytes).toBe(bytes.length);
    expect(part.bytes.equals(bytes.subarray(300_000, 370_000))).toBe(true);
    const tail = await download({ fileId: up.fileId, offset: bytes.length - 5 });
    expect(tail.bytes.equals(bytes.subarray(bytes.length - 5))).toBe(true);
    const past = await refusal(download({ fileId: up.fileId, offset: bytes.length }));
    expect([past.code, past.field]).toEqual(['INVALID_ARGUMENT', 'offset']);

    const listed = await call(h.client, 'listMessages', {
      userId: m.userId,
      pageSize: 10,
      pageToken: '',
      personId: '',
    });
    expect(listed.messages[0]?.content?.media?.stored).toMatchObject({
      state: MediaState.STORED,
      fileId: up.fileId,
      sizeBytes: bytes.length,
      sha256Hex: sha(bytes),
      mimeType: 'image/jpeg',
    });
    // The provider's own fields stay as the webhook gave them.
    expect(listed.messages[0]?.content?.media?.mediaId).toBe(m.content?.media?.mediaId);
  });

  it('stores a replayed upload once: already_stored with the kept file', async () => {
    const m = await mediaMessage(MessageType.DOCUMENT, 'application/pdf');
    const bytes = randomBytes(70_000);
    const first = await uploadTo(m, bytes);
    const again = await uploadTo(m, bytes);
    expect(again).toMatchObject({ alreadyStored: true, fileId: first.fileId });
    expect(await filesOf(m.id)).toHaveLength(1);
  });

  it('keeps exactly one file of two concurrent uploads', async () => {
    const m = await mediaMessage(MessageType.AUDIO, 'audio/ogg; codecs=opus');
    const bytes = randomBytes(600_000);
    const both = await Promise.all([uploadTo(m, bytes), uploadTo(m, bytes)]);
    expect(both.filter((r) => r.alreadyStored)).toHaveLength(1);
    expect(both[0].fileId).toBe(both[1].fileId);
    const files = await filesOf(m.id);
    expect(files.map((f) => f._id.toHexString())).toEqual([both[0].fileId]);
    expect(await strayChunks()).toBe(0);
    expect((await getByWamid(m.wamid)).content?.media?.stored?.fileId).toBe(both[0].fileId);
  });

  it('refuses bytes that differ from the header, keeping nothing', async () => {
    const m = await mediaMessage();
    const bytes = randomBytes(300_000);
    const fewer = await refusal(uploadTo(m, bytes, { sizeBytes: bytes.length + 1 }));
    expect(fewer).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'header.size_bytes' });
    const more = await refusal(uploadTo(m, bytes, { sizeBytes: bytes.length - 1 }));
    expect(more).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'header.size_bytes' });
    const hash = await refusal(uploadTo(m, bytes, { sha256Hex: sha(Buffer.from('other')) }));
    expect(hash).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'header.sha256_hex' });
    expect(await filesOf(m.id)).toHaveLength(0);
    await eventually(async () => (await strayChunks()) === 0);
    expect((await getByWamid(m.wamid)).content?.media?.stored?.state).toBe(MediaState.PENDING);
  });

  it('refuses a chunk part over 256 KiB, and a second header', async () => {
    const m = await mediaMessage();
    const raw = (parts: UploadMediaRequest[], md: Metadata = auth()) =>
      new Promise<UploadMediaResponse>((resolve, reject) => {
        const s = h.client.uploadMedia(md, (err: ServiceError | null, res?: UploadMediaResponse) =>
          err ? reject(err) : resolve(res!),
        );
        for (const p of parts) s.write(p);
        s.end();
      });
    const big = Buffer.alloc(256 * 1024 + 1, 7);
    const head = (size: number): UploadMediaRequest => ({
      part: {
        $case: 'header',
        header: header({
          message: { messageId: m.id, accountId: '', wamid: '' },
          mimeType: 'image/png',
          sizeBytes: size,
        }),
      },
    });
    const tooBig = (await raw([head(big.length), { part: { $case: 'chunk', chunk: big } }]).catch(
      (e: unknown) => e,
    )) as ServiceError;
    expect(tooBig.code).toBe(Code.INVALID_ARGUMENT);
    expect(tooBig.metadata.get('x-field')).toEqual(['chunk']);
    const twice = (await raw([head(3), head(3)]).catch((e: unknown) => e)) as ServiceError;
    expect(twice.code).toBe(Code.INVALID_ARGUMENT);
    expect(twice.metadata.get('x-field')).toEqual(['header']);
    const bad = new Metadata();
    bad.set('authorization', 'Bearer not-a-known-token');
    const anonymous = (await raw(
      [head(3), { part: { $case: 'chunk', chunk: Buffer.from('abc') } }],
      bad,
    ).catch((e: unknown) => e)) as ServiceError;
    expect(anonymous.code).toBe(Code.UNAUTHENTICATED);
    expect(await filesOf(m.id)).toHaveLength(0);
    await eventually(async () => (await strayChunks()) === 0);
  });

  it('drops what a cancelled upload wrote', async () => {
    const m = await mediaMessage();
    // A source that fails after three pieces, each read from a (simulated) slow source.
    async function* failing(): AsyncIterable<Uint8Array> {
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setImmediate(r));
        yield randomBytes(256 * 1024);
      }
      throw new Error('the provider hung up');
    }
    const err = await refusal(
      client.upload(
        header({
          message: { messageId: m.id, accountId: '', wamid: '' },
          mimeType: 'image/jpeg',
          sizeBytes: 2 * MIB,
        }),
        failing(),
      ),
    );
    expect(err.message).toMatch(/hung up|cancel/i);
    await eventually(async () => (await strayChunks()) === 0);
    expect(await filesOf(m.id)).toHaveLength(0);
  });

  it('answers NOT_FOUND and INVALID_ARGUMENT before reading any bytes', async () => {
    const bytes = Buffer.from('%PDF-1.4 tiny');
    const unknown = await refusal(
      client.upload(
        header({
          message: { messageId: 'm_nope', accountId: '', wamid: '' },
          mimeType: 'application/pdf',
          sizeBytes: bytes.length,
        }),
        once(bytes),
      ),
    );
    expect(unknown.code).toBe('NOT_FOUND');

    const waId = '4917000099001';
    await apply([inboundText('wamid.TXT1', ref(waId), 'just text', new Date())]);
    const textMsg = await getByWamid('wamid.TXT1');
    const notMedia = await refusal(uploadTo(textMsg, bytes, { mimeType: 'application/pdf' }));
    expect(notMedia).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'header.message' });

    const image = await mediaMessage();
    const wrongType = await refusal(uploadTo(image, bytes, { mimeType: 'text/html' }));
    expect(wrongType).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'header.mime_type' });
    const noSize = await refusal(uploadTo(image, bytes, { sizeBytes: 0 }));
    expect(noSize).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'header.size_bytes' });
    const huge = await refusal(uploadTo(image, bytes, { sizeBytes: 101 * MIB }));
    expect(huge).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'header.size_bytes' });
    const noTarget = await refusal(
      client.upload(header({ mimeType: 'image/png', sizeBytes: 3 }), once(bytes)),
    );
    expect(noTarget).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'header.message' });
    const nobody = await refusal(
      client.upload(
        header({ userId: 'u_nobody', mimeType: 'image/png', sizeBytes: bytes.length }),
        once(bytes),
      ),
    );
    expect(nobody.code).toBe('NOT_FOUND');

    const missing = await refusal(download({ fileId: '0123456789abcdef01234567' }));
    expect(missing.code).toBe('NOT_FOUND');
    const pending = await refusal(
      download({ message: { messageId: image.id, accountId: '', wamid: '' } }),
    );
    expect(pending.code).toBe('NOT_FOUND');
  });

  it('keeps a thumbnail next to the original', async () => {
    const m = await mediaMessage(MessageType.IMAGE, 'image/png');
    const early = await refusal(
      uploadTo(m, Buffer.from('thumb'), {
        variant: MediaVariant.THUMBNAIL,
        mimeType: 'image/webp',
      }),
    );
    expect(early.code).toBe('FAILED_PRECONDITION');
    const original = await uploadTo(m, randomBytes(50_000));
    const thumb = randomBytes(4_000);
    const up = await uploadTo(m, thumb, {
      variant: MediaVariant.THUMBNAIL,
      mimeType: 'image/webp',
    });
    expect(up.stored).toMatchObject({
      state: MediaState.STORED,
      fileId: original.fileId,
      thumbnailFileId: up.fileId,
    });
    const again = await uploadTo(m, thumb, {
      variant: MediaVariant.THUMBNAIL,
      mimeType: 'image/webp',
    });
    expect(again).toMatchObject({ alreadyStored: true, fileId: up.fileId });
    const d = await download({
      message: { messageId: '', accountId: ACCOUNT, wamid: m.wamid },
      variant: MediaVariant.THUMBNAIL,
    });
    expect(d.file?.mimeType).toBe('image/webp');
    expect(d.bytes.equals(thumb)).toBe(true);
  });
});

describe('SetMediaState and GetMessage', () => {
  it('records the last error and a final failure, never downgrades a stored file', async () => {
    const m = await mediaMessage(MessageType.VIDEO, 'video/mp4');
    const ref = { messageId: m.id, accountId: '', wamid: '' };
    const retrying = await call(h.client, 'setMediaState', {
      message: ref,
      state: MediaState.PENDING,
      reason: 'provider answered 500',
    });
    expect(retrying.stored).toMatchObject({
      state: MediaState.PENDING,
      reason: 'provider answered 500',
    });
    const noReason = await callError(h.client, 'setMediaState', {
      message: ref,
      state: MediaState.UNAVAILABLE,
      reason: ' ',
    });
    expect(noReason.code).toBe(Code.INVALID_ARGUMENT);
    expect(noReason.metadata.get('x-field')).toEqual(['reason']);
    const stored = await callError(h.client, 'setMediaState', {
      message: ref,
      state: MediaState.STORED,
      reason: '',
    });
    expect(stored.metadata.get('x-field')).toEqual(['state']);
    const gone = await call(h.client, 'setMediaState', {
      message: ref,
      state: MediaState.UNAVAILABLE,
      reason: 'media id expired (404)',
    });
    expect(gone.stored).toMatchObject({
      state: MediaState.UNAVAILABLE,
      reason: 'media id expired (404)',
    });
    expect((await getByWamid(m.wamid)).content?.media?.stored?.state).toBe(MediaState.UNAVAILABLE);

    const kept = await mediaMessage();
    const up = await uploadTo(kept, randomBytes(1000));
    const late = await call(h.client, 'setMediaState', {
      message: { messageId: kept.id, accountId: '', wamid: '' },
      state: MediaState.UNAVAILABLE,
      reason: 'a late failure of a second fetch',
    });
    expect(late.stored).toMatchObject({ state: MediaState.STORED, fileId: up.fileId });
  });

  it('finds a message by id or by account and wamid, NOT_FOUND otherwise', async () => {
    const m = await mediaMessage(MessageType.STICKER, 'image/webp');
    const byId = await call(h.client, 'getMessage', {
      message: { messageId: m.id, accountId: '', wamid: '' },
    });
    expect(byId.message?.wamid).toBe(m.wamid);
    expect(byId.message?.content?.type).toBe(MessageType.STICKER);
    const missing = await callError(h.client, 'getMessage', {
      message: { messageId: '', accountId: ACCOUNT, wamid: 'wamid.none' },
    });
    expect(missing.code).toBe(Code.NOT_FOUND);
    const half = await callError(h.client, 'getMessage', {
      message: { messageId: '', accountId: '', wamid: m.wamid },
    });
    expect(half.code).toBe(Code.INVALID_ARGUMENT);
    expect(half.metadata.get('x-field')).toEqual(['message.account_id']);
  });
});

describe('attachments for replies', () => {
  it('sends an uploaded file once, in its own conversation only', async () => {
    const queue = new Queue(OUTBOUND_QUEUE, {
      prefix: h.bullPrefix,
      connection: { url: h.redisUrl },
    });
    try {
      const m = await mediaMessage(MessageType.TEXT, 'text/plain', '4917000077001');
      const other = await mediaMessage(MessageType.IMAGE, 'image/png', '4917000077002');
      const png = randomBytes(20_000);
      const attach = (userId: string, mimeType = 'image/png', filename = 'label.png') =>
        client.upload(
          header({ userId, mimeType, filename, sizeBytes: png.length, sha256Hex: sha(png) }),
          once(png),
        );
      const file = await attach(m.userId);
      expect(file).toMatchObject({ alreadyStored: false, stored: undefined });
      const [doc] = await filesCol()
        .find({})
        .toArray()
        .then((fs) => fs.filter((f) => f._id.toHexString() === file.fileId));
      expect(doc?.metadata).toMatchObject({ userId: m.userId, attached: false, messageId: '' });

      const send = (fileId: string, clientId: string, type = MessageType.IMAGE) =>
        call(h.client, 'sendMessage', {
          userId: m.userId,
          content: MessageContent.fromPartial({
            type,
            text: 'your label',
            media: { stored: { fileId } },
          }),
          author: ADMIN,
          clientId,
          replyToMessageId: '',
        });
      const sent = (await send(file.fileId, 'reply-1')).message!;
      expect(sent.content?.media?.stored).toMatchObject({
        state: MediaState.STORED,
        fileId: file.fileId,
        mimeType: 'image/png',
        sizeBytes: png.length,
        sha256Hex: sha(png),
      });
      expect(sent.content?.media?.filename).toBe('label.png');
      expect((await send(file.fileId, 'reply-1')).message?.id).toBe(sent.id);
      const job = OutboundJob.fromJSON((await queue.getJob(sent.id))?.data);
      expect(job.content?.media?.stored?.fileId).toBe(file.fileId);
      const [after] = await filesCol().find({ 'metadata.messageId': sent.id }).toArray();
      expect(after?.metadata).toMatchObject({ attached: true, userId: m.userId });

      const twice = await callError(h.client, 'sendMessage', {
        userId: m.userId,
        content: MessageContent.fromPartial({
          type: MessageType.IMAGE,
          media: { stored: { fileId: file.fileId } },
        }),
        author: ADMIN,
        clientId: 'reply-2',
        replyToMessageId: '',
      });
      expect(twice.metadata.get('x-field')).toEqual(['content.media.stored.file_id']);
      const theirs = await attach(other.userId);
      const foreign = await callError(h.client, 'sendMessage', {
        userId: m.userId,
        content: MessageContent.fromPartial({
          type: MessageType.IMAGE,
          media: { stored: { fileId: theirs.fileId } },
        }),
        author: ADMIN,
        clientId: 'reply-3',
        replyToMessageId: '',
      });
      expect(foreign.code).toBe(Code.INVALID_ARGUMENT);
      expect(foreign.metadata.get('x-field')).toEqual(['content.media.stored.file_id']);
      const pdf = await attach(m.userId, 'application/pdf', 'invoice.pdf');
      const asImage = await callError(h.client, 'sendMessage', {
        userId: m.userId,
        content: MessageContent.fromPartial({
          type: MessageType.IMAGE,
          media: { stored: { fileId: pdf.fileId } },
        }),
        author: ADMIN,
        clientId: 'reply-4',
        replyToMessageId: '',
      });
      expect(asImage.metadata.get('x-field')).toEqual(['content.media.stored.file_id']);
      const doc2 = await call(h.client, 'sendMessage', {
        userId: m.userId,
        content: MessageContent.fromPartial({
          type: MessageType.DOCUMENT,
          media: { stored: { fileId: pdf.fileId } },
        }),
        author: ADMIN,
        clientId: 'reply-5',
        replyToMessageId: '',
      });
      expect(doc2.message?.content?.media?.filename).toBe('invoice.pdf');

      // Unsent attachments go after a day; sent ones and message files stay.
      const stale = await attach(m.userId);
      const removed = await h.ports.media.deleteUnattachedBefore(new Date(Date.now() + 60_000));
      expect(removed).toBeGreaterThanOrEqual(2); // `theirs` and `stale`
      expect(await h.ports.media.info(stale.fileId)).toBeNull();
      expect(await h.ports.media.info(file.fileId)).not.toBeNull();
    } finally {
      await queue.close();
    }
  });
});

describe('EraseUser', () => {
  it('removes every file of the user, thumbnails and unsent attachments too', async () => {
    const waId = '4917000088001';
    const m = await mediaMessage(MessageType.IMAGE, 'image/jpeg', waId);
    await uploadTo(m, randomBytes(400_000));
    await uploadTo(m, randomBytes(3_000), {
      variant: MediaVariant.THUMBNAIL,
      mimeType: 'image/jpeg',
    });
    const bytes = randomBytes(5_000);
    await client.upload(
      header({ userId: m.userId, mimeType: 'application/pdf', sizeBytes: bytes.length }),
      once(bytes),
    );
    const mine = () => filesCol().find({ 'metadata.userId': m.userId }).toArray();
    expect(await mine()).toHaveLength(3);
    await call(h.client, 'eraseUser', { userId: m.userId, actor: ADMIN, reason: 'request' });
    expect(await mine()).toHaveLength(0);
    expect(await strayChunks()).toBe(0);
  });
});
