// UploadMedia's checks and bookkeeping, and SendMessage with an attachment, over the in-memory
// fakes (the GridFS side is covered by test/media.int.test.ts).
import { createHash } from 'node:crypto';
import type { AppError } from '@ue/kit';
import {
  ActorKind,
  EventKind,
  MediaState,
  MediaVariant,
  MessageContent,
  MessageType,
  UploadMediaHeader,
  type UploadMediaRequest,
} from '@ue/proto';
import { beforeEach, describe, expect, it } from 'vitest';
import { createFakePorts, type FakePorts } from '../../test/fakes.js';
import { ACCOUNT, batch, inboundMedia, ref, t } from '../../test/events.js';
import { messageIdFor, userIdFor } from '../domain/ids.js';
import { applyBatch } from './apply-batch.js';
import { checkHeader, checkedChunks, uploadMedia } from './media.js';
import { sendMessage } from './messages.js';

const ADMIN = { kind: ActorKind.ADMIN, id: 'ana', displayName: 'Ana' };
const NOOR = ref('971501234567');
const userId = userIdFor(ACCOUNT, 'wa', NOOR.waId);
const imageId = messageIdFor(ACCOUNT, 'wamid.IMG');
const MAX = 1024 * 1024;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

const head = (h: Partial<UploadMediaHeader>): UploadMediaRequest => ({
  part: { $case: 'header', header: UploadMediaHeader.fromPartial(h) },
});
const chunk = (b: Uint8Array): UploadMediaRequest => ({
  part: { $case: 'chunk', chunk: Buffer.from(b) },
});
async function* stream(parts: UploadMediaRequest[]): AsyncIterable<UploadMediaRequest> {
  for (const p of parts) {
    await Promise.resolve();
    yield p;
  }
}
const forImage = (bytes: Buffer, extra: Partial<UploadMediaHeader> = {}) => [
  head({
    message: { messageId: imageId, accountId: '', wamid: '' },
    mimeType: 'image/jpeg',
    sizeBytes: bytes.length,
    sha256Hex: sha(bytes),
    ...extra,
  }),
  chunk(bytes),
];

async function fieldOf(p: Promise<unknown>): Promise<string | undefined> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e as AppError,
  );
  return err?.field ?? err?.code;
}

let fx: FakePorts;
beforeEach(async () => {
  fx = createFakePorts();
  await applyBatch(
    fx,
    batch(
      inboundMedia(
        'wamid.IMG',
        NOOR,
        { type: MessageType.IMAGE, mediaId: '1234567890123456789', mimeType: 'image/jpeg' },
        t(0),
      ),
    ),
  );
});

describe('checkHeader', () => {
  const valid = {
    message: { messageId: 'm1', accountId: '', wamid: '' },
    mimeType: 'image/png',
    sizeBytes: 10,
  };
  it.each([
    [{ sizeBytes: 0 }, 'header.size_bytes'],
    [{ sizeBytes: MAX + 1 }, 'header.size_bytes'],
    [{ mimeType: 'png' }, 'header.mime_type'],
    [{ sha256Hex: 'abc' }, 'header.sha256_hex'],
    [{ filename: 'a\u0000b' }, 'header.filename'],
    [{ message: undefined }, 'header.message'],
    [{ message: { messageId: '', accountId: ACCOUNT, wamid: '' } }, 'header.message.wamid'],
    [{ variant: 7 as MediaVariant }, 'header.variant'],
    [{ message: undefined, userId: 'u1', variant: MediaVariant.THUMBNAIL }, 'header.variant'],
    [{ width: -1 }, 'header.width'],
  ])('refuses %o naming %s', (change, field) => {
    const h = UploadMediaHeader.fromPartial({ ...valid, ...change });
    expect(() => checkHeader(h, MAX)).toThrow(expect.objectContaining({ field }));
  });

  it('defaults the variant to the original and lowercases the hash', () => {
    const h = checkHeader(
      UploadMediaHeader.fromPartial({ ...valid, sha256Hex: 'AB'.repeat(32) }),
      MAX,
    );
    expect(h).toMatchObject({ variant: 'original', sha256Hex: 'ab'.repeat(32) });
  });
});

describe('checkedChunks', () => {
  const drain = async (
    parts: UploadMediaRequest[],
    expect: { sizeBytes: number; sha256Hex: string },
  ) => {
    const out: Uint8Array[] = [];
    for await (const c of checkedChunks(stream(parts)[Symbol.asyncIterator](), expect)) out.push(c);
    return Buffer.concat(out);
  };
  it('passes the bytes through when size and hash match', async () => {
    const b = Buffer.from('hello media');
    const got = await drain([chunk(b.subarray(0, 5)), chunk(b.subarray(5))], {
      sizeBytes: b.length,
      sha256Hex: sha(b),
    });
    expect(got.equals(b)).toBe(true);
  });
  it('throws at the first byte too many, at a short end and at a wrong hash', async () => {
    const b = Buffer.from('hello');
    expect(await fieldOf(drain([chunk(b)], { sizeBytes: 4, sha256Hex: '' }))).toBe(
      'header.size_bytes',
    );
    expect(await fieldOf(drain([chunk(b)], { sizeBytes: 6, sha256Hex: '' }))).toBe(
      'header.size_bytes',
    );
    expect(
      await fieldOf(drain([chunk(b)], { sizeBytes: 5, sha256Hex: sha(Buffer.from('x')) })),
    ).toBe('header.sha256_hex');
    expect(
      await fieldOf(
        drain([chunk(Buffer.alloc(256 * 1024 + 1))], { sizeBytes: MAX, sha256Hex: '' }),
      ),
    ).toBe('chunk');
  });
});

