// Media in the conversation: what each kind and state renders as, with hostile names and
// captions kept as text, and every file behind /media/<message id> on our own origin.
import { describe, expect, it } from 'vitest';
import { MediaState, Message, MessageType, type StoredMedia } from '@ue/proto';
import { HOSTILE, hostileUser, NOW } from '../../test/fixtures.js';
import type { ViewCtx } from './context.js';
import { ReplyForm } from './conversation.js';
import { clockDuration, documentTypeLabel } from './format.js';
import { MessageBubble, thumbnailSize } from './message-bubble.js';

const ctx: ViewCtx = { base: '/dev/ue', csrf: 't', adminName: 'a', timeZone: 'UTC', now: NOW };

const render = async (el: unknown): Promise<string> => String(await (el as Promise<string>));

function msg(
  type: MessageType,
  stored: Partial<StoredMedia> | undefined,
  extra: { mimeType?: string; filename?: string; voice?: boolean; text?: string } = {},
): Message {
  return Message.fromPartial({
    id: 'm/1"x',
    userId: 'u1',
    direction: 1,
    receivedAt: NOW,
    content: {
      type,
      text: extra.text ?? '',
      media: {
        mediaId: '123',
        mimeType: extra.mimeType ?? '',
        filename: extra.filename ?? '',
        voice: extra.voice ?? false,
        ...(stored ? { stored } : {}),
      },
    },
  });
}

const stored = (s: Partial<StoredMedia>): Partial<StoredMedia> => ({
  state: MediaState.STORED,
  fileId: 'f1',
  sizeBytes: 245_000,
  ...s,
});

const bubble = (m: Message) => render(<MessageBubble m={m} ctx={ctx} />);
const URL_OF = '/dev/ue/media/m%2F1%22x';

