import { createLogger } from '@ue/kit';
import { MediaState } from '@ue/proto';
import type { Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../ops/metrics.js';
import { PROVIDER_CAPS } from '../providers/whatsapp/media-rules.js';
import type { MediaJobData } from '../queue/media-queue.js';
import { createFetchMedia, shortReason, type FetchMediaDeps } from './fetch-media.js';

describe('media failure reasons', () => {
  it('keeps a reason within what profiles stores, never splitting a character', () => {
    expect(shortReason('HTTP 404')).toBe('HTTP 404');
    const long = shortReason('x'.repeat(800));
    expect([long.length, long.endsWith('…')]).toEqual([500, true]);
    const emoji = shortReason(`${'x'.repeat(498)}😢😢`);
    expect(emoji.length).toBeLessThanOrEqual(500);
    expect(emoji).toBe(`${'x'.repeat(498)}…`);
  });
});

describe('Messenger / Instagram attachment URLs', () => {
  type Outcome = Awaited<ReturnType<FetchMediaDeps['downloadUrl']>>;

  /** One fetch of `url` with fakes; what profiles was told, and what the job asked for. */
  async function fetchUrl(url: string, answer?: Outcome) {
    const states: Array<{ state: MediaState; reason: string }> = [];
    const asked: string[] = [];
    const deps = {
      profiles: {
        call: (method: string, req: { state?: MediaState; reason?: string }) => {
          if (method === 'setMediaState') states.push({ state: req.state!, reason: req.reason! });
          return Promise.resolve({ message: { content: { media: {} } } });
        },
        upload: () => Promise.reject(new Error('not reached')),
      },
      metadata: () => Promise.reject(new Error('no metadata for URL attachments')),
      download: () => Promise.reject(new Error('no token download for URL attachments')),
      downloadUrl: (u: string) => {
        asked.push(u);
        return Promise.resolve(answer ?? { kind: 'retry', reason: 'unused' });
      },
      caps: PROVIDER_CAPS,
      downloadTimeoutMs: 5000,
      checksumRetries: 0,
      tokenRetryMs: 1000,
      metrics: createMetrics(),
      log: createLogger('test', 'silent'),
    } as unknown as FetchMediaDeps;
    const job = {
      id: 'media-1',
      data: {
        accountId: '1029384756',
        wamid: 'm_1',
        kind: 'image',
        mediaId: '',
        url,
        mimeType: '',
        sha256: '',
      },
      attemptsMade: 0,
      opts: { attempts: 5 },
      updateData: () => Promise.resolve(),
    } as unknown as Job<MediaJobData>;
    const result = await createFetchMedia(deps)(job);
    return { result, states, asked };
  }

  it('fetches only http(s) URLs: any other is unavailable at once, nothing asked', async () => {
    const r = await fetchUrl('file:///etc/passwd');
    expect(r).toEqual({
      result: 'unavailable',
      states: [{ state: MediaState.UNAVAILABLE, reason: 'the attachment URL is not http(s)' }],
      asked: [],
    });
  });

  it('an expired link is unavailable for good: the provider issues no new one', async () => {
    const r = await fetchUrl('https://cdn.example/a.jpg?oh=sig', {
      kind: 'expired',
      status: 403,
      reason: 'attachment URL answered HTTP 403',
    });
    expect(r.states).toEqual([
      {
        state: MediaState.UNAVAILABLE,
        reason:
          'attachment URL answered HTTP 403: the link expired and the provider issues no new one',
      },
    ]);
  });

  it('checks the answer’s type against the kind before reading it', async () => {
    const response = new Response('<script>', { headers: { 'content-type': 'text/html' } });
    const r = await fetchUrl('https://cdn.example/a.jpg', { kind: 'ok', response });
    expect(r.states).toEqual([
      { state: MediaState.UNAVAILABLE, reason: 'MIME type text/html is not allowed for image' },
    ]);
  });
});
