// A multipart reply read as it arrives: text fields into memory (small, capped), the one file
// onto disk in a private temporary directory while its size and SHA-256 are counted. profiles'
// upload needs the exact size up front and the type is told from the bytes, so the file has
// to be complete before it is sent on; disk keeps a 100 MB document out of memory.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import busboy from 'busboy';

export interface SpooledFile {
  path: string;
  /** As the browser named it (not trusted for anything but display). */
  filename: string;
  sizeBytes: number;
  sha256Hex: string;
  /** More bytes came than `maxFileBytes`: the file on disk is cut and must not be used. */
  truncated: boolean;
}

export interface SpooledForm {
  fields: Record<string, string>;
  file?: SpooledFile;
  /** Removes the temporary file; call it in every case. */
  cleanup(): Promise<void>;
}

export interface SpoolOptions {
  dir: string;
  maxFileBytes: number;
  /** Longest text field kept (longer ones are cut; the caller checks lengths). */
  maxFieldBytes?: number;
}

export async function spoolMultipart(req: Request, opts: SpoolOptions): Promise<SpooledForm> {
  const dir = await mkdtemp(join(opts.dir, 'ue-bff-upload-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  const fields: Record<string, string> = {};
  let file: SpooledFile | undefined;
  const writes: Promise<void>[] = [];
  try {
    if (!req.body) throw new Error('no request body');
    const parser = busboy({
      headers: { 'content-type': req.headers.get('content-type') ?? '' },
      limits: {
        files: 1,
        fields: 20,
        fieldSize: opts.maxFieldBytes ?? 64 * 1024,
        fileSize: opts.maxFileBytes,
        parts: 30,
      },
    });
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (_name, stream, info) => {
      const path = join(dir, 'file');
      const hash = createHash('sha256');
      const f: SpooledFile = {
        path,
        filename: info.filename ?? '',
        sizeBytes: 0,
        sha256Hex: '',
        truncated: false,
      };
      stream.on('data', (chunk: Buffer) => {
        f.sizeBytes += chunk.length;
        hash.update(chunk);
      });
      stream.on('limit', () => (f.truncated = true));
      writes.push(
        pipeline(stream, createWriteStream(path, { mode: 0o600 })).then(() => {
          f.sha256Hex = hash.digest('hex');
          // An empty file input still sends a part: no name and no bytes means no file.
          if (f.filename || f.sizeBytes > 0) file = f;
        }),
      );
    });
    await pipeline(Readable.fromWeb(req.body as WebReadableStream<Uint8Array>), parser);
    await Promise.all(writes);
    return { fields, ...(file ? { file } : {}), cleanup };
  } catch (err) {
    await Promise.allSettled(writes);
    await cleanup();
    throw err;
  }
}
