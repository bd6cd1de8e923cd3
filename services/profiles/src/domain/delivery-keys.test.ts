import { describe, expect, it } from 'vitest';
import { deliveryKeys } from './delivery-keys.js';

describe('delivery keys', () => {
  it('are the quoted wa_ids and BSUIDs of the body, whatever else it holds', () => {
    const body = Buffer.from(
      JSON.stringify({
        entry: [
          {
            changes: [
              {
                value: {
                  contacts: [
                    {
                      profile: { name: 'Zoë' },
                      wa_id: '4915799887766',
                      user_id: 'DE.5830194726350817264',
                    },
                  ],
                  messages: [
                    {
                      from: '4915799887766',
                      id: 'wamid.HBgNNDkxNTc5OTg4Nzc2NhUCABIYFDNB',
                      text: { body: 'call 0151 234' },
                    },
                  ],
                },
              },
            ],
          },
        ],
      }),
    );
    expect(deliveryKeys(body).sort()).toEqual(['bsuid|DE.5830194726350817264', 'wa|4915799887766']);
    expect(deliveryKeys(Buffer.from('not json at all'))).toEqual([]);
  });
});
