// Media bytes in MongoDB GridFS (bucket "media": media.files and media.chunks), so files live in
// the one database profiles already owns and are erased with the rest of a user's data. What a
// file is and whom it belongs to is its files document's `metadata`; the SHA-256 is counted while
// the bytes go in, so the stored hash is always that of the stored bytes.
import { createHash } from 'node:crypto';
import {
  GridFSBucket,
  ObjectId,
  type Collection,
  type Db,
  type GridFSBucketWriteStream,
  type GridFSFile,
} from 'mongodb';
import type { MediaFileInfo, MediaFileMeta, MediaStore } from '../../app/ports.js';

export const MEDIA_BUCKET = 'media';
/** GridFS's default: each chunk document stays well below what one DownloadMedia part may carry. */
const CHUNK_BYTES = 255 * 1024;

interface StoredMeta extends MediaFileMeta {
  sha256Hex: string;
}

const objectIdOf = (fileId: string): ObjectId | undefined =>
  /^[0-9a-f]{24}$/.test(fileId) ? new ObjectId(fileId) : undefined;

function infoOf(f: GridFSFile): MediaFileInfo {
  const m = (f.metadata ?? {}) as Partial<StoredMeta>;
  return {
    fileId: f._id.toHexString(),
    sizeBytes: f.length,
    sha256Hex: m.sha256Hex ?? '',
    uploadedAt: f.uploadDate,
    userId: m.userId ?? '',
    accountId: m.accountId ?? '',
    messageId: m.messageId ?? '',
    variant: m.variant ?? 'original',
    mimeType: m.mimeType ?? 'application/octet-stream',
    filename: m.filename ?? '',
    attached: m.attached ?? false,
    width: m.width ?? 0,
    height: m.height ?? 0,
    durationMs: m.durationMs ?? 0,
  };
}

/** One write, resolved once the driver took it (a full chunk: once it is inserted). */
const writeTo = (s: GridFSBucketWriteStream, buf: Uint8Array) =>
  new Promise<void>((resolve, reject) => s.write(buf, (err) => (err ? reject(err) : resolve())));

const finish = (s: GridFSBucketWriteStream) =>
  new Promise<void>((resolve, reject) => {
    s.once('finish', () => resolve());
    s.once('error', reject);
    s.end();
  });

/** Indexes for erasure (by user), the cleanup of unsent attachments and lookups by message. */
export async function ensureMediaIndexes(db: Db): Promise<void> {
  await db
    .collection(`${MEDIA_BUCKET}.files`)
    .createIndexes([
      { key: { 'metadata.userId': 1 } },
      { key: { 'metadata.messageId': 1 } },
      { key: { 'metadata.attached': 1, uploadDate: 1 } },
    ]);
}

export function createMediaStore(db: Db): MediaStore {
  const bucket = new GridFSBucket(db, { bucketName: MEDIA_BUCKET, chunkSizeBytes: CHUNK_BYTES });
  const files: Collection<GridFSFile> = db.collection(`${MEDIA_BUCKET}.files`);

  async function removeAll(filter: object): Promise<number> {
    const found = await files.find(filter, { projection: { _id: 1 } }).toArray();
    for (const f of found) await remove(f._id);
    return found.length;
  }

  /** The file and its chunks; a file already gone (a concurrent delete) is no error. */
  async function remove(id: ObjectId): Promise<void> {
    try {
      await bucket.delete(id);
    } catch (e) {
      if (!/File not found/i.test((e as Error).message)) throw e;
    }
  }

  return {
    async put(meta, body) {
      // The hash goes into the files document, which the driver writes when the stream ends:
      // the object it was given is completed before end() is called.
      const metadata: StoredMeta = { ...meta, sha256Hex: '' };
      const upload = bucket.openUploadStream(meta.filename || 'file', { metadata });
      const hash = createHash('sha256');
      try {
        // Each write is awaited, so nothing is in flight when an abort deletes the chunks.
        for await (const buf of body) {
          hash.update(buf);
          await writeTo(upload, buf);
        }
        metadata.sha256Hex = hash.digest('hex');
        await finish(upload);
      } catch (err) {
        if (!upload.state.streamEnd && !upload.state.aborted)
          await upload.abort().catch(() => undefined);
        // Chunks of a stream that ended with an error are not always covered by abort().
        await db
          .collection(`${MEDIA_BUCKET}.chunks`)
          .deleteMany({ files_id: upload.id })
          .catch(() => undefined);
        await files.deleteOne({ _id: upload.id }).catch(() => undefined);
        throw err;
      }
      const stored = upload.gridFSFile ?? (await files.findOne({ _id: upload.id }));
      if (!stored) throw new Error('stored media file has no files document');
      return infoOf(stored);
    },
    async info(fileId) {
      const id = objectIdOf(fileId);
      if (!id) return null;
      const f = await files.findOne({ _id: id });
      return f ? infoOf(f) : null;
    },
    open(fileId, range) {
      const id = objectIdOf(fileId);
      if (!id) throw new Error(`not a media file id: ${fileId}`);
      return bucket.openDownloadStream(id, range ? { start: range.start, end: range.end } : {});
    },
    async delete(fileId) {
      const id = objectIdOf(fileId);
      if (id) await remove(id);
    },
    async attach(fileId, to) {
      const id = objectIdOf(fileId);
      if (!id) return false;
      const r = await files.updateOne(
        { _id: id, 'metadata.userId': to.userId, 'metadata.attached': false },
        { $set: { 'metadata.attached': true, 'metadata.messageId': to.messageId } },
      );
      return r.modifiedCount > 0;
    },
    async detach(fileId) {
      const id = objectIdOf(fileId);
      if (id)
        await files.updateOne(
          { _id: id },
          { $set: { 'metadata.attached': false, 'metadata.messageId': '' } },
        );
    },
    deleteForUser: (userId) => removeAll({ 'metadata.userId': userId }),
    deleteUnattachedBefore: (at) =>
      removeAll({ 'metadata.attached': false, uploadDate: { $lt: at } }),
  };
}
