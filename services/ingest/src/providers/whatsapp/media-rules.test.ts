import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  PROVIDER_CAPS,
  expectedSha256,
  mimeEssence,
  mimeProblem,
  sha256AsHex,
  sizeProblem,
} from './media-rules.js';

const digest = createHash('sha256').update('a voice note').digest();
const hex = digest.toString('hex');

describe('media MIME rules', () => {
  it('reads the essence of a MIME type, parameters and case aside', () => {
    expect(mimeEssence('Audio/OGG; codecs=opus')).toBe('audio/ogg');
    expect(
      mimeEssence('application/vnd.openxmlformats-officedocument.wordprocessingml.document'),
    ).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(mimeEssence('jpeg')).toBeUndefined();
    expect(mimeEssence('')).toBeUndefined();
  });

  it('lets each kind carry only its own types', () => {
    expect(mimeProblem('image', 'image/jpeg')).toBeUndefined();
    expect(mimeProblem('image', 'image/png')).toBeUndefined();
    expect(mimeProblem('image', 'image/svg+xml')).toMatch(/not allowed for image/);
    expect(mimeProblem('image', 'text/html')).toMatch(/not allowed for image/);
    expect(mimeProblem('audio', 'audio/ogg; codecs=opus')).toBeUndefined();
    expect(mimeProblem('audio', 'video/mp4')).toMatch(/not allowed for audio/);
    expect(mimeProblem('video', 'video/mp4')).toBeUndefined();
    expect(mimeProblem('video', 'image/gif')).toMatch(/not allowed for video/);
    expect(mimeProblem('sticker', 'image/webp')).toBeUndefined();
    expect(mimeProblem('sticker', 'image/png')).toMatch(/not allowed for sticker/);
    expect(mimeProblem('image', 'nonsense')).toMatch(/unreadable MIME type/);
  });

  it('keeps documents of any type except markup, script and executables', () => {
    for (const ok of ['application/pdf', 'text/plain', 'application/zip', 'image/png', 'text/csv'])
      expect(mimeProblem('document', ok)).toBeUndefined();
    for (const bad of [
      'text/html',
      'TEXT/HTML; charset=utf-8',
      'application/xhtml+xml',
      'image/svg+xml',
      'application/javascript',
      'application/x-msdownload',
      'application/x-sh',
    ])
      expect(mimeProblem('document', bad)).toMatch(/not allowed for document/);
  });
});

describe('media size caps', () => {
  it('defaults to the provider’s limits and refuses one byte more', () => {
    expect(PROVIDER_CAPS.sticker).toBe(500 * 1024);
    expect(sizeProblem('image', 5 * 1024 * 1024, PROVIDER_CAPS)).toBeUndefined();
    expect(sizeProblem('image', 5 * 1024 * 1024 + 1, PROVIDER_CAPS)).toBe(
      '5242881 bytes is over the image limit of 5242880',
    );
    expect(sizeProblem('document', 50 * 1024 * 1024, PROVIDER_CAPS)).toBeUndefined();
    expect(sizeProblem('sticker', 600 * 1024, PROVIDER_CAPS)).toMatch(/sticker limit/);
  });
});

describe('SHA-256 spellings', () => {
  it('reads hex, base64 and base64url of the same digest as the same lowercase hex', () => {
    expect(sha256AsHex(hex.toUpperCase())).toBe(hex);
    expect(sha256AsHex(digest.toString('base64'))).toBe(hex);
    expect(sha256AsHex(digest.toString('base64url'))).toBe(hex);
  });

  it('ignores values that are neither (wrong length, not a digest)', () => {
    expect(sha256AsHex('')).toBeUndefined();
    expect(sha256AsHex(Buffer.from('short').toString('base64'))).toBeUndefined();
    expect(sha256AsHex(hex.slice(2))).toBeUndefined();
    expect(sha256AsHex(createHash('sha512').update('x').digest('base64'))).toBeUndefined();
  });

  it('expects the one digest both sides name, and flags a disagreement', () => {
    expect(expectedSha256(digest.toString('base64'), hex)).toEqual({ hex });
    expect(expectedSha256(undefined, hex)).toEqual({ hex });
    expect(expectedSha256('', 'garbage')).toEqual({});
    const other = createHash('sha256').update('another file').digest('hex');
    expect(expectedSha256(digest.toString('base64'), other).problem).toMatch(/checksum mismatch/);
  });
});
