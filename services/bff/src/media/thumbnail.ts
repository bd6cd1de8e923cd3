// The conversation's small copy of an image or sticker, made with sharp. The bytes are checked
// to be a raster format first (sharp would also render SVG), decoding is capped in pixels, the
// result is a WebP of at most 320 px without any of the original's metadata (EXIF, GPS).
import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import { THUMBNAIL_SOURCE_TYPES } from './policy.js';

export const THUMBNAIL_MAX_PX = 320;
export const THUMBNAIL_MIME = 'image/webp';
/** Decoding stops beyond this many input pixels (a tiny file can claim a huge canvas). */
export const THUMBNAIL_MAX_INPUT_PIXELS = 50_000_000;

export interface Thumbnail {
  bytes: Buffer;
  mimeType: string;
  width: number;
  height: number;
}

/** Undefined when the bytes are not a raster image sharp should touch. */
export async function makeThumbnail(input: Uint8Array): Promise<Thumbnail | undefined> {
  const detected = await fileTypeFromBuffer(input);
  if (!detected || !THUMBNAIL_SOURCE_TYPES.has(detected.mime)) return undefined;
  const { data, info } = await sharp(input, {
    limitInputPixels: THUMBNAIL_MAX_INPUT_PIXELS,
    // First frame only: an animated sticker's thumbnail is a still.
    animated: false,
    failOn: 'error',
  })
    // Apply the EXIF orientation before the metadata goes.
    .rotate()
    .resize({
      width: THUMBNAIL_MAX_PX,
      height: THUMBNAIL_MAX_PX,
      fit: 'inside',
      withoutEnlargement: true,
    })
    .webp({ quality: 78, effort: 3 })
    .toBuffer({ resolveWithObject: true });
  return { bytes: data, mimeType: THUMBNAIL_MIME, width: info.width, height: info.height };
}
