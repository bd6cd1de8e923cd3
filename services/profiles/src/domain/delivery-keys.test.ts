import { describe, expect, it } from 'vitest';
import { deliveryAccounts, deliveryKeys } from './delivery-keys.js';

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

describe('deliveryAccounts', () => {
  const body = (o: unknown) => Buffer.from(JSON.stringify(o));

  it('names the WhatsApp numbers of every change, not the WABA', () => {
    const b = body({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '104857600112233',
          changes: [
            { value: { metadata: { phone_number_id: '117733559900011' } } },
            { value: { metadata: { phone_number_id: '228844661100022' } } },
            { value: { metadata: { phone_number_id: '117733559900011' } } },
          ],
        },
      ],
    });
    expect(deliveryAccounts(b)).toEqual(['117733559900011', '228844661100022']);
  });

  it('names the page or Instagram account of Messenger and Instagram entries', () => {
    expect(deliveryAccounts(body({ object: 'page', entry: [{ id: '1029384756' }] }))).toEqual([
      '1029384756',
    ]);
    expect(
      deliveryAccounts(body({ object: 'instagram', entry: [{ id: 17841400000000 }] })),
    ).toHaveLength(1);
  });

  it('names nothing for a body that is not such JSON', () => {
    expect(deliveryAccounts(Buffer.from('not json'))).toEqual([]);
    expect(deliveryAccounts(body({ object: 'page' }))).toEqual([]);
    expect(deliveryAccounts(body(null))).toEqual([]);
  });
});
