import { describe, expect, it } from 'vitest';
import { fileTypeFromBuffer } from 'file-type';
import { classifyAttachment, sizeLimitLabel } from './attachment.js';

const limits = { imageMaxBytes: 5 * 1024 * 1024, documentMaxBytes: 100 * 1024 * 1024 };
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const PDF = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n', 'latin1');
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
const HTML = Buffer.from('<!doctype html><html><script>alert(1)</script></html>');
const CFB = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(600)]);

const judge = async (bytes: Buffer, filename: string, sizeBytes = bytes.length) =>
  classifyAttachment({ detected: await fileTypeFromBuffer(bytes), filename, sizeBytes, limits });

describe('classifyAttachment', () => {
  it('takes the type from the bytes, whatever the name says', async () => {
    expect(await judge(PNG, 'photo.pdf')).toEqual({
      ok: true,
      kind: 'image',
      mimeType: 'image/png',
    });
    expect(await judge(PDF, 'scan.png')).toEqual({
      ok: true,
      kind: 'document',
      mimeType: 'application/pdf',
    });
  });

  it('refuses markup and files it cannot tell, naming what is accepted', async () => {
    for (const [bytes, name] of [
      [SVG, 'logo.svg'],
      [HTML, 'invoice.pdf'],
      [Buffer.from('just text'), 'notes.txt'],
    ] as const) {
      const v = await judge(bytes, name);
      expect(v.ok, name).toBe(false);
      if (!v.ok) expect(v.error).toContain('Attach a JPEG, PNG or WebP image, or a PDF');
    }
    const gif = await judge(Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'), 'a.gif');
    expect(gif).toEqual({ ok: false, error: expect.stringContaining('a GIF file') as string });
  });

  it('tells legacy Office files apart by their extension only inside a CFB container', async () => {
    expect(await judge(CFB, 'old.doc')).toMatchObject({ ok: true, mimeType: 'application/msword' });
    expect(await judge(CFB, 'sheet.XLS')).toMatchObject({ mimeType: 'application/vnd.ms-excel' });
    expect((await judge(CFB, 'thing.msi')).ok).toBe(false);
    expect((await judge(PNG, 'fake.doc')).ok).toBe(true);
  });

  it('applies the limit of the kind the bytes are', async () => {
    expect(await judge(PNG, 'big.png', limits.imageMaxBytes + 1)).toEqual({
      ok: false,
      error: 'The image is too large (5.0 MB); at most 5 MB.',
    });
    expect((await judge(PNG, 'ok.png', limits.imageMaxBytes)).ok).toBe(true);
    expect((await judge(PDF, 'big.pdf', 50 * 1024 * 1024)).ok).toBe(true);
    expect(await judge(PDF, 'huge.pdf', limits.documentMaxBytes + 1)).toMatchObject({
      ok: false,
      error: expect.stringContaining('at most 100 MB') as string,
    });
    expect(await judge(PDF, 'empty.pdf', 0)).toEqual({ ok: false, error: 'The file is empty.' });
  });

  it('labels limits in megabytes', () => {
    expect(sizeLimitLabel(5 * 1024 * 1024)).toBe('5 MB');
    expect(sizeLimitLabel(1.5 * 1024 * 1024)).toBe('1.5 MB');
    expect(sizeLimitLabel(512 * 1024)).toBe('512 KB');
  });
});
