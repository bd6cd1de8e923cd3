import { describe, expect, it } from 'vitest';
import {
  defaultFilename,
  encodeExtValue,
  humanSize,
  isInlineType,
  isThumbnailSource,
  MEDIA_CSP,
  mediaHeaders,
  parseRange,
  safeFilename,
  servesInline,
} from './policy.js';

describe('mediaHeaders', () => {
  it('serves the safe image, audio and video types inline under their own type', () => {
    for (const mime of ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'audio/ogg']) {
      const h = mediaHeaders({ mimeType: mime, sniffedType: mime, sizeBytes: 10, filename: 'a' });
      expect(h['Content-Type']).toBe(mime);
      expect(h['Content-Disposition']).toMatch(/^inline; /);
    }
    for (const mime of [
      'audio/mpeg',
      'audio/mp4',
      'audio/aac',
      'audio/amr',
      'video/mp4',
      'video/3gpp',
    ])
      expect(isInlineType(mime)).toBe(true);
    // Parameters and case do not matter; the header carries the bare type.
    expect(
      mediaHeaders({
        mimeType: 'Audio/OGG; codecs=opus',
        sniffedType: 'audio/ogg; codecs=opus',
        sizeBytes: 1,
        filename: 'v.ogg',
      })['Content-Type'],
    ).toBe('audio/ogg');
  });

  it('makes SVG, HTML, XML, PDF and unknown types opaque downloads', () => {
    for (const mime of [
      'image/svg+xml',
      'text/html',
      'application/xhtml+xml',
      'text/xml',
      'application/pdf',
      'application/javascript',
      '',
      'image/svg+xml; charset=utf-8',
    ]) {
      const h = mediaHeaders({
        mimeType: mime,
        sniffedType: mime,
        sizeBytes: 3,
        filename: 'x.svg',
      });
      expect(h['Content-Type'], mime).toBe('application/octet-stream');
      expect(h['Content-Disposition'], mime).toMatch(/^attachment; /);
    }
  });

  it('is inline only when the bytes are what the stored type says', () => {
    const served = (mimeType: string, sniffedType: string | undefined) =>
      mediaHeaders({ mimeType, sniffedType, sizeBytes: 1, filename: 'f' })['Content-Type'];
    // An HTML page or an SVG stored as a PNG, and bytes nothing recognises.
    expect(served('image/png', undefined)).toBe('application/octet-stream');
    expect(served('image/png', 'application/xml')).toBe('application/octet-stream');
    expect(served('image/png', 'image/svg+xml')).toBe('application/octet-stream');
    expect(served('image/jpeg', 'video/mp4')).toBe('application/octet-stream');
    expect(served('audio/ogg', 'application/pdf')).toBe('application/octet-stream');
    // Names that differ but mean the same kind of thing.
    expect(served('image/jpeg', 'image/png')).toBe('image/jpeg');
    expect(served('audio/mp4', 'audio/x-m4a')).toBe('audio/mp4');
    expect(served('audio/mp4', 'video/mp4')).toBe('audio/mp4');
    expect(served('video/3gpp', 'video/mp4')).toBe('video/3gpp');
    expect(servesInline('audio/ogg', 'audio/opus')).toBe(true);
  });

  it('always says nosniff, sandbox, private and the exact length', () => {
    const h = mediaHeaders({
      mimeType: 'image/png',
      sniffedType: 'image/png',
      sizeBytes: 12345,
      filename: 'p.png',
    });
    expect(h['X-Content-Type-Options']).toBe('nosniff');
    expect(h['Content-Security-Policy']).toBe(MEDIA_CSP);
    expect(MEDIA_CSP.split(';')[0]).toBe('sandbox');
    expect(h['Cache-Control']).toMatch(/^private\b/);
    expect(h['Content-Length']).toBe('12345');
  });

  it('names the file in RFC 8187 form with an ASCII fallback that cannot break the header', () => {
    const h = mediaHeaders({
      mimeType: 'application/pdf',
      sniffedType: 'application/pdf',
      sizeBytes: 1,
      filename: 'Rechnung "4713" ÄÖ.pdf',
    });
    expect(h['Content-Disposition']).toBe(
      `attachment; filename="Rechnung _4713_ __.pdf"; filename*=UTF-8''Rechnung%20%224713%22%20%C3%84%C3%96.pdf`,
    );
    expect(encodeExtValue("it's (a) *x*")).toBe("UTF-8''it%27s%20%28a%29%20%2Ax%2A");
  });
});

describe('file names', () => {
  it('drops paths, control and bidi characters, and falls back when nothing is left', () => {
    expect(safeFilename('../../etc/passwd', 'f')).toBe('passwd');
    expect(safeFilename('C:\\Users\\x\\report.pdf', 'f')).toBe('report.pdf');
    expect(safeFilename('invoice\u202Efdp.exe', 'f')).toBe('invoicefdp.exe');
    expect(safeFilename('a\r\nSet-Cookie: x', 'f')).toBe('aSet-Cookie: x');
    expect(safeFilename('...', 'fallback.bin')).toBe('fallback.bin');
    expect(safeFilename(undefined, 'm1.jpg')).toBe('m1.jpg');
    expect([...safeFilename('é'.repeat(400), 'f')].length).toBe(150);
  });

  it('gives a message without a name one from its type', () => {
    expect(defaultFilename('m1', 'image/jpeg')).toBe('m1.jpg');
    expect(defaultFilename('m1', 'audio/ogg; codecs=opus')).toBe('m1.ogg');
    expect(defaultFilename('m1', 'text/html')).toBe('m1.bin');
  });
});

describe('thumbnail sources and sizes', () => {
  it('takes raster images only', () => {
    expect(isThumbnailSource('image/jpeg')).toBe(true);
    expect(isThumbnailSource('image/webp')).toBe(true);
    expect(isThumbnailSource('image/svg+xml')).toBe(false);
    expect(isThumbnailSource('image/heic')).toBe(false);
    expect(isThumbnailSource('text/html')).toBe(false);
  });

  it('prints sizes in decimal units', () => {
    expect(humanSize(0)).toBe('0 B');
    expect(humanSize(999)).toBe('999 B');
    expect(humanSize(1536)).toBe('1.5 KB');
    expect(humanSize(245_000)).toBe('245 KB');
    expect(humanSize(5_200_000)).toBe('5.2 MB');
    expect(humanSize(-1)).toBe('');
  });
});

describe('Range requests', () => {
  it('reads one simple byte range, the last N bytes, or an open end', () => {
    expect(parseRange('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=900-', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange('bytes=-100', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange('bytes=-5000', 1000)).toEqual({ start: 0, end: 999 });
    expect(parseRange('bytes=990-5000', 1000)).toEqual({ start: 990, end: 999 });
  });

  it('says unsatisfiable past the end, and ignores what is not one byte range', () => {
    expect(parseRange('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 1000)).toBe('unsatisfiable');
    for (const h of [undefined, '', 'bytes=0-1,5-9', 'items=0-9', 'bytes=9-3', 'bytes=-', 'x'])
      expect(parseRange(h, 1000), String(h)).toBeUndefined();
  });
});
