import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, statusWebhook, textWebhook } from './webhooks.js';

describe('webhook builders', () => {
  it('build a Cloud API text message joined to its contact by wa_id', () => {
    const body = JSON.parse(
      textWebhook({
        waId: '4915112345678',
        name: 'Zoë',
        text: 'Hallo',
        wamid: 'wamid.x',
        at: new Date(1_794_301_200_000),
      }),
    ) as {
      entry: {
        changes: {
          value: {
            contacts: { wa_id: string }[];
            messages: { from: string; id: string; timestamp: string; text: { body: string } }[];
          };
        }[];
      }[];
    };
    const value = body.entry[0]!.changes[0]!.value;
    expect(value.contacts[0]!.wa_id).toBe(value.messages[0]!.from);
    expect(value.messages[0]).toMatchObject({
      id: 'wamid.x',
      timestamp: '1794301200',
      text: { body: 'Hallo' },
    });
  });

  it('sign the exact bytes like the provider', () => {
    const body = statusWebhook({ wamid: 'wamid.y', waId: '1', status: 'read', at: new Date(0) });
    expect(signWebhook(body, 's3cret')).toBe(
      `sha256=${createHmac('sha256', 's3cret').update(Buffer.from(body)).digest('hex')}`,
    );
    expect(signWebhook(body, 'other')).not.toBe(signWebhook(body, 's3cret'));
  });
});
