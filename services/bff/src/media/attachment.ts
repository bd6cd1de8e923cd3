// What an admin may attach to a reply, decided from the file's bytes (file-type's detection)
// rather than from the browser's claim: images as WhatsApp shows them, and documents of the
// kinds customers open on a phone.

export type AttachmentKind = 'image' | 'document';

export interface AttachmentLimits {
  imageMaxBytes: number;
  documentMaxBytes: number;
}

/** What file-type reports for the first bytes (undefined when it knows nothing). */
export interface Detected {
  ext: string;
  mime: string;
}

export type Verdict =
  { ok: true; kind: AttachmentKind; mimeType: string } | { ok: false; error: string };

const IMAGES: Record<string, string> = {
  'image/jpeg': 'image/jpeg',
  'image/png': 'image/png',
  'image/webp': 'image/webp',
};

const DOCUMENTS: Record<string, string> = {
  'application/pdf': 'application/pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document':
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet':
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation':
    'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text': 'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet':
    'application/vnd.oasis.opendocument.spreadsheet',
};

// Legacy Office files share one container format (CFB); only the name tells them apart.
const LEGACY_OFFICE: Record<string, string> = {
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
};

/** Human wording of the accepted kinds, for the form and its errors. */
export const ACCEPTED_DESCRIPTION = 'a JPEG, PNG or WebP image, or a PDF or Office document';

/** The `accept` attribute of the file input (a hint only: the bytes decide). */
export const ACCEPT_ATTRIBUTE = [
  ...Object.keys(IMAGES),
  ...Object.keys(DOCUMENTS),
  ...Object.values(LEGACY_OFFICE),
  '.doc',
  '.xls',
  '.ppt',
].join(',');

function extensionOf(filename: string): string {
  const m = /\.([A-Za-z0-9]{1,8})$/.exec(filename);
  return m ? m[1]!.toLowerCase() : '';
}

export const DEFAULT_ATTACHMENT_LIMITS: Readonly<AttachmentLimits> = Object.freeze({
  imageMaxBytes: 5 * 1024 * 1024,
  documentMaxBytes: 100 * 1024 * 1024,
});

/** 5 MiB → "5 MB", 1.5 MiB → "1.5 MB" (limits are binary megabytes, as WhatsApp counts). */
export function sizeLimitLabel(bytes: number): string {
  const v = bytes / (1024 * 1024);
  if (v < 1) return `${Math.round(bytes / 1024)} KB`;
  return `${Number.isInteger(v) ? v : v.toFixed(1)} MB`;
}

/** Accept or refuse one attachment of `sizeBytes` whose first bytes file-type read as `detected`. */
export function classifyAttachment(input: {
  detected: Detected | undefined;
  filename: string;
  sizeBytes: number;
  limits: AttachmentLimits;
}): Verdict {
  const { detected, filename, sizeBytes, limits } = input;
  if (sizeBytes === 0) return { ok: false, error: 'The file is empty.' };
  let kind: AttachmentKind | undefined;
  let mimeType = '';
  if (detected && IMAGES[detected.mime]) {
    kind = 'image';
    mimeType = IMAGES[detected.mime]!;
  } else if (detected && DOCUMENTS[detected.mime]) {
    kind = 'document';
    mimeType = DOCUMENTS[detected.mime]!;
  } else if (detected?.mime === 'application/x-cfb' && LEGACY_OFFICE[extensionOf(filename)]) {
    kind = 'document';
    mimeType = LEGACY_OFFICE[extensionOf(filename)]!;
  }
  if (!kind) {
    const what = detected ? `a ${detected.ext.toUpperCase()} file` : 'of a type we cannot tell';
    return {
      ok: false,
      error: `This file is ${what}. Attach ${ACCEPTED_DESCRIPTION}.`,
    };
  }
  const max = kind === 'image' ? limits.imageMaxBytes : limits.documentMaxBytes;
  if (sizeBytes > max)
    return {
      ok: false,
      error: `The ${kind} is too large (${sizeLimitLabel(sizeBytes)}); at most ${sizeLimitLabel(max)}.`,
    };
  return { ok: true, kind, mimeType };
}
