import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { demoPlan } from './dataset.js';
import { DEMO_MEDIA, MEDIA_DIR } from './media.js';

const all = [...DEMO_MEDIA.photos, DEMO_MEDIA.sticker, DEMO_MEDIA.invoice, DEMO_MEDIA.voiceNote];

describe('demo media', () => {
  it('lists each committed file with its true size and SHA-256', () => {
    for (const m of all) {
      const bytes = readFileSync(new URL(m.file, MEDIA_DIR));
      expect([m.file, bytes.length]).toEqual([m.file, m.sizeBytes]);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(m.sha256Hex);
      // Small enough to commit, real enough to show.
      expect(bytes.length).toBeGreaterThan(1000);
      expect(bytes.length).toBeLessThan(200_000);
    }
  });

  it('has files of the formats they claim (magic bytes)', () => {
    const head = (f: string) => readFileSync(new URL(f, MEDIA_DIR)).subarray(0, 40);
    expect(head('photo-parcel.jpg').subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(head('photo-label.png').subarray(1, 4).toString()).toBe('PNG');
    for (const f of ['photo-product.webp', 'sticker-sun.webp'])
      expect(head(f).subarray(8, 12).toString()).toBe('WEBP');
    expect(head('invoice-4713.pdf').subarray(0, 5).toString()).toBe('%PDF-');
    // Ogg with an Opus stream: what WhatsApp voice notes are, and Chromium plays.
    expect(head('voice-note.ogg').subarray(0, 4).toString()).toBe('OggS');
    expect(head('voice-note.ogg').subarray(28, 36).toString()).toBe('OpusHead');
  });

  it('sends each file’s SHA-256 as base64, as the provider’s webhooks do', () => {
    const media = demoPlan(1_795_000_000).inbound.filter((i) =>
      ['image', 'audio', 'document', 'sticker'].includes(String(i.message.type)),
    );
    expect(new Set(media.map((i) => i.message.type)).size).toBe(4);
    for (const i of media) {
      const body = i.message[String(i.message.type)] as { id: string; sha256: string };
      const file = all.find((m) => m.id === body.id)!;
      expect(Buffer.from(body.sha256, 'base64').toString('hex')).toBe(file.sha256Hex);
    }
  });
});
