// A message's file and its thumbnail, streamed from profiles (DownloadMedia) to the admin's
// browser under the headers of media/policy.ts. Thumbnails are made here on first request
// and kept in profiles, so every later view streams the stored one.
import { fileTypeFromBuffer } from 'file-type';
import { Hono, type Context } from 'hono';
import { LRUCache } from 'lru-cache';
import { AppError } from '@ue/kit';
import {
  MediaState,
  MediaVariant,
  MessageType,
  type DownloadMediaRequest,
  type Media,
  type MediaFile,
  type StoredMedia,
} from '@ue/proto';
import { DEFAULT_MEDIA_SETTINGS } from '../config.js';
import type { ProfilesApi } from '../clients/profiles.js';
import type { AppDeps, AppEnv } from '../http/types.js';
import {
  defaultFilename,
  isThumbnailSource,
  mediaHeaders,
  parseRange,
  safeFilename,
  type ServedFile,
} from '../media/policy.js';
import { makeThumbnail, type Thumbnail } from '../media/thumbnail.js';
import { isSafeId } from './users-query.js';

type C = Context<AppEnv>;

interface Found {
  messageId: string;
  type: MessageType;
  media: Media;
  stored: StoredMedia;
}

/** The message's media when its file is kept here; 404 otherwise (unknown, pending, gone). */
async function storedMedia(p: ProfilesApi, messageId: string): Promise<Found> {
  if (!isSafeId(messageId)) throw AppError.notFound('media');
  const { message } = await p.getMessage({ message: { messageId, accountId: '', wamid: '' } });
  const media = message?.content?.media;
  const stored = media?.stored;
  if (!message?.content || !media || stored?.state !== MediaState.STORED)
    throw AppError.notFound('media');
  return { messageId, type: message.content.type, media, stored };
}

/**
 * Starts a download and waits for its description and first bytes, so that a missing file is
 * a 404 before any header is sent and the type can be checked against the bytes; the rest
 * then flows as the browser reads it (cancelled when it goes away).
 */
async function openDownload(
  p: ProfilesApi,
  req: Partial<DownloadMediaRequest>,
): Promise<{ file: MediaFile; sniffedType: string | undefined; body: ReadableStream<Uint8Array> }> {
  const abort = new AbortController();
  const parts = p.downloadMedia(req, abort.signal)[Symbol.asyncIterator]();
  const nextChunk = async (): Promise<Uint8Array | undefined> => {
    for (;;) {
      const r = await parts.next();
      if (r.done) return undefined;
      if (r.value.part?.$case === 'chunk') return r.value.part.chunk;
    }
  };
  let file: MediaFile;
  let head: Uint8Array | undefined;
  try {
    const first = await parts.next();
    const part = first.done ? undefined : first.value.part;
    if (part?.$case !== 'file') throw AppError.notFound('media');
    file = part.file;
    head = await nextChunk();
  } catch (err) {
    abort.abort();
    throw err;
  }
  const sniffedType = head ? (await fileTypeFromBuffer(head))?.mime : undefined;
  let pending = head;
  const body = new ReadableStream<Uint8Array>({
    async pull(ctrl) {
      try {
        const chunk = pending ?? (await nextChunk());
        pending = undefined;
        if (chunk) ctrl.enqueue(chunk);
        else ctrl.close();
      } catch (err) {
        ctrl.error(err);
      }
    },
    cancel() {
      abort.abort();
    },
  });
  return { file, sniffedType, body };
}

/** Reads a whole (small) file, refusing more than `max` bytes. */
async function readAll(body: ReadableStream<Uint8Array>, max: number): Promise<Buffer | undefined> {
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const r = await reader.read();
    if (r.done) return Buffer.concat(parts);
    size += r.value.length;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    parts.push(r.value);
  }
}

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield await Promise.resolve(bytes);
}

