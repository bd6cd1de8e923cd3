import { describe, expect, it } from 'vitest';
import { MEDIA_CHUNK_BYTES, isMimeType, isSha256Hex, mimeFitsKind, slices } from './media.js';

describe('media rules', () => {
  it('takes MIME types with parameters, as WhatsApp sends voice notes', () => {
    for (const ok of [
      'image/jpeg',
      'audio/ogg; codecs=opus',
      'application/vnd.ms-excel',
      'image/svg+xml',
    ])
      expect(isMimeType(ok), ok).toBe(true);
    for (const bad of [
      '',
      'jpeg',
      'image/',
      '/png',
      'image/png;',
      'text/html\n',
      `a/${'b'.repeat(300)}`,
    ])
      expect(isMimeType(bad), bad).toBe(false);
  });

  it('takes lowercase hex SHA-256 only', () => {
    expect(isSha256Hex('a'.repeat(64))).toBe(true);
    expect(isSha256Hex('A'.repeat(64))).toBe(false);
    expect(isSha256Hex('a'.repeat(63))).toBe(false);
    expect(isSha256Hex('g'.repeat(64))).toBe(false);
  });

  it('lets a document be anything, the other kinds only their own top-level type', () => {
    expect(mimeFitsKind('document', 'text/html')).toBe(true);
    expect(mimeFitsKind('image', 'image/png')).toBe(true);
    expect(mimeFitsKind('sticker', 'image/webp')).toBe(true);
    expect(mimeFitsKind('image', 'text/html')).toBe(false);
    expect(mimeFitsKind('audio', 'audio/ogg; codecs=opus')).toBe(true);
    expect(mimeFitsKind('audio', 'video/mp4')).toBe(false);
    expect(mimeFitsKind('video', 'VIDEO/MP4')).toBe(true);
  });

  it('cuts bytes into pieces of at most the chunk size, in order and complete', () => {
    const buf = Uint8Array.from({ length: 2 * MEDIA_CHUNK_BYTES + 5 }, (_, i) => i % 251);
    const parts = [...slices(buf)];
    expect(parts.map((p) => p.length)).toEqual([MEDIA_CHUNK_BYTES, MEDIA_CHUNK_BYTES, 5]);
    expect(Buffer.concat(parts).equals(Buffer.from(buf))).toBe(true);
    expect([...slices(new Uint8Array(0))]).toEqual([]);
    expect([...slices(Uint8Array.from([1, 2, 3]), 2)].map((p) => [...p])).toEqual([[1, 2], [3]]);
  });
});
