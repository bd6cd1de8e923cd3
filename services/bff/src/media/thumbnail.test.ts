import { describe, expect, it } from 'vitest';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { makeThumbnail, THUMBNAIL_MAX_PX } from './thumbnail.js';

const photo = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 80, b: 20 } } })
    .withExif({ IFD0: { Copyright: 'secret-exif-marker', Artist: 'Jane' } })
    .jpeg()
    .toBuffer();

describe('makeThumbnail', () => {
  it('fits a large photo into 320 px as WebP without its metadata', async () => {
    const input = await photo(1600, 900);
    expect(input.includes('secret-exif-marker')).toBe(true);
    const t = (await makeThumbnail(input))!;
    expect(t.mimeType).toBe('image/webp');
    expect([t.width, t.height]).toEqual([THUMBNAIL_MAX_PX, 180]);
    const meta = await sharp(t.bytes).metadata();
    expect(meta.format).toBe('webp');
    expect([meta.width, meta.height]).toEqual([320, 180]);
    expect(meta.exif).toBeUndefined();
    expect(t.bytes.includes('secret-exif-marker')).toBe(false);
  });

  it('never enlarges a small image', async () => {
    const t = (await makeThumbnail(await photo(100, 40)))!;
    expect([t.width, t.height]).toEqual([100, 40]);
  });

  it('takes the first frame of a sticker-like WebP and a PNG', async () => {
    const webp = await sharp({
      create: { width: 512, height: 512, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .webp()
      .toBuffer();
    expect(await makeThumbnail(webp)).toMatchObject({ width: 320, height: 320 });
    const png = await sharp({ create: { width: 10, height: 700, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    expect(await makeThumbnail(png)).toMatchObject({ width: 5, height: 320 });
  });

  it('refuses SVG, HTML and anything else that is not a raster image', async () => {
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>',
    );
    expect(await makeThumbnail(svg)).toBeUndefined();
    expect(await makeThumbnail(Buffer.from('<html><body>hi</body></html>'))).toBeUndefined();
    expect(await makeThumbnail(Buffer.from('%PDF-1.4\n'))).toBeUndefined();
  });

  it('stops at a canvas bigger than the pixel limit instead of decoding it', async () => {
    // A PNG whose header claims 20000 × 20000 pixels (400 MP) in a few dozen bytes.
    const chunk = (type: string, data: Buffer) => {
      const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
      const len = Buffer.alloc(4);
      len.writeUInt32BE(data.length);
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(body));
      return Buffer.concat([len, body, crc]);
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(20000, 0);
    ihdr.writeUInt32BE(20000, 4);
    ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
    const bomb = Buffer.concat([
      Buffer.from('89504e470d0a1a0a', 'hex'),
      chunk('IHDR', ihdr),
      chunk('IDAT', deflateSync(Buffer.alloc(1000))),
      chunk('IEND', Buffer.alloc(0)),
    ]);
    await expect(makeThumbnail(bomb)).rejects.toThrow(/pixel limit/i);
  });
});
