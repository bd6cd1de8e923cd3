// Pure rules for inbound media (docs/ingest.md, "Media"): which MIME type a declared kind may
// carry, how large it may be, and the two spellings of a SHA-256 the provider uses (base64 in
// the webhook, hex in the media metadata).

export const MEDIA_KINDS = ['image', 'audio', 'video', 'document', 'sticker'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

export type MediaCaps = Readonly<Record<MediaKind, number>>;

const MB = 1024 * 1024;

/** The provider's own limits per kind (Cloud API "supported media types"). */
export const PROVIDER_CAPS: MediaCaps = {
  image: 5 * MB,
  audio: 16 * MB,
  video: 16 * MB,
  document: 100 * MB,
  sticker: 500 * 1024,
};

/**
 * Documents a browser would run or render as active content when opened (markup, script),
 * and executables. Anything else a customer sends as a document is kept; bff serves documents
 * as downloads in a sandbox anyway, this keeps the obviously hostile out of the store.
 */
const DANGEROUS_DOCUMENTS = new Set([
  'text/html',
  'application/xhtml+xml',
  'image/svg+xml',
  'text/xml',
  'application/xml',
  'text/javascript',
  'application/javascript',
  'application/x-javascript',
  'application/ecmascript',
  'text/ecmascript',
  'application/hta',
  'application/x-msdownload',
  'application/x-msdos-program',
  'application/x-ms-installer',
  'application/x-msi',
  'application/vnd.microsoft.portable-executable',
  'application/x-executable',
  'application/x-elf',
  'application/x-mach-binary',
  'application/x-sh',
  'application/x-csh',
  'application/x-bat',
  'application/x-powershell',
]);

/** "Audio/OGG; codecs=opus" → "audio/ogg"; undefined when it is not type/subtype at all. */
export function mimeEssence(mime: string): string | undefined {
  const essence = mime.split(';', 1)[0]!.trim().toLowerCase();
  return /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/.test(essence)
    ? essence
    : undefined;
}

/** Why `mime` may not be stored as `kind`, or undefined when it may. */
export function mimeProblem(kind: MediaKind, mime: string): string | undefined {
  const essence = mimeEssence(mime);
  if (!essence) return `unreadable MIME type "${mime.slice(0, 80)}"`;
  const [type] = essence.split('/');
  const ok =
    kind === 'image'
      ? type === 'image' && !essence.includes('svg')
      : kind === 'audio'
        ? type === 'audio'
        : kind === 'video'
          ? type === 'video'
          : kind === 'sticker'
            ? essence === 'image/webp'
            : !DANGEROUS_DOCUMENTS.has(essence);
  return ok ? undefined : `MIME type ${essence} is not allowed for ${kind}`;
}

/** Why `size` bytes are too many for `kind`, or undefined. */
export function sizeProblem(kind: MediaKind, size: number, caps: MediaCaps): string | undefined {
  return size > caps[kind] ? `${size} bytes is over the ${kind} limit of ${caps[kind]}` : undefined;
}

/**
 * A SHA-256 in either spelling (64 hex digits, or base64/base64url of the 32 bytes) as
 * lowercase hex; undefined when it is neither (the provider's field is then ignored).
 */
export function sha256AsHex(value: string): string | undefined {
  const v = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(v)) return v.toLowerCase();
  if (!/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(v)) return undefined;
  const bytes = Buffer.from(v.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return bytes.length === 32 ? bytes.toString('hex') : undefined;
}

/**
 * The hash the bytes must have, from the webhook's and the metadata's values: undefined when
 * neither is readable, or a problem when both are and they disagree.
 */
export function expectedSha256(...values: Array<string | undefined>): {
  hex?: string;
  problem?: string;
} {
  const hexes = [...new Set(values.map((v) => (v ? sha256AsHex(v) : undefined)).filter(Boolean))];
  if (hexes.length > 1) return { problem: 'checksum mismatch: webhook and metadata disagree' };
  return hexes[0] ? { hex: hexes[0] } : {};
}
