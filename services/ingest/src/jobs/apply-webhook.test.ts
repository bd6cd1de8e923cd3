import { createLogger } from '@ue/kit';
import { UnrecoverableError, type Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../ops/metrics.js';
import type { WebhookJobData } from '../queue/webhook-queue.js';
import type { BatchItem } from './event-batcher.js';
import { createApplyWebhook } from './apply-webhook.js';
import { AppError } from '@ue/kit';

const log = createLogger('test', 'silent');

function job(
  body: unknown,
  provider: WebhookJobData['provider'] = 'whatsapp',
): Job<WebhookJobData> {
  const raw = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return {
    id: 'wa-1',
    data: {
      provider,
      bodyBase64: raw.toString('base64'),
      sha256: 'x',
      receivedAt: '2026-11-10T12:00:00Z',
    },
  } as Job<WebhookJobData>;
}

function statuses(n: number): unknown {
  const list = Array.from({ length: n }, (_, i) => ({
    id: `wamid.${i}`,
    status: 'delivered',
    timestamp: '1794300660',
    recipient_id: '4915112345678',
  }));
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'w',
        changes: [
          { field: 'messages', value: { metadata: { phone_number_id: '1' }, statuses: list } },
        ],
      },
    ],
  };
}

describe('apply-webhook job', () => {
  it('reads a Messenger or Instagram route’s delivery with the Meta parser, by its object', async () => {
    const items: BatchItem[] = [];
    const metrics = createMetrics();
    const run = createApplyWebhook({
      batcher: { submit: (i) => (items.push(i), Promise.resolve()) },
      maxEvents: 500,
      metrics,
      log,
    });
    const ig = {
      object: 'instagram',
      entry: [
        {
          id: '17841400000000001',
          messaging: [
            {
              sender: { id: '7700000000000001' },
              recipient: { id: '17841400000000001' },
              timestamp: 1793955600000,
              message: { mid: 'aWdf1', text: 'Ciao' },
            },
          ],
        },
      ],
    };
    // An Instagram body on the Messenger route: the body's object decides.
    expect(await run(job(ig, 'messenger'))).toEqual({ events: 1, ignoredFields: [] });
    expect(items[0]!.events[0]).toMatchObject({ accountId: '17841400000000001', channel: 3 });
    expect(items[0]!.delivery?.provider).toBe('instagram');
    // Another object: acknowledged and counted, stored raw, not a dead letter.
    expect(await run(job({ object: 'user', entry: [] }, 'instagram'))).toEqual({
      events: 0,
      ignoredFields: ['object:user'],
    });
    expect(items[1]!.delivery?.provider).toBe('instagram');
    expect(await metrics.registry.metrics()).toMatch(
      /ingest_ignored_changes_total\{field="object"\} 1/,
    );
  });

  it('splits a big delivery into calls profiles accepts, sending the raw delivery once', async () => {
    const items: BatchItem[] = [];
    const run = createApplyWebhook({
      batcher: { submit: (i) => (items.push(i), Promise.resolve()) },
      maxEvents: 500,
      metrics: createMetrics(),
      log,
    });
    expect(await run(job(statuses(1000)))).toEqual({ events: 1000, ignoredFields: [] });
    expect(items.map((i) => [i.events.length, Boolean(i.delivery)])).toEqual([
      [500, true],
      [500, false],
    ]);
  });

  it('still stores a delivery without events, e.g. another webhook field', async () => {
    const items: BatchItem[] = [];
    const run = createApplyWebhook({
      batcher: { submit: (i) => (items.push(i), Promise.resolve()) },
      maxEvents: 500,
      metrics: createMetrics(),
      log,
    });
    const body = {
      object: 'whatsapp_business_account',
      entry: [{ id: 'w', changes: [{ field: 'account_update', value: {} }] }],
    };
    expect(await run(job(body))).toEqual({ events: 0, ignoredFields: ['account_update'] });
    expect(items).toHaveLength(1);
    expect(items[0]?.delivery?.body.toString()).toBe(JSON.stringify(body));
  });

  it('fails for good (a dead letter) on malformed input or a refusal, and retries otherwise', async () => {
    const items: BatchItem[] = [];
    const ok = createApplyWebhook({
      batcher: { submit: (i) => (items.push(i), Promise.resolve()) },
      maxEvents: 500,
      metrics: createMetrics(),
      log,
    });
    await expect(
      ok(
        job(
          '{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{}}]}]}',
        ),
      ),
    ).rejects.toBeInstanceOf(UnrecoverableError);
    expect(items).toEqual([]);
    // Partly readable: the readable part is applied, then the job is kept as a dead letter.
    const partly = statuses(2) as {
      entry: Array<{ changes: Array<{ value: { statuses: unknown[] } }> }>;
    };
    partly.entry[0]!.changes[0]!.value.statuses.push(42);
    await expect(ok(job(partly))).rejects.toThrow(/statuses\[2\]: not an object/);
    expect(items.map((i) => i.events.length)).toEqual([2]);
    const refused = createApplyWebhook({
      batcher: { submit: () => Promise.reject(AppError.invalid('events[0]', 'bad')) },
      maxEvents: 500,
      metrics: createMetrics(),
      log,
    });
    await expect(refused(job(statuses(1)))).rejects.toBeInstanceOf(UnrecoverableError);
    const down = createApplyWebhook({
      batcher: { submit: () => Promise.reject(new AppError('UNAVAILABLE', 'down')) },
      maxEvents: 500,
      metrics: createMetrics(),
      log,
    });
    const err = await down(job(statuses(1))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).not.toBeInstanceOf(UnrecoverableError);
  });

  it('queues the media fetches only once profiles has stored the messages', async () => {
    const image = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'w',
          changes: [
            {
              field: 'messages',
              value: {
                metadata: { phone_number_id: '117733559900011' },
                contacts: [{ wa_id: '4915112345678', profile: { name: 'J' } }],
                messages: [
                  {
                    from: '4915112345678',
                    id: 'wamid.IMG',
                    timestamp: '1794300660',
                    type: 'image',
                    image: { id: '1730928465019273', mime_type: 'image/jpeg', sha256: 'c2hh' },
                  },
                ],
              },
            },
          ],
        },
      ],
    };
    const order: string[] = [];
    const queued: unknown[] = [];
    const run = (submit: () => Promise<void>) =>
      createApplyWebhook({
        batcher: { submit },
        maxEvents: 500,
        enqueueMedia: (jobs) => (order.push('enqueue'), queued.push(...jobs), Promise.resolve()),
        metrics: createMetrics(),
        log,
      });
    await run(() => (order.push('apply'), Promise.resolve()))(job(image));
    expect(order).toEqual(['apply', 'enqueue']);
    expect(queued).toEqual([
      {
        accountId: '117733559900011',
        wamid: 'wamid.IMG',
        kind: 'image',
        mediaId: '1730928465019273',
        mimeType: 'image/jpeg',
        sha256: 'c2hh',
      },
    ]);
    order.length = 0;
    const failed = run(() => Promise.reject(new AppError('UNAVAILABLE', 'down')));
    await expect(failed(job(image))).rejects.toThrow(/down/);
    expect(order).toEqual([]);
  });

  it('queues a name fetch per Messenger customer who wrote, after the apply; not for echoes', async () => {
    const item = (o: Record<string, unknown>) => ({ timestamp: 1794300660000, ...o });
    const body = {
      object: 'page',
      entry: [
        {
          id: '1029384756',
          messaging: [
            item({
              sender: { id: '6500000000000101' },
              recipient: { id: '1029384756' },
              message: { mid: 'm_1', text: 'Hallo' },
            }),
            item({
              sender: { id: '6500000000000101' },
              recipient: { id: '1029384756' },
              message: { mid: 'm_2', text: 'noch da?' },
            }),
            item({
              sender: { id: '1029384756' },
              recipient: { id: '6500000000000102' },
              message: { mid: 'm_3', text: 'Echo', is_echo: true },
            }),
          ],
        },
      ],
    };
    const order: string[] = [];
    const queued: unknown[] = [];
    await createApplyWebhook({
      batcher: { submit: () => (order.push('apply'), Promise.resolve()) },
      maxEvents: 500,
      enqueueProfiles: (jobs) => (order.push('enqueue'), queued.push(...jobs), Promise.resolve()),
      metrics: createMetrics(),
      log,
    })(job(body, 'messenger'));
    expect(order).toEqual(['apply', 'enqueue']);
    expect(queued).toEqual([
      { accountId: '1029384756', channel: 'messenger', scopedId: '6500000000000101' },
    ]);
  });
});
