// Small builders of provider-shaped deliveries for tests that need many distinct ones.
import { randomBytes } from 'node:crypto';

export const ACCOUNT = '117733559900011';

type Obj = Record<string, unknown>;

/** A `messages` change on our number A around one value. */
export function delivery(value: Obj, account = ACCOUNT): Obj {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '104857600112233',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550123401', phone_number_id: account },
              ...value,
            },
          },
        ],
      },
    ],
  };
}

export const newWamid = (): string => `wamid.${randomBytes(16).toString('base64')}`;

/** A fresh number nobody else in the run uses. */
export function newWaId(): string {
  return `49${1_000_000_000 + (randomBytes(4).readUInt32BE() % 8_999_999_999)}`;
}

export function textMessage(o: {
  from: string;
  text: string;
  wamid?: string;
  userId?: string;
}): Obj {
  return {
    from: o.from,
    ...(o.userId ? { from_user_id: o.userId } : {}),
    id: o.wamid ?? newWamid(),
    timestamp: String(Math.floor(Date.now() / 1000)),
    type: 'text',
    text: { body: o.text },
  };
}

export function contact(o: { waId: string; name: string; userId?: string }): Obj {
  return { profile: { name: o.name }, wa_id: o.waId, ...(o.userId ? { user_id: o.userId } : {}) };
}

/** One valid text delivery from a fresh user: what "a valid delivery sent alongside" is. */
export function validText(text: string): { body: Buffer; waId: string; wamid: string } {
  const waId = newWaId();
  const wamid = newWamid();
  const value = {
    contacts: [contact({ waId, name: 'Valid Sender' })],
    messages: [textMessage({ from: waId, text, wamid })],
  };
  return { body: Buffer.from(JSON.stringify(delivery(value))), waId, wamid };
}