export function mediaRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const p = deps.profiles;
  const limits = deps.settings.media ?? DEFAULT_MEDIA_SETTINGS;
  // Two views of a new image at once make one thumbnail, not two.
  const making = new Map<string, Promise<Thumbnail | undefined>>();
  // Files that are no image after all (or too large) are not downloaded again on every view.
  const refused = new LRUCache<string, true>({ max: 2000 });

  const serve = (c: C, file: ServedFile, body: ReadableStream<Uint8Array> | Uint8Array) =>
    c.body(body as ReadableStream, 200, mediaHeaders(file));

  app.get('/media/:messageId', async (c) => {
    const found = await storedMedia(p, c.req.param('messageId'));
    const message = { messageId: found.messageId, accountId: '', wamid: '' };
    const range = parseRange(c.req.header('range'), found.stored.sizeBytes);
    // A range is read from where it starts, so the type is checked on the file's own first
    // bytes (4100 are all file-type needs), read apart.
    const head = await openDownload(p, {
      message,
      variant: MediaVariant.ORIGINAL,
      ...(range ? { length: 4100 } : {}),
    });
    const { file, sniffedType } = head;
    const mimeType = file.mimeType || found.stored.mimeType;
    const served: ServedFile = {
      mimeType,
      sniffedType,
      sizeBytes: file.sizeBytes,
      filename: safeFilename(
        found.media.filename || file.filename,
        defaultFilename(found.messageId, mimeType),
      ),
    };
    if (!range) return serve(c, served, head.body);
    await head.body.cancel();
    const headers = mediaHeaders(served);
    if (range === 'unsatisfiable')
      return c.body(null, 416, {
        ...headers,
        'Content-Range': `bytes */${file.sizeBytes}`,
        'Content-Length': '0',
      });
    const part = await openDownload(p, {
      message,
      variant: MediaVariant.ORIGINAL,
      offset: range.start,
      length: range.end - range.start + 1,
    });
    return c.body(part.body as ReadableStream, 206, {
      ...headers,
      'Content-Range': `bytes ${range.start}-${range.end}/${file.sizeBytes}`,
      'Content-Length': String(range.end - range.start + 1),
    });
  });

  const generate = async (found: Found): Promise<Thumbnail | undefined> => {
    if (found.stored.sizeBytes > limits.thumbnailMaxInputBytes) return undefined;
    const { body } = await openDownload(p, {
      message: { messageId: found.messageId, accountId: '', wamid: '' },
      variant: MediaVariant.ORIGINAL,
    });
    const original = await readAll(body, limits.thumbnailMaxInputBytes);
    if (!original) return undefined;
    const thumb = await makeThumbnail(original).catch((err: unknown) => {
      deps.log.warn({ err, messageId: found.messageId }, 'thumbnail failed');
      return undefined;
    });
    if (!thumb) return undefined;
    try {
      await p.uploadMedia(
        {
          message: { messageId: found.messageId, accountId: '', wamid: '' },
          variant: MediaVariant.THUMBNAIL,
          mimeType: thumb.mimeType,
          filename: `${found.messageId}-thumb.webp`,
          sizeBytes: thumb.bytes.length,
          width: thumb.width,
          height: thumb.height,
        },
        once(thumb.bytes),
      );
    } catch (err) {
      // Served anyway; the next view tries to keep one again.
      deps.log.warn({ err, messageId: found.messageId }, 'thumbnail not stored');
    }
    return thumb;
  };

  app.get('/media/:messageId/thumb', async (c) => {
    const found = await storedMedia(p, c.req.param('messageId'));
    const raster =
      (found.type === MessageType.IMAGE || found.type === MessageType.STICKER) &&
      isThumbnailSource(found.stored.mimeType);
    if (!raster) throw AppError.notFound('thumbnail');
    const filename = `${found.messageId}-thumb.webp`;
    if (found.stored.thumbnailFileId) {
      const { file, sniffedType, body } = await openDownload(p, {
        message: { messageId: found.messageId, accountId: '', wamid: '' },
        variant: MediaVariant.THUMBNAIL,
      });
      return serve(
        c,
        { mimeType: file.mimeType, sniffedType, sizeBytes: file.sizeBytes, filename },
        body,
      );
    }
    if (refused.has(found.messageId)) throw AppError.notFound('thumbnail');
    let pending = making.get(found.messageId);
    if (!pending) {
      pending = generate(found).finally(() => making.delete(found.messageId));
      making.set(found.messageId, pending);
    }
    const thumb = await pending;
    if (!thumb) {
      refused.set(found.messageId, true);
      throw AppError.notFound('thumbnail');
    }
    return serve(
      c,
      {
        mimeType: thumb.mimeType,
        sniffedType: thumb.mimeType,
        sizeBytes: thumb.bytes.length,
        filename,
      },
      new Uint8Array(thumb.bytes),
    );
  });

  return app;
}
