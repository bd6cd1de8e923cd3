// Media files of messages (docs/agents.md, "Media over gRPC"): UploadMedia (a header, then chunk
// parts streamed into the media store while they are counted and hashed), DownloadMedia,
// SetMediaState, GetMessage, and the checks SendMessage makes on an attachment.
import { createHash } from 'node:crypto';
import { AppError } from '@ue/kit';
import {
  EventKind,
  Media,
  MediaState,
  MediaVariant,
  MessageType,
  StoredMedia,
  type DownloadMediaRequest,
  type DownloadMediaResponse,
  type GetMessageRequest,
  type MessageContent,
  type MessageRef,
  type SetMediaStateRequest,
  type UploadMediaHeader,
  type UploadMediaRequest,
  type UploadMediaResponse,
} from '@ue/proto';
import { LIMITS, optionalString, requireString } from '../domain/limits.js';
import {
  MEDIA_CHUNK_BYTES,
  isMimeType,
  isSha256Hex,
  mimeFitsKind,
  slices,
  type MediaKind,
} from '../domain/media.js';
import type { MediaFileInfo, MediaVariantName, Ports } from './ports.js';
import { publishMessage } from './publish.js';
import type { MessageRecord, UserView } from './records.js';

type MediaPorts = Pick<Ports, 'messages' | 'users' | 'media' | 'events' | 'now'>;

const KIND_OF = new Map<MessageType, MediaKind>([
  [MessageType.IMAGE, 'image'],
  [MessageType.AUDIO, 'audio'],
  [MessageType.VIDEO, 'video'],
  [MessageType.DOCUMENT, 'document'],
  [MessageType.STICKER, 'sticker'],
]);

/** The kind of a media message; undefined for every other type. */
export const mediaKindOf = (type: MessageType | undefined): MediaKind | undefined =>
  type === undefined ? undefined : KIND_OF.get(type);

/** Message types SendMessage sends with an uploaded file (content.media.stored.file_id). */
export const SENDABLE_MEDIA: ReadonlySet<MessageType> = new Set([
  MessageType.IMAGE,
  MessageType.DOCUMENT,
  MessageType.AUDIO,
  MessageType.VIDEO,
]);

const REASON_LENGTH = 500;

type Ref = { messageId: string } | { accountId: string; wamid: string };

/** A message reference: its id, or account + wamid; undefined when nothing is set. */
function refOf(field: string, r: MessageRef | undefined): Ref | undefined {
  const messageId = optionalString(`${field}.message_id`, r?.messageId, LIMITS.idLength).trim();
  const accountId = optionalString(`${field}.account_id`, r?.accountId, 64).trim();
  const wamid = optionalString(`${field}.wamid`, r?.wamid, 256).trim();
  if (messageId) return { messageId };
  if (!accountId && !wamid) return undefined;
  if (!accountId) throw AppError.invalid(`${field}.account_id`, 'required with wamid');
  if (!wamid) throw AppError.invalid(`${field}.wamid`, 'required with account_id');
  return { accountId, wamid };
}

function requireRef(field: string, r: MessageRef | undefined): Ref {
  const ref = refOf(field, r);
  if (!ref) throw AppError.invalid(field, 'message_id, or account_id and wamid, required');
  return ref;
}

async function findRef(deps: Pick<Ports, 'messages'>, ref: Ref): Promise<MessageRecord> {
  const m =
    'messageId' in ref
      ? await deps.messages.findById(ref.messageId)
      : await deps.messages.findByWamid(ref.accountId, ref.wamid);
  if (!m) throw AppError.notFound('message');
  return m;
}

function variantOf(field: string, v: MediaVariant): MediaVariantName {
  if (v === MediaVariant.UNSPECIFIED || v === MediaVariant.ORIGINAL) return 'original';
  if (v === MediaVariant.THUMBNAIL) return 'thumbnail';
  throw AppError.invalid(field, `unknown value ${String(v)}`);
}

/** The file this variant of the message already has, or ''. */
function keptFileId(m: MessageRecord, variant: MediaVariantName): string {
  const s = m.content?.media?.stored;
  if (!s || s.state !== MediaState.STORED) return '';
  return variant === 'thumbnail' ? s.thumbnailFileId : s.fileId;
}

const storedOf = (m: MessageRecord | null): StoredMedia | undefined =>
  m?.content?.media?.stored ? StoredMedia.fromPartial(m.content.media.stored) : undefined;

export interface CheckedHeader {
  ref: Ref | undefined;
  userId: string;
  variant: MediaVariantName;
  mimeType: string;
  filename: string;
  sizeBytes: number;
  sha256Hex: string;
  width: number;
  height: number;
  durationMs: number;
}

