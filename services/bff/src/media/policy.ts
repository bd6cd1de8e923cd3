// How a stored file goes back to a browser. Customers choose the bytes and the claimed type, so
// only a short list of types the browser renders without running anything is served inline;
// everything else (SVG, HTML, PDF, unknown) is an opaque download, and every answer is
// sandboxed and never sniffed.

/** Types served with their own Content-Type and shown inline (<img>, <audio>, <video>). */
export const INLINE_TYPES: ReadonlySet<string> = new Set([
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
  'audio/ogg',
  'audio/mpeg',
  'audio/mp4',
  'audio/aac',
  'audio/amr',
  'video/mp4',
  'video/3gpp',
]);

/** Raster types sharp may decode for a thumbnail (never SVG: librsvg would parse markup). */
export const THUMBNAIL_SOURCE_TYPES: ReadonlySet<string> = new Set([
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
]);

/**
 * The CSP of every /media answer: opened as a page, a file gets an opaque origin with no
 * script, forms, plugins or popups, and may load nothing but itself.
 */
export const MEDIA_CSP = "sandbox; default-src 'none'; img-src 'self'; media-src 'self'";

/** "image/JPEG; charset=x" → "image/jpeg". */
export function essence(mime: string | undefined): string {
  return (mime ?? '').split(';')[0]!.trim().toLowerCase();
}

export function isInlineType(mime: string | undefined): boolean {
  return INLINE_TYPES.has(essence(mime));
}

/** What file-type may call the bytes of an inline type (its names for some differ). */
const SNIFFED_SAFE: ReadonlySet<string> = new Set([
  ...INLINE_TYPES,
  'image/apng',
  'audio/opus',
  'audio/x-m4a',
  'audio/x-aac',
]);

const family = (mime: string): string => mime.slice(0, mime.indexOf('/'));

/**
 * Inline only when the stored type is on the list and the first bytes, as sniffed here, are a
 * safe type of the same family: an HTML page stored as "image/png" is a download. MP4 and
 * 3GPP containers hold sound or pictures, so audio and video may stand for each other.
 */
export function servesInline(declared: string | undefined, sniffed: string | undefined): boolean {
  const d = essence(declared);
  const s = essence(sniffed);
  if (!INLINE_TYPES.has(d) || !SNIFFED_SAFE.has(s)) return false;
  const [fd, fs] = [family(d), family(s)];
  return fd === fs || (['audio', 'video'].includes(fd) && ['audio', 'video'].includes(fs));
}

export function isThumbnailSource(mime: string | undefined): boolean {
  return THUMBNAIL_SOURCE_TYPES.has(essence(mime));
}

/**
 * A file name fit for a header and a download: no path, no control or bidi-override characters,
 * at most 150 characters; `fallback` when nothing is left.
 */
export function safeFilename(name: string | undefined, fallback: string): string {
  const base = (name ?? '').split(/[/\\]/).pop() ?? '';
  const cleaned = base
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .trim()
    .replace(/^\.+/, '');
  return [...(cleaned || fallback)].slice(0, 150).join('');
}

/** RFC 8187 value of `filename*` (UTF-8, percent-encoded beyond the attr-chars). */
export function encodeExtValue(name: string): string {
  return `UTF-8''${encodeURIComponent(name).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  )}`;
}

/** Plain-ASCII `filename` for old clients: anything else becomes "_". */
function asciiFallback(name: string): string {
  return name.replace(/[^A-Za-z0-9._ -]/g, '_');
}

export interface ServedFile {
  /** As stored. */
  mimeType: string;
  /** What the first bytes are (file-type); undefined when they are nothing it knows. */
  sniffedType: string | undefined;
  sizeBytes: number;
  filename: string;
}

/** Response headers of a stored file (the body is streamed separately). */
export function mediaHeaders(f: ServedFile): Record<string, string> {
  const inline = servesInline(f.mimeType, f.sniffedType);
  const disposition = inline ? 'inline' : 'attachment';
  return {
    'Content-Type': inline ? essence(f.mimeType) : 'application/octet-stream',
    'Content-Disposition': `${disposition}; filename="${asciiFallback(f.filename)}"; filename*=${encodeExtValue(f.filename)}`,
    'Content-Length': String(f.sizeBytes),
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': MEDIA_CSP,
    // Files of a message never change; private keeps them out of shared caches, and the short
    // lifetime lets an erasure take effect in browsers soon.
    'Cache-Control': 'private, max-age=600',
    'Cross-Origin-Resource-Policy': 'same-origin',
    // Players ask for parts (seeking, a voice note's duration): answered with 206.
    'Accept-Ranges': 'bytes',
  };
}

/**
 * One `Range: bytes=…` header against a file of `size` bytes: the inclusive range to send,
 * "unsatisfiable" (416), or undefined when there is none or it is not one simple byte range
 * (multiple ranges, other units, nonsense: the whole file is sent, which HTTP allows).
 */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | undefined {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    // The last N bytes.
    const n = Number(m[2]);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (!Number.isSafeInteger(start) || start >= size) return 'unsatisfiable';
  if (end < start) return undefined;
  return { start, end };
}

/** The name a file is offered under when the message has none: "<message>.<ext>". */
export function defaultFilename(messageId: string, mime: string): string {
  const ext: Record<string, string> = {
    'image/jpeg': 'jpg',
    'image/png': 'png',
    'image/webp': 'webp',
    'image/gif': 'gif',
    'audio/ogg': 'ogg',
    'audio/mpeg': 'mp3',
    'audio/mp4': 'm4a',
    'audio/aac': 'aac',
    'audio/amr': 'amr',
    'video/mp4': 'mp4',
    'video/3gpp': '3gp',
    'application/pdf': 'pdf',
  };
  return `${messageId}.${ext[essence(mime)] ?? 'bin'}`;
}

/** 1536 → "1.5 KB" (decimal units, as phones show them). */
export function humanSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes < 1000) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = bytes / 1000;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}
