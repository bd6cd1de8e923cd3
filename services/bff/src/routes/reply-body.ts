// The reply form's body: a text (form-encoded, or multipart without a file), or a caption and
// one attachment. The attachment's type comes from its bytes and its size from counting them;
// what the browser claims is ignored.
import type { Context } from 'hono';
import { fileTypeFromFile } from 'file-type';
import sharp from 'sharp';
import { AppError } from '@ue/kit';
import type { MediaSettings } from '../config.js';
import type { AppEnv } from '../http/types.js';
import { classifyAttachment, sizeLimitLabel, type AttachmentKind } from '../media/attachment.js';
import { safeFilename } from '../media/policy.js';
import { spoolMultipart, type SpooledFile } from '../media/spool.js';
import { THUMBNAIL_MAX_INPUT_PIXELS } from '../media/thumbnail.js';

/** WhatsApp's limits: a text message and a media caption. */
const TEXT_MAX = 4096;
const CAPTION_MAX = 1024;

/** The form is fine as HTTP but cannot be sent: shown in the form, nothing happens. */
export class ReplyRefused extends Error {}

export interface Attachment {
  kind: AttachmentKind;
  mimeType: string;
  filename: string;
  file: SpooledFile;
  width: number;
  height: number;
}

export interface Reply {
  text: string;
  /** The identity picked in the reply box (another of the person's), when one was. */
  to?: string;
  attachment?: Attachment;
  cleanup(): Promise<void>;
}

const nothing = (): Promise<void> => Promise.resolve();

async function imageSize(path: string): Promise<{ width: number; height: number }> {
  try {
    const meta = await sharp(path, { limitInputPixels: THUMBNAIL_MAX_INPUT_PIXELS }).metadata();
    // As displayed: a phone photo's EXIF orientation may swap the sides.
    const shown = meta.autoOrient ?? meta;
    return { width: shown.width ?? 0, height: shown.height ?? 0 };
  } catch {
    throw new ReplyRefused('This image cannot be read. Attach another one.');
  }
}

function textOf(value: unknown, withFile: boolean): string {
  const text = typeof value === 'string' ? value.trim() : '';
  const max = withFile ? CAPTION_MAX : TEXT_MAX;
  if (!withFile && !text) throw AppError.invalid('text', 'required');
  if (text.length > max)
    throw new ReplyRefused(
      withFile
        ? `A caption has at most ${CAPTION_MAX} characters.`
        : `A reply has at most ${TEXT_MAX} characters.`,
    );
  return text;
}

function toOf(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

export async function readReply(c: Context<AppEnv>, limits: MediaSettings): Promise<Reply> {
  const type = c.req.header('content-type') ?? '';
  if (!/^multipart\/form-data/i.test(type)) {
    const body = await c.req.parseBody();
    return { text: textOf(body.text, false), to: toOf(body.to), cleanup: nothing };
  }
  const maxFile = Math.max(limits.imageMaxBytes, limits.documentMaxBytes);
  // Refused before reading: the body cannot fit even the largest allowed document.
  const declared = Number(c.req.header('content-length') ?? 0);
  if (declared > maxFile + 1024 * 1024)
    throw new ReplyRefused(`The file is too large; at most ${sizeLimitLabel(maxFile)}.`);

  const form = await spoolMultipart(c.req.raw, { dir: limits.uploadTmpDir, maxFileBytes: maxFile });
  try {
    const file = form.file;
    const text = textOf(form.fields.text, Boolean(file));
    const to = toOf(form.fields.to);
    if (!file) {
      await form.cleanup();
      return { text, to, cleanup: nothing };
    }
    if (file.truncated)
      throw new ReplyRefused(`The file is too large; at most ${sizeLimitLabel(maxFile)}.`);
    const verdict = classifyAttachment({
      detected: await fileTypeFromFile(file.path),
      filename: file.filename,
      sizeBytes: file.sizeBytes,
      limits,
    });
    if (!verdict.ok) throw new ReplyRefused(verdict.error);
    const size = verdict.kind === 'image' ? await imageSize(file.path) : { width: 0, height: 0 };
    return {
      text,
      to,
      attachment: {
        kind: verdict.kind,
        mimeType: verdict.mimeType,
        filename: safeFilename(file.filename, verdict.kind === 'image' ? 'image' : 'document'),
        file,
        ...size,
      },
      cleanup: () => form.cleanup(),
    };
  } catch (err) {
    await form.cleanup();
    throw err;
  }
}
