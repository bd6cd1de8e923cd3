// Media over the real stack: a profiles process (files in GridFS over real gRPC) and the built
// bff process, spoken to over real HTTP. Files are attached to messages the way ingest does it:
// the message through ApplyWebhookEvents, then its bytes through UploadMedia.
import { createHash, randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProfilesClient, type ProfilesClient } from '@ue/profiles-client';
import {
  GetMessageRequest,
  ListMessagesRequest,
  ListUsersRequest,
  MediaState,
  MediaVariant,
  MessageType,
  UploadMediaHeader,
  DownloadMediaRequest,
  Direction,
  Media,
  type Message,
} from '@ue/proto';
import { MEDIA_CSP } from '../src/media/policy.js';
import {
  HttpClient,
  startBff,
  startProfiles,
  webhookClient,
  type BffProcess,
  type ProfilesProcess,
} from './stack.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function* once(b: Uint8Array): AsyncIterable<Uint8Array> {
  yield await Promise.resolve(b);
}

const HOSTILE_SVG = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)"><script>fetch("/x?"+document.cookie)</script></svg>',
);
const HOSTILE_HTML = Buffer.from(
  '<!doctype html><html><body><script>parent.document.title="owned"</script></body></html>',
);
const IMAGE_LIMIT = 300_000;