const nonNegative = (field: string, v: number): number => {
  if (!Number.isInteger(v) || v < 0) throw AppError.invalid(field, 'a whole number ≥ 0 expected');
  return v;
};

/** Every field of the header, before anything is read or written. */
export function checkHeader(h: UploadMediaHeader, maxBytes: number): CheckedHeader {
  const sizeBytes = h.sizeBytes;
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes <= 0)
    throw AppError.invalid('header.size_bytes', 'required: the number of bytes that follow');
  if (sizeBytes > maxBytes)
    throw AppError.invalid('header.size_bytes', `larger than the limit of ${maxBytes} bytes`);
  const mimeType = h.mimeType.trim();
  if (!isMimeType(mimeType))
    throw AppError.invalid('header.mime_type', 'a MIME type like "image/jpeg" expected');
  const sha256Hex = h.sha256Hex.trim().toLowerCase();
  if (sha256Hex && !isSha256Hex(sha256Hex))
    throw AppError.invalid('header.sha256_hex', '64 hex digits expected');
  const filename = optionalString('header.filename', h.filename, LIMITS.nameLength);
  if ([...filename].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f))
    throw AppError.invalid('header.filename', 'no control characters allowed');
  const ref = refOf('header.message', h.message);
  const userId = optionalString('header.user_id', h.userId, LIMITS.idLength).trim();
  if (!ref && !userId)
    throw AppError.invalid('header.message', 'a message, or a user_id for an unsent attachment');
  const variant = variantOf('header.variant', h.variant);
  if (!ref && variant === 'thumbnail')
    throw AppError.invalid('header.variant', 'an unsent attachment has no thumbnail');
  if (variant === 'thumbnail' && !mimeFitsKind('image', mimeType))
    throw AppError.invalid('header.mime_type', 'a thumbnail is an image');
  return {
    ref,
    userId,
    variant,
    mimeType,
    filename,
    sizeBytes,
    sha256Hex,
    width: nonNegative('header.width', h.width),
    height: nonNegative('header.height', h.height),
    durationMs: nonNegative('header.duration_ms', h.durationMs),
  };
}

/**
 * The chunk parts after the header, checked as they pass: each at most MEDIA_CHUNK_BYTES, never
 * more bytes than announced, and at the end exactly size_bytes with the announced SHA-256. A
 * violation throws from inside the stream, so the store drops what it wrote.
 */
export async function* checkedChunks(
  parts: AsyncIterator<UploadMediaRequest>,
  expect: { sizeBytes: number; sha256Hex: string },
): AsyncGenerator<Uint8Array> {
  const hash = createHash('sha256');
  let count = 0;
  for (let r = await parts.next(); !r.done; r = await parts.next()) {
    const part = r.value.part;
    if (part?.$case !== 'chunk')
      throw AppError.invalid('header', 'only the first part may be a header');
    const chunk = part.chunk;
    if (chunk.length > MEDIA_CHUNK_BYTES)
      throw AppError.invalid('chunk', `a chunk part carries at most ${MEDIA_CHUNK_BYTES} bytes`);
    count += chunk.length;
    if (count > expect.sizeBytes)
      throw AppError.invalid(
        'header.size_bytes',
        `more than the ${expect.sizeBytes} bytes announced`,
      );
    if (chunk.length === 0) continue;
    hash.update(chunk);
    yield chunk;
  }
  if (count !== expect.sizeBytes)
    throw AppError.invalid(
      'header.size_bytes',
      `${count} bytes received, ${expect.sizeBytes} announced`,
    );
  const got = hash.digest('hex');
  if (expect.sha256Hex && got !== expect.sha256Hex)
    throw AppError.invalid('header.sha256_hex', `the bytes received hash to ${got}`);
}

/** The message an upload is for, checked; or the answer when its file is there already. */
async function targetMessage(
  deps: MediaPorts,
  h: CheckedHeader & { ref: Ref },
): Promise<{ message: MessageRecord; kept?: UploadMediaResponse }> {
  const message = await findRef(deps, h.ref);
  const kind = mediaKindOf(message.content?.type);
  if (!kind)
    throw AppError.invalid('header.message', 'not a media message (image, audio, video, …)');
  if (h.userId && h.userId !== message.userId)
    throw AppError.invalid('header.user_id', 'not the user of this message');
  const kept = keptFileId(message, h.variant);
  if (kept)
    return { message, kept: { fileId: kept, stored: storedOf(message), alreadyStored: true } };
  if (h.variant === 'original' && !mimeFitsKind(kind, h.mimeType))
    throw AppError.invalid('header.mime_type', `not a type a ${kind} message can carry`);
  if (h.variant === 'thumbnail' && message.content?.media?.stored?.state !== MediaState.STORED)
    throw new AppError('FAILED_PRECONDITION', 'the original is not stored yet');
  return { message };
}

