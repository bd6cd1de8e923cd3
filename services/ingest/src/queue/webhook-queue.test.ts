import { describe, expect, it } from 'vitest';
import { backoffDelay, sha256Hex, webhookJobId } from './webhook-queue.js';

describe('webhook jobs', () => {
  it('derive the job id from the body hash, without ":" (BullMQ forbids it)', () => {
    const sha = sha256Hex(Buffer.from('{}'));
    const id = webhookJobId('whatsapp', sha);
    expect(id).toBe('wa-44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
    expect(id).not.toContain(':');
    // Either Meta route: one delivery; the WhatsApp route: another (another parser reads it).
    expect(webhookJobId('messenger', sha)).toBe(webhookJobId('instagram', sha));
    expect(webhookJobId('messenger', sha)).toBe(`meta-${sha}`);
  });

  it('back off exponentially up to the cap, with bounded jitter', () => {
    const retry = { baseMs: 1000, maxMs: 300_000 };
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, retry, () => 0.5))).toEqual([
      1000, 2000, 4000, 8000,
    ]);
    expect(backoffDelay(40, retry, () => 0.5)).toBe(300_000);
    expect(backoffDelay(3, retry, () => 0)).toBe(3200);
    expect(backoffDelay(3, retry, () => 1)).toBe(4800);
  });
});
