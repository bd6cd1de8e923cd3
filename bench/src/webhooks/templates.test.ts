import { describe, expect, it } from 'vitest';
import { compileTemplate, render } from './templates.js';

const BODY = JSON.stringify({
  object: 'whatsapp_business_account',
  entry: [
    {
      id: '104857600112233',
      changes: [
        {
          field: 'messages',
          value: {
            metadata: { display_phone_number: '15550123401', phone_number_id: '117733559900011' },
            contacts: [{ profile: { name: 'Old Name' }, wa_id: '111', user_id: 'DE.1' }],
            messages: [
              {
                from: '111',
                from_user_id: 'DE.1',
                id: 'wamid.old',
                timestamp: '1',
                type: 'text',
                text: { body: 'hallo' },
                context: { from: '15550123401', id: 'wamid.ours' },
              },
            ],
          },
        },
      ],
    },
  ],
});

describe('compileTemplate', () => {
  const t = compileTemplate('t.json', BODY);

  it('finds the person, the message and the time', () => {
    expect([t.users, t.messages, t.statuses, t.bsuidOnly]).toEqual([1, 1, 0, []]);
  });

  it('renders fresh values and keeps everything else, including the quoted message', () => {
    const out = JSON.parse(
      render(t, {
        users: [{ waId: '4917000000001', bsuid: 'DE.9', name: 'Anna "A" Bauer' }],
        wamids: ['wamid.new'],
        statusIds: [],
        time: 1_800_000_000,
      }),
    ) as {
      entry: {
        changes: {
          value: {
            contacts: { wa_id: string; user_id: string; profile: { name: string } }[];
            messages: {
              from: string;
              id: string;
              timestamp: string;
              context: { from: string; id: string };
            }[];
          };
        }[];
      }[];
    };
    const v = out.entry[0]!.changes[0]!.value;
    expect(v.contacts[0]).toEqual({
      profile: { name: 'Anna "A" Bauer' },
      wa_id: '4917000000001',
      user_id: 'DE.9',
    });
    expect(v.messages[0]).toMatchObject({
      from: '4917000000001',
      id: 'wamid.new',
      timestamp: '1800000000',
      context: { from: '15550123401', id: 'wamid.ours' },
    });
  });

  it('prints two-space JSON like the fixture files', () => {
    const out = render(t, {
      users: [{ waId: '1', bsuid: 'b', name: 'n' }],
      wamids: ['w'],
      statusIds: [],
      time: 2,
    });
    expect(out.startsWith('{\n  "object"')).toBe(true);
  });

  it('knows statuses and senders known only by BSUID', () => {
    const status = compileTemplate(
      's.json',
      JSON.stringify({ statuses: [{ id: 'x', recipient_id: '5', timestamp: '1' }] }),
    );
    expect([status.users, status.messages, status.statuses]).toEqual([1, 0, 1]);
    const bsuid = compileTemplate(
      'b.json',
      JSON.stringify({ messages: [{ from_user_id: 'BR.1', id: 'w', timestamp: '1' }] }),
    );
    expect(bsuid.bsuidOnly).toEqual([0]);
  });
});
