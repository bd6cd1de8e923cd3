// The demo's media files (tools/demo/media, made by scripts/make-media.ts): fixed provider
// media ids that the provider sandbox serves, with the type, size and SHA-256 each message
// announces in its webhook, as the provider does.
import { readFileSync } from 'node:fs';

export interface DemoMedia {
  /** Provider media id (the sandbox serves it). */
  id: string;
  file: string;
  mimeType: string;
  sizeBytes: number;
  sha256Hex: string;
}

export const MEDIA_DIR = new URL('../media/', import.meta.url);

const manifest = JSON.parse(
  readFileSync(new URL('manifest.json', MEDIA_DIR), 'utf8'),
) as DemoMedia[];

function byFile(file: string): DemoMedia {
  const m = manifest.find((x) => x.file === file);
  if (!m) throw new Error(`tools/demo/media/manifest.json has no ${file}`);
  return m;
}

export const DEMO_MEDIA = {
  photos: [byFile('photo-parcel.jpg'), byFile('photo-label.png'), byFile('photo-product.webp')],
  sticker: byFile('sticker-sun.webp'),
  invoice: byFile('invoice-4713.pdf'),
  voiceNote: byFile('voice-note.ogg'),
} as const;

/** The webhook's fields of a file: its id, type, and SHA-256 as base64 (the webhook's form). */
export function webhookMedia(m: DemoMedia): { id: string; mime_type: string; sha256: string } {
  return {
    id: m.id,
    mime_type: m.mimeType,
    sha256: Buffer.from(m.sha256Hex, 'hex').toString('base64'),
  };
}
