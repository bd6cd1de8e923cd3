// Deliveries with one odd item, posted together with valid ones so the worker coalesces them
// into the same ApplyWebhookEvents calls: every valid part is stored in profiles (a real
// process), nothing is retried or dead-lettered, and the odd item is kept as unsupported.
import { MessageType } from '@ue/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contact, delivery, newWaId, newWamid, textMessage, validText } from './bodies.js';
import { APP_SECRET, drained, postWebhook, signBody } from './helpers.js';
import { startPipeline, type Pipeline } from './pipeline.js';

const A = '117733559900011';
let p: Pipeline;

beforeAll(async () => {
  p = await startPipeline(
    'ingest_poison',
    // A wide window: everything posted below lands in the same few calls.
    { WEBHOOK_BATCH_WINDOW_MS: '400', WEBHOOK_ATTEMPTS: '3' },
  );
});

afterAll(() => p?.stop());

interface Case {
  what: string;
  body: Buffer;
  /** The sender whose valid message must be stored, and the wamid of that message. */
  waId?: string;
  bsuid?: string;
  wamid: string;
}

/** A delivery from a fresh user: one valid text plus `odd` (items added to the same value). */
function withOdd(what: string, odd: (from: string) => Record<string, unknown[]>): Case {
  const waId = newWaId();
  const wamid = newWamid();
  const extra = odd(waId);
  const value = {
    contacts: [contact({ waId, name: 'Sender' }), ...(extra.contacts ?? [])],
    messages: [textMessage({ from: waId, text: what, wamid }), ...(extra.messages ?? [])],
    ...(extra.statuses ? { statuses: extra.statuses } : {}),
  };
  return { what, body: Buffer.from(JSON.stringify(delivery(value))), waId, wamid };
}

const odd = (type: string, from: string) => ({
  messages: [{ ...textMessage({ from, text: 'x' }), type, [type]: { body: 'x' } }],
});

describe('poison items coalesced with valid deliveries', () => {
  it('stores every valid message; the odd items become unsupported, nothing is dead-lettered', async () => {
    const bsuid = `DE.${Date.now()}`;
    const letters = `49151abc${Date.now() % 1000}`;
    const longNamed = newWaId();
    const cases: Case[] = [
      withOdd('type constructor', (f) => odd('constructor', f)),
      withOdd('type __proto__', (f) => odd('__proto__', f)),
      withOdd('type hasOwnProperty', (f) => odd('hasOwnProperty', f)),
      withOdd('status toString', (f) => ({
        statuses: [
          { id: newWamid(), status: 'toString', timestamp: '1793876790', recipient_id: f },
        ],
      })),
      withOdd('status valueOf', (f) => ({
        statuses: [{ id: newWamid(), status: 'valueOf', timestamp: '1793876790', recipient_id: f }],
      })),
      withOdd('a contact name over 256 characters', () => ({
        contacts: [contact({ waId: longNamed, name: 'N'.repeat(300) })],
      })),
      {
        // The sender's wa_id has letters: known by its BSUID instead.
        what: 'a wa_id with letters',
        body: Buffer.from(
          JSON.stringify(
            delivery({
              contacts: [contact({ waId: letters, name: 'Letters', userId: bsuid })],
              messages: [
                textMessage({ from: letters, userId: bsuid, text: 'hi', wamid: 'wamid.L1' }),
              ],
            }),
          ),
        ),
        bsuid,
        wamid: 'wamid.L1',
      },
      ...Array.from({ length: 6 }, (_, i) => ({ what: `valid ${i}`, ...validText(`valid ${i}`) })),
    ];
    const statuses = await Promise.all(
      cases.map(
        async (c) => (await postWebhook(p.ingest.url, c.body, signBody(c.body, APP_SECRET))).status,
      ),
    );
    expect(statuses).toEqual(cases.map(() => 200));

    const counts = await drained(p.queue, 30_000);
    const failed = await p.queue.getFailed();
    expect(failed.map((j) => j.failedReason)).toEqual([]);
    expect(counts.completed).toBe(cases.length);

    for (const c of cases) {
      const user = await p.client.user(A, c.waId ? { waId: c.waId } : { bsuid: c.bsuid! });
      expect(user, c.what).toBeDefined();
      const stored = await p.client.messages(user!.id);
      expect(
        stored.map((m) => m.wamid),
        c.what,
      ).toContain(c.wamid);
      if (c.what.startsWith('type ')) {
        const type = c.what.slice('type '.length);
        expect(stored.find((m) => m.wamid !== c.wamid)?.content, c.what).toMatchObject({
          type: MessageType.UNSUPPORTED,
          unsupportedType: type,
        });
      }
    }
    // Cut to profiles' limit rather than refused.
    expect((await p.client.user(A, { waId: longNamed }))?.profile?.name).toBe('N'.repeat(256));
  });
});