describe('uploadMedia', () => {
  it('stores once, links the file and tells the live feed', async () => {
    expect(fx.inspect.messages()[0]?.content?.media?.stored?.state).toBe(MediaState.PENDING);
    const bytes = Buffer.from('jpeg bytes here');
    const first = await uploadMedia(fx, stream(forImage(bytes)), { maxBytes: MAX });
    expect(first).toMatchObject({ alreadyStored: false, stored: { state: MediaState.STORED } });
    const updated = fx.inspect.published().filter((e) => e.kind === EventKind.MESSAGE_UPDATED);
    expect(updated).toHaveLength(1);
    const again = await uploadMedia(fx, stream(forImage(bytes)), { maxBytes: MAX });
    expect(again).toMatchObject({ alreadyStored: true, fileId: first.fileId });
    expect(fx.inspect.mediaFiles()).toHaveLength(1);
  });

  it('keeps nothing of a refused upload', async () => {
    const bytes = Buffer.from('jpeg bytes here');
    const wrong = forImage(bytes, { sha256Hex: sha(Buffer.from('other')) });
    expect(await fieldOf(uploadMedia(fx, stream(wrong), { maxBytes: MAX }))).toBe(
      'header.sha256_hex',
    );
    expect(fx.inspect.mediaFiles()).toHaveLength(0);
    expect(fx.inspect.messages()[0]?.content?.media?.stored?.state).toBe(MediaState.PENDING);
  });
});

describe('sendMessage with an attachment', () => {
  const pdf = Buffer.from('%PDF-1.4 invoice');
  const attachment = async () =>
    uploadMedia(
      fx,
      stream([
        head({
          userId,
          mimeType: 'application/pdf',
          filename: 'invoice.pdf',
          sizeBytes: pdf.length,
        }),
        chunk(pdf),
      ]),
      { maxBytes: MAX },
    );
  const send = (fileId: string, extra: { clientId?: string; replyToMessageId?: string } = {}) =>
    sendMessage(
      fx,
      {
        userId,
        content: MessageContent.fromPartial({
          type: MessageType.DOCUMENT,
          media: { stored: { fileId } },
        }),
        author: ADMIN,
        clientId: extra.clientId ?? '',
        replyToMessageId: extra.replyToMessageId ?? '',
      },
      ADMIN,
    ).then((r) => r.doc);

  it('stores the message with the file and claims it', async () => {
    const { fileId } = await attachment();
    const doc = await send(fileId);
    expect(doc.content?.media?.stored).toMatchObject({
      state: MediaState.STORED,
      fileId,
      sizeBytes: pdf.length,
    });
    expect(fx.inspect.mediaFiles()[0]).toMatchObject({ attached: true, messageId: doc._id });
    expect(fx.inspect.enqueued()[0]?.content?.media?.stored?.fileId).toBe(fileId);
    expect(await fieldOf(send(fileId))).toBe('content.media.stored.file_id');
  });

  it('releases the file when the message is refused after the claim', async () => {
    const { fileId } = await attachment();
    expect(await fieldOf(send(fileId, { replyToMessageId: 'm_unknown' }))).toBe(
      'reply_to_message_id',
    );
    expect(fx.inspect.mediaFiles()[0]).toMatchObject({ attached: false, messageId: '' });
    expect((await send(fileId)).content?.media?.stored?.fileId).toBe(fileId);
  });

  it('needs a file id, and the open service window like text', async () => {
    expect(await fieldOf(send(''))).toBe('content.media.stored.file_id');
    const later = createFakePorts({ now: () => t(25 * 60) });
    await applyBatch(
      later,
      batch(
        inboundMedia(
          'wamid.X',
          NOOR,
          { type: MessageType.IMAGE, mediaId: '1', mimeType: 'image/png' },
          t(0),
        ),
      ),
    );
    const closed = await sendMessage(
      later,
      {
        userId,
        content: MessageContent.fromPartial({
          type: MessageType.DOCUMENT,
          media: { stored: { fileId: 'f' } },
        }),
        author: ADMIN,
        clientId: '',
        replyToMessageId: '',
      },
      ADMIN,
    ).then(
      () => undefined,
      (e: unknown) => (e as AppError).code,
    );
    expect(closed).toBe('FAILED_PRECONDITION');
  });
});
