// Rules for media files that need no I/O: what a MIME type and a SHA-256 look like, which types a
// kind of message may carry, and how bytes are cut into the parts the streaming RPCs carry.

/** The largest chunk part UploadMedia accepts and DownloadMedia sends (the contract's limit). */
export const MEDIA_CHUNK_BYTES = 256 * 1024;

/** type/subtype, optionally with parameters ("audio/ogg; codecs=opus", as WhatsApp sends). */
const MIME =
  /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*(\s*;\s*[a-z0-9_.-]+=[^;\s]+)*$/i;

export const MIME_MAX_LENGTH = 255;

export function isMimeType(v: string): boolean {
  return v.length <= MIME_MAX_LENGTH && MIME.test(v);
}

/** Lowercase hex SHA-256, as the contract spells it. */
export function isSha256Hex(v: string): boolean {
  return /^[0-9a-f]{64}$/.test(v);
}

/** The kinds of media message, as the contract's message types name them. */
export type MediaKind = 'image' | 'audio' | 'video' | 'document' | 'sticker';

/**
 * Whether a file of this MIME type can be the file of this kind of message: images, stickers,
 * audio and video by their top-level type; a document may be anything.
 */
export function mimeFitsKind(kind: MediaKind, mime: string): boolean {
  const top = mime.slice(0, mime.indexOf('/')).toLowerCase();
  switch (kind) {
    case 'image':
    case 'sticker':
      return top === 'image';
    case 'audio':
      return top === 'audio';
    case 'video':
      return top === 'video';
    case 'document':
      return true;
  }
}

/** `buf` in pieces of at most `max` bytes (views, no copies); nothing for an empty buffer. */
export function* slices(buf: Uint8Array, max: number = MEDIA_CHUNK_BYTES): Generator<Uint8Array> {
  for (let i = 0; i < buf.length; i += max) yield buf.subarray(i, Math.min(buf.length, i + max));
}