describe('media over the real stack', () => {
  let profiles: ProfilesProcess;
  let bff: BffProcess;
  let grpc: ProfilesClient;
  let hook: ReturnType<typeof webhookClient>;
  let admin: HttpClient;
  let userId = '';
  let photo: Buffer;
  const ids: Record<string, string> = {};

  /** An inbound media message from the one test user; returns its id. */
  const inbound = async (type: MessageType, mimeType: string, filename = ''): Promise<string> => {
    const wamid = `wamid.${randomBytes(8).toString('hex')}`;
    await hook.inbound({
      waId: '4915190000013',
      name: 'Media Tester',
      text: '',
      wamid,
      content: {
        type,
        media: Media.fromPartial({ mediaId: randomBytes(6).toString('hex'), mimeType, filename }),
      },
    });
    const { message } = await grpc.call(
      'getMessage',
      GetMessageRequest.fromPartial({ message: { accountId: '100200300', wamid } }),
    );
    return message!.id;
  };

  /** What ingest does once it fetched the file: the bytes, linked to the message. */
  const store = async (
    messageId: string,
    bytes: Uint8Array,
    header: Partial<UploadMediaHeader>,
  ): Promise<void> => {
    await grpc.upload(
      UploadMediaHeader.fromPartial({
        message: { messageId },
        variant: MediaVariant.ORIGINAL,
        sizeBytes: bytes.length,
        sha256Hex: sha(bytes),
        ...header,
      }),
      once(bytes),
    );
  };

  const messageOf = async (messageId: string): Promise<Message> =>
    (await grpc.call('getMessage', GetMessageRequest.fromPartial({ message: { messageId } })))
      .message!;

  const download = async (messageId: string, variant: MediaVariant): Promise<Buffer> => {
    const parts: Uint8Array[] = [];
    for await (const r of grpc.stream(
      'downloadMedia',
      DownloadMediaRequest.fromPartial({ message: { messageId }, variant }),
    ))
      if (r.part?.$case === 'chunk') parts.push(r.part.chunk);
    return Buffer.concat(parts);
  };

  beforeAll(async () => {
    profiles = await startProfiles('bff_media');
    bff = await startBff(profiles, 'bff_media', {
      MEDIA_IMAGE_MAX_BYTES: String(IMAGE_LIMIT),
    });
    grpc = createProfilesClient({ addr: profiles.addr, token: profiles.testToken });
    hook = webhookClient(profiles.addr, profiles.testToken);
    // A noisy photo of about 1 MB: several chunk parts on every hop.
    photo = await sharp({
      create: {
        width: 1200,
        height: 900,
        channels: 3,
        background: '#808080',
        noise: { type: 'gaussian', mean: 128, sigma: 40 },
      },
    })
      .jpeg({ quality: 92 })
      .toBuffer();
    expect(photo.length).toBeGreaterThan(600_000);

    ids.photo = await inbound(MessageType.IMAGE, 'image/jpeg');
    await store(ids.photo, photo, { mimeType: 'image/jpeg', width: 1200, height: 900 });
    ids.svg = await inbound(MessageType.IMAGE, 'image/svg+xml', 'logo.svg');
    await store(ids.svg, HOSTILE_SVG, { mimeType: 'image/svg+xml' });
    ids.html = await inbound(MessageType.IMAGE, 'image/png', 'cute-cat.png');
    await store(ids.html, HOSTILE_HTML, { mimeType: 'image/png' });
    ids.pending = await inbound(MessageType.DOCUMENT, 'application/pdf', 'Rechnung.pdf');
    const users = await grpc.call(
      'listUsers',
      ListUsersRequest.fromPartial({ query: 'Media Tester', pageSize: 5 }),
    );
    userId = users.users[0]!.id;

    admin = new HttpClient(bff.url);
    await admin.login(bff.admin);
  });
  afterAll(async () => {
    hook?.close();
    grpc?.close();
    await bff?.stop();
    await profiles?.stop();
  });

  it('never returns bytes without a session: the login redirect, or 401 for htmx', async () => {
    const anon = new HttpClient(bff.url);
    for (const path of [`/media/${ids.photo}`, `/media/${ids.photo}/thumb`]) {
      const res = await anon.get(path);
      expect(res.status, path).toBe(302);
      expect(res.headers.get('location'), path).toMatch(/\/dev\/user-engagement\/login\?next=/);
      const body = Buffer.from(await res.arrayBuffer());
      expect(body.includes(photo.subarray(0, 64)), path).toBe(false);
      expect(body.length, path).toBeLessThan(200);
      const hx = await anon.get(path, { headers: { 'HX-Request': 'true' } });
      expect(hx.status, path).toBe(401);
      expect((await hx.text()).length, path).toBeLessThan(100);
    }
    // A forged cookie is no session either.
    anon.cookies.set('ue_session', `${'a'.repeat(64)}.ZmFrZQ%3D%3D`);
    expect((await anon.get(`/media/${ids.photo}`)).status).toBe(302);
  });

  it('streams a stored image to an admin with its type, length and the safe headers', async () => {
    const res = await admin.get(`/media/${ids.photo}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('content-length')).toBe(String(photo.length));
    expect(res.headers.get('content-disposition')).toBe(
      `inline; filename="${ids.photo}.jpg"; filename*=UTF-8''${ids.photo}.jpg`,
    );
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe(MEDIA_CSP);
    expect(res.headers.get('cache-control')).toMatch(/^private\b/);
    expect(sha(Buffer.from(await res.arrayBuffer()))).toBe(sha(photo));
  });

  it('answers a Range request with 206 and just those bytes, and 416 past the end', async () => {
    const res = await admin.get(`/media/${ids.photo}`, { headers: { range: 'bytes=100-199' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 100-199/${photo.length}`);
    expect(res.headers.get('content-length')).toBe('100');
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('content-security-policy')).toBe(MEDIA_CSP);
    expect(Buffer.from(await res.arrayBuffer()).equals(photo.subarray(100, 200))).toBe(true);
    const tail = await admin.get(`/media/${ids.photo}`, { headers: { range: 'bytes=-10' } });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(photo.subarray(photo.length - 10))).toBe(
      true,
    );
    const past = await admin.get(`/media/${ids.photo}`, {
      headers: { range: `bytes=${photo.length}-` },
    });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${photo.length}`);
  });

  it('serves a hostile SVG and an HTML page stored as "images" as sandboxed downloads', async () => {
    for (const [id, name, bytes] of [
      [ids.svg!, 'logo.svg', HOSTILE_SVG],
      [ids.html!, 'cute-cat.png', HOSTILE_HTML],
    ] as const) {
      const res = await admin.get(`/media/${id}`);
      expect(res.status, name).toBe(200);
      expect(res.headers.get('content-type'), name).toBe('application/octet-stream');
      expect(res.headers.get('content-disposition'), name).toBe(
        `attachment; filename="${name}"; filename*=UTF-8''${name}`,
      );
      expect(res.headers.get('x-content-type-options'), name).toBe('nosniff');
      expect(res.headers.get('content-security-policy')?.split(';')[0], name).toBe('sandbox');
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes), name).toBe(true);
      // And no thumbnail is made of them: sharp never sees markup.
      expect((await admin.get(`/media/${id}/thumb`)).status, name).toBe(404);
    }
  });

  it('answers 404 when nothing is stored (still being fetched, or no such message)', async () => {
    expect((await messageOf(ids.pending!)).content?.media?.stored?.state).toBe(MediaState.PENDING);
    for (const path of [
      `/media/${ids.pending}`,
      '/media/000000000000000000000000',
      '/media/x%22y',
    ]) {
      const res = await admin.get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-security-policy')?.split(';')[0], path).toBe('sandbox');
    }
  });

  it('makes the thumbnail once, keeps it in profiles and serves the kept one after', async () => {
    expect((await messageOf(ids.photo!)).content?.media?.stored?.thumbnailFileId).toBe('');
    const first = await admin.get(`/media/${ids.photo}/thumb`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('image/webp');
    expect(first.headers.get('x-content-type-options')).toBe('nosniff');
    const bytes = Buffer.from(await first.arrayBuffer());
    const meta = await sharp(bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 320, 240]);
    expect(meta.exif).toBeUndefined();

    const kept = (await messageOf(ids.photo!)).content?.media?.stored?.thumbnailFileId ?? '';
    expect(kept).not.toBe('');
    expect((await download(ids.photo!, MediaVariant.THUMBNAIL)).equals(bytes)).toBe(true);
    const second = await admin.get(`/media/${ids.photo}/thumb`);
    expect(Buffer.from(await second.arrayBuffer()).equals(bytes)).toBe(true);
    expect((await messageOf(ids.photo!)).content?.media?.stored?.thumbnailFileId).toBe(kept);
  });

  it('streams a thumbnail that is already kept instead of making one', async () => {
    const id = await inbound(MessageType.STICKER, 'image/webp');
    const sticker = await sharp({
      create: {
        width: 512,
        height: 512,
        channels: 4,
        background: { r: 0, g: 200, b: 0, alpha: 1 },
      },
    })
      .webp()
      .toBuffer();
    await store(id, sticker, { mimeType: 'image/webp', width: 512, height: 512 });
    // A marker thumbnail the bff could never have made from this sticker (7 × 7, red).
    const marker = await sharp({ create: { width: 7, height: 7, channels: 3, background: '#f00' } })
      .webp()
      .toBuffer();
    await store(id, marker, { mimeType: 'image/webp', variant: MediaVariant.THUMBNAIL });
    const res = await admin.get(`/media/${id}/thumb`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(marker)).toBe(true);
  });

  const reply = (form: FormData) =>
    admin.request(`/users/${userId}/reply`, {
      method: 'POST',
      body: form,
      headers: { 'X-CSRF-Token': admin.csrf, 'HX-Request': 'true' },
    });

  const newestOutbound = async (): Promise<Message | undefined> => {
    const { messages } = await grpc.call(
      'listMessages',
      ListMessagesRequest.fromPartial({ userId, pageSize: 50 }),
    );
    return messages.find((m) => m.direction === Direction.OUTBOUND);
  };

  it('sends a reply with an image: the message is created with its file stored', async () => {
    const png = await sharp({
      create: { width: 64, height: 48, channels: 3, background: '#3366cc' },
    })
      .png()
      .toBuffer();
    const form = new FormData();
    form.set('text', 'Hier ist das Foto 📷');
    // The browser's claim (and the name) say PDF; the bytes say PNG, and the bytes win.
    form.set('file', new Blob([new Uint8Array(png)], { type: 'application/pdf' }), 'Foto.pdf');
    const res = await reply(form);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Reply queued');

    const sent = await newestOutbound();
    expect(sent?.content?.type).toBe(MessageType.IMAGE);
    expect(sent?.content?.text).toBe('Hier ist das Foto 📷');
    expect(sent?.content?.media?.mimeType).toBe('image/png');
    const stored = sent?.content?.media?.stored;
    expect(stored?.state).toBe(MediaState.STORED);
    expect(stored?.fileId).not.toBe('');
    expect(stored?.sizeBytes).toBe(png.length);
    expect(stored?.sha256Hex).toBe(sha(png));
    const back = await admin.get(`/media/${sent!.id}`);
    expect(back.headers.get('content-type')).toBe('image/png');
    expect(sha(Buffer.from(await back.arrayBuffer()))).toBe(sha(png));
  });

  it('refuses a file of the wrong type or too large with a clear message, sending nothing', async () => {
    const before = (await newestOutbound())?.id;
    const wrong = new FormData();
    wrong.set('text', 'look');
    wrong.set('file', new Blob([HOSTILE_HTML], { type: 'image/png' }), 'photo.png');
    const html = await (await reply(wrong)).text();
    expect(html).toContain('role="alert"');
    expect(html).toContain('Attach a JPEG, PNG or WebP image, or a PDF or Office document.');

    const big = await sharp({
      create: {
        width: 800,
        height: 800,
        channels: 3,
        background: '#808080',
        noise: { type: 'gaussian', mean: 128, sigma: 60 },
      },
    })
      .png()
      .toBuffer();
    expect(big.length).toBeGreaterThan(IMAGE_LIMIT);
    const tooLarge = new FormData();
    tooLarge.set('file', new Blob([new Uint8Array(big)]), 'noise.png');
    const text = await (await reply(tooLarge)).text();
    expect(text).toContain('The image is too large');
    expect(text).toContain('at most 293 KB');
    expect((await newestOutbound())?.id).toBe(before);
  });
});
