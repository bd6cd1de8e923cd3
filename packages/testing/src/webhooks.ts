// Provider-shaped WhatsApp Cloud API webhook bodies for tests and load, signed as Meta signs
// them (HMAC-SHA256 of the exact bytes with the app secret).
import { createHmac, randomBytes } from 'node:crypto';

const WABA = '104857600112233';
const DISPLAY = '15550123401';
const ACCOUNT = '117733559900011';

function envelope(phoneNumberId: string, value: Record<string, unknown>): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: WABA,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: DISPLAY, phone_number_id: phoneNumberId },
              ...value,
            },
          },
        ],
      },
    ],
  });
}

const unixSeconds = (d: Date): string => String(Math.floor(d.getTime() / 1000));

/** One inbound text message with its contact. */
export function textWebhook(opts: {
  waId: string;
  name: string;
  text: string;
  phoneNumberId?: string;
  wamid?: string;
  at?: Date;
}): string {
  return envelope(opts.phoneNumberId ?? ACCOUNT, {
    contacts: [{ profile: { name: opts.name }, wa_id: opts.waId }],
    messages: [
      {
        from: opts.waId,
        id: opts.wamid ?? `wamid.${randomBytes(12).toString('hex')}`,
        timestamp: unixSeconds(opts.at ?? new Date()),
        type: 'text',
        text: { body: opts.text },
      },
    ],
  });
}

/** A delivery status for a message we sent. */
export function statusWebhook(opts: {
  wamid: string;
  waId: string;
  status: 'sent' | 'delivered' | 'read';
  at: Date;
  phoneNumberId?: string;
}): string {
  return envelope(opts.phoneNumberId ?? ACCOUNT, {
    statuses: [
      {
        id: opts.wamid,
        status: opts.status,
        timestamp: unixSeconds(opts.at),
        recipient_id: opts.waId,
      },
    ],
  });
}

/** The X-Hub-Signature-256 header value for a body. */
export function signWebhook(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