async function linkFile(
  deps: MediaPorts,
  o: { message: MessageRecord; h: CheckedHeader; file: MediaFileInfo },
): Promise<UploadMediaResponse> {
  const { message, h, file } = o;
  const at = deps.now();
  const linked =
    h.variant === 'thumbnail'
      ? await deps.messages.linkMedia(message._id, {
          variant: 'thumbnail',
          fileId: file.fileId,
          at,
        })
      : await deps.messages.linkMedia(message._id, {
          variant: 'original',
          stored: StoredMedia.fromPartial({
            state: MediaState.STORED,
            fileId: file.fileId,
            mimeType: file.mimeType,
            sizeBytes: file.sizeBytes,
            sha256Hex: file.sha256Hex,
            width: h.width,
            height: h.height,
            durationMs: h.durationMs,
            reason: '',
            updatedAt: at,
          }),
        });
  const after = await deps.messages.findById(message._id);
  if (!linked) {
    // Another upload of the same file won (or the message was erased meanwhile): keep only one.
    await deps.media.delete(file.fileId);
    const kept = after ? keptFileId(after, h.variant) : '';
    if (!kept) throw AppError.notFound('message');
    return { fileId: kept, stored: storedOf(after), alreadyStored: true };
  }
  if (after) await publishMessage(deps, EventKind.MESSAGE_UPDATED, after);
  return { fileId: file.fileId, stored: storedOf(after), alreadyStored: false };
}

async function attachmentUser(deps: MediaPorts, userId: string): Promise<UserView> {
  const user = await deps.users.findById(userId);
  if (!user || user.erasedAt) throw AppError.notFound('user');
  return user;
}

/**
 * UploadMedia: the header first, then chunk parts. A variant the message has already is answered
 * at once (already_stored, nothing more read); a failed or cancelled upload keeps nothing.
 */
export async function uploadMedia(
  deps: MediaPorts,
  parts: AsyncIterable<UploadMediaRequest>,
  opts: { maxBytes: number },
): Promise<UploadMediaResponse> {
  const it = parts[Symbol.asyncIterator]();
  const first = await it.next();
  const head = first.done ? undefined : first.value.part;
  if (head?.$case !== 'header')
    throw AppError.invalid('header', 'the first part must be the header');
  const h = checkHeader(head.header, opts.maxBytes);
  const target = h.ref ? await targetMessage(deps, { ...h, ref: h.ref }) : undefined;
  if (target?.kept) return target.kept;
  const owner = target
    ? { userId: target.message.userId, accountId: target.message.accountId }
    : { userId: h.userId, accountId: (await attachmentUser(deps, h.userId)).accountId };
  const file = await deps.media.put(
    {
      ...owner,
      messageId: target?.message._id ?? '',
      variant: h.variant,
      mimeType: h.mimeType,
      filename: h.filename || (target?.message.content?.media?.filename ?? ''),
      attached: !!target,
      width: h.width,
      height: h.height,
      durationMs: h.durationMs,
    },
    checkedChunks(it, h),
  );
  if (!target) return { fileId: file.fileId, stored: undefined, alreadyStored: false };
  return linkFile(deps, { message: target.message, h, file });
}

/** DownloadMedia's offset and length as a range of the file; none for the whole file. */
function byteRange(
  req: Pick<DownloadMediaRequest, 'offset' | 'length'>,
  size: number,
): { start: number; end: number } | undefined {
  const offset = Number(req.offset ?? 0);
  const length = Number(req.length ?? 0);
  if (!Number.isSafeInteger(offset) || offset < 0)
    throw AppError.invalid('offset', 'a whole number of bytes, 0 or more');
  if (!Number.isSafeInteger(length) || length < 0)
    throw AppError.invalid('length', 'a whole number of bytes, 0 or more');
  if (offset === 0 && length === 0) return undefined;
  if (offset >= size) throw AppError.invalid('offset', `past the end of the file (${size} bytes)`);
  return { start: offset, end: length ? Math.min(size, offset + length) : size };
}