describe('media bubbles', () => {
  it('an image is a lazy thumbnail sized like the file, linking to the full size', async () => {
    const html = await bubble(
      msg(MessageType.IMAGE, stored({ mimeType: 'image/jpeg', width: 1600, height: 900 }), {
        text: HOSTILE,
      }),
    );
    expect(html).toContain(
      `<a class="media-image" href="${URL_OF}" target="_blank" rel="noopener"`,
    );
    expect(html).toMatch(
      new RegExp(
        `<img src="${URL_OF}/thumb" alt="Image: [^"]*" loading="lazy" decoding="async" width="320" height="180"/>`,
      ),
    );
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('<script>');
  });

  it('a voice note and audio get a player that loads and plays nothing by itself', async () => {
    const voice = await bubble(
      msg(MessageType.AUDIO, stored({ mimeType: 'audio/ogg', durationMs: 7400 }), { voice: true }),
    );
    expect(voice).toContain(`<audio controls="" preload="none" src="${URL_OF}">`);
    expect(voice).toContain('Voice note · 0:07');
    expect(voice).not.toMatch(/autoplay/);
    const song = await bubble(
      msg(MessageType.AUDIO, stored({ mimeType: 'audio/mpeg' }), { filename: 'song.mp3' }),
    );
    expect(song).toContain('🎵 song.mp3');
  });

  it('a video gets a player without preload or autoplay', async () => {
    const html = await bubble(
      msg(MessageType.VIDEO, stored({ mimeType: 'video/mp4', width: 640, height: 1280 })),
    );
    expect(html).toContain(
      `<video class="media-video" controls="" preload="none" src="${URL_OF}" width="160" height="320">`,
    );
    expect(html).not.toMatch(/autoplay/);
  });

  it('a document is a card with its name, size, type and a download link', async () => {
    const html = await bubble(
      msg(MessageType.DOCUMENT, stored({ mimeType: 'application/pdf', sizeBytes: 48_213 }), {
        filename: '"><img src=x onerror=alert(1)>.pdf',
      }),
    );
    expect(html).toContain('class="doc-card"');
    expect(html).toContain(
      `href="${URL_OF}" download="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;.pdf"`,
    );
    expect(html).toContain('48 KB · PDF');
    expect(html).toContain('>Download</a>');
    expect(html).not.toContain('<img');
  });

  it('a sticker is a small inline image', async () => {
    const html = await bubble(msg(MessageType.STICKER, stored({ mimeType: 'image/webp' })));
    expect(html).toContain(
      `<img class="sticker" src="${URL_OF}/thumb" alt="Sticker" loading="lazy" width="128" height="128"/>`,
    );
  });

  it('an "image" or "audio" of a type the browser must not render is only a download', async () => {
    for (const [type, mime] of [
      [MessageType.IMAGE, 'image/svg+xml'],
      [MessageType.IMAGE, 'text/html'],
      [MessageType.STICKER, 'image/svg+xml'],
      [MessageType.AUDIO, 'text/html'],
      [MessageType.VIDEO, 'video/quicktime'],
    ] as const) {
      const html = await bubble(msg(type, stored({ mimeType: mime })));
      expect(html, mime).toContain('class="doc-card"');
      expect(html, mime).not.toMatch(/<(img|audio|video)\b/);
    }
  });

  it('shows a placeholder while fetching and the reason when it is gone for good', async () => {
    const pending = await bubble(msg(MessageType.IMAGE, { state: MediaState.PENDING }));
    expect(pending).toContain('role="status"');
    expect(pending).toContain('Fetching image from WhatsApp…');
    expect(pending).not.toContain('/media/');
    const gone = await bubble(
      msg(
        MessageType.DOCUMENT,
        { state: MediaState.UNAVAILABLE, reason: `404 ${HOSTILE}` },
        {
          filename: 'Rechnung_4713.pdf',
        },
      ),
    );
    expect(gone).toContain('No longer available from the provider');
    expect(gone).toContain('Rechnung_4713.pdf');
    expect(gone).toContain('(404 ');
    expect(gone).not.toContain('<script>');
    expect(gone).not.toContain('/media/');
  });

  it('older messages without stored media keep the one-line description', async () => {
    const html = await bubble(
      msg(MessageType.DOCUMENT, undefined, {
        filename: 'Rechnung_4713.pdf',
        mimeType: 'application/pdf',
      }),
    );
    expect(html).toContain('document<span class="filename"> · Rechnung_4713.pdf</span>');
    expect(html).not.toContain('/media/');
  });
});

describe('media helpers', () => {
  it('sizes thumbnails like the 320 px copy, leaving them unsized when unknown', () => {
    expect(thumbnailSize(1600, 900)).toEqual({ width: 320, height: 180 });
    expect(thumbnailSize(100, 50)).toEqual({ width: 100, height: 50 });
    expect(thumbnailSize(0, 0)).toBeUndefined();
  });

  it('formats durations and document types', () => {
    expect(clockDuration(7400)).toBe('0:07');
    expect(clockDuration(3_725_000)).toBe('1:02:05');
    expect(
      documentTypeLabel('application/vnd.openxmlformats-officedocument.wordprocessingml.document'),
    ).toBe('Word');
    expect(documentTypeLabel('Application/X-Thing; a=b')).toBe('application/x-thing');
  });
});

describe('the reply form', () => {
  it('takes one file as multipart, with the limits it was configured with', async () => {
    const user = hostileUser({ serviceWindowExpiresAt: new Date(NOW.getTime() + 3600_000) });
    const html = await render(
      <ReplyForm
        user={user}
        ctx={{
          ...ctx,
          attachmentLimits: { imageMaxBytes: 2 * 1024 * 1024, documentMaxBytes: 10 * 1024 * 1024 },
        }}
        error={HOSTILE}
      />,
    );
    expect(html).toContain('hx-encoding="multipart/form-data"');
    expect(html).toMatch(
      /<input type="file" name="file" accept="image\/jpeg,image\/png,image\/webp,application\/pdf,[^"]*"/,
    );
    expect(html).toContain('up to 2 MB');
    expect(html).toContain('up to 10 MB');
    expect(html).toContain('role="alert"');
    expect(html).not.toContain('<script>');
  });
});