/** DownloadMedia: the file's description, then its bytes in parts of at most 256 KiB. */
export async function downloadMedia(
  deps: Pick<Ports, 'messages' | 'media'>,
  req: DownloadMediaRequest & { cancelled: () => boolean },
  write: (r: DownloadMediaResponse) => Promise<void>,
): Promise<void> {
  const byId = optionalString('file_id', req.fileId, 64).trim();
  let fileId = byId;
  if (!byId) {
    const ref = requireRef('message', req.message);
    const variant = variantOf('variant', req.variant);
    fileId = keptFileId(await findRef(deps, ref), variant);
  }
  const file = fileId ? await deps.media.info(fileId) : null;
  if (!file) throw AppError.notFound('stored media file');
  const { sizeBytes, mimeType, sha256Hex, filename } = file;
  const range = byteRange(req, sizeBytes);
  await write({
    part: { $case: 'file', file: { fileId, mimeType, sizeBytes, sha256Hex, filename } },
  });
  for await (const buf of deps.media.open(fileId, range)) {
    if (req.cancelled()) return;
    for (const piece of slices(buf)) {
      // A view of the same bytes as the contract's Buffer, no copy.
      const chunk = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
      await write({ part: { $case: 'chunk', chunk } });
    }
  }
}

/** SetMediaState: PENDING (reason: the last error) or UNAVAILABLE (reason required). */
export async function setMediaState(
  deps: Pick<Ports, 'messages' | 'events' | 'now'>,
  req: SetMediaStateRequest,
): Promise<StoredMedia | undefined> {
  const ref = requireRef('message', req.message);
  if (req.state !== MediaState.PENDING && req.state !== MediaState.UNAVAILABLE)
    throw AppError.invalid('state', 'PENDING or UNAVAILABLE expected');
  const reason = optionalString('reason', req.reason, REASON_LENGTH).trim();
  if (req.state === MediaState.UNAVAILABLE && !reason)
    throw AppError.invalid('reason', 'required for UNAVAILABLE: why the file is gone');
  const m = await findRef(deps, ref);
  if (!mediaKindOf(m.content?.type))
    throw AppError.invalid('message', 'not a media message (image, audio, video, …)');
  const changed = await deps.messages.setMediaState(m._id, {
    state: req.state,
    reason,
    at: deps.now(),
  });
  const after = await deps.messages.findById(m._id);
  if (!after) throw AppError.notFound('message');
  if (changed) await publishMessage(deps, EventKind.MESSAGE_UPDATED, after);
  return storedOf(after);
}

/** GetMessage: by id, or by account and wamid; with its quoted message's id resolved. */
export async function getMessage(
  deps: Pick<Ports, 'messages'>,
  req: GetMessageRequest,
): Promise<{ doc: MessageRecord; replyIds: Map<string, string> }> {
  const doc = await findRef(deps, requireRef('message', req.message));
  const quoted = doc.context?.replyToWamid;
  const replyIds = quoted
    ? await deps.messages.idsByWamid(doc.accountId, [quoted])
    : new Map<string, string>();
  return { doc, replyIds };
}

/**
 * The uploaded file a message to send names (content.media.stored.file_id), checked: it exists,
 * belongs to this user, is not attached to another message, and suits the message type.
 */
export async function attachmentOf(
  deps: Pick<Ports, 'media'>,
  user: UserView,
  content: MessageContent,
): Promise<MediaFileInfo> {
  const field = 'content.media.stored.file_id';
  const fileId = requireString(field, content.media?.stored?.fileId, 64);
  const file = await deps.media.info(fileId);
  if (!file || file.userId !== user._id || file.variant !== 'original')
    throw AppError.invalid(field, 'no such uploaded file in this conversation');
  if (file.attached) throw AppError.invalid(field, 'this file was sent already');
  const kind = mediaKindOf(content.type);
  if (kind && !mimeFitsKind(kind, file.mimeType))
    throw AppError.invalid(field, `a ${file.mimeType} file cannot be sent as ${kind}`);
  return file;
}

/** The content of a message sending an uploaded file: its media as stored here. */
export function withAttachment(
  content: MessageContent,
  file: MediaFileInfo,
  at: Date,
): MessageContent {
  const media = Media.fromPartial({
    ...content.media,
    mediaId: '',
    url: '',
    sha256: '',
    mimeType: file.mimeType,
    filename: content.media?.filename || file.filename,
    stored: StoredMedia.fromPartial({
      state: MediaState.STORED,
      fileId: file.fileId,
      mimeType: file.mimeType,
      sizeBytes: file.sizeBytes,
      sha256Hex: file.sha256Hex,
      width: file.width,
      height: file.height,
      durationMs: file.durationMs,
      updatedAt: at,
    }),
  });
  return { ...content, media };
}
