// The provider side of the demo: deliveries shaped and signed like Meta's Cloud API webhooks
// (compact JSON, non-ASCII \u-escaped, X-Hub-Signature-256 over the exact bytes), posted to
// ingest's public endpoint.
// https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components
import { createHmac } from 'node:crypto';
import {
  ACCOUNTS,
  type InboundPlan,
  type OutboundPlan,
  type Persona,
  type StatusPlan,
} from './dataset.js';

/** Meta's wire style: compact, non-ASCII as lowercase \uXXXX, "/" as "\/". */
export function metaJson(value: unknown): Buffer {
  const s = JSON.stringify(value)
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\//g, '\\/');
  return Buffer.from(s);
}

const contact = (p: Persona) => ({
  profile: { ...(p.name ? { name: p.name } : {}), ...(p.username ? { username: p.username } : {}) },
  ...(p.waId ? { wa_id: p.waId } : {}),
  ...(p.bsuid ? { user_id: p.bsuid } : {}),
});

function envelope(p: Persona, value: Record<string, unknown>): unknown {
  const a = ACCOUNTS[p.account];
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: a.waba,
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: a.display, phone_number_id: a.id },
              ...value,
            },
            field: 'messages',
          },
        ],
      },
    ],
  };
}

export function inboundBody(i: InboundPlan): Buffer {
  const from = {
    ...(i.persona.waId ? { from: i.persona.waId } : {}),
    ...(i.persona.bsuid ? { from_user_id: i.persona.bsuid } : {}),
  };
  return metaJson(
    envelope(i.persona, { contacts: [contact(i.persona)], messages: [{ ...from, ...i.message }] }),
  );
}

function statusEntry(o: OutboundPlan, s: StatusPlan): Record<string, unknown> {
  const p = o.persona;
  return {
    id: o.wamid,
    status: s.status,
    timestamp: String(s.at),
    ...(p.waId ? { recipient_id: p.waId } : {}),
    ...(p.bsuid && s.status !== 'failed' ? { recipient_user_id: p.bsuid } : {}),
    ...(s.status === 'delivered'
      ? {
          pricing: {
            billable: false,
            pricing_model: 'PMP',
            type: 'free_customer_service',
            category: 'service',
          },
        }
      : {}),
    ...(s.error
      ? {
          errors: [
            {
              code: s.error.code,
              title: s.error.title,
              message: s.error.title,
              error_data: { details: s.error.details },
            },
          ],
        }
      : {}),
  };
}

/** One delivery with the statuses of all our messages to one user (Meta batches them too). */
export function statusBody(outs: OutboundPlan[]): Buffer {
  const p = outs[0]!.persona;
  const statuses = outs.flatMap((o) => o.statuses.map((s) => statusEntry(o, s)));
  const failedOnly = statuses.every((s) => s.status === 'failed');
  return metaJson(envelope(p, { ...(failedOnly ? {} : { contacts: [contact(p)] }), statuses }));
}

/** Which of ingest's webhook endpoints a delivery goes to. */
export type WebhookChannel = 'whatsapp' | 'messenger' | 'instagram';

/** A poster for ingest's webhook endpoints: 200 or retried (5 tries); a 4xx fails at once. */
export function webhookPoster(
  ingestUrl: string,
  appSecret: string,
): (body: Buffer, channel?: WebhookChannel) => Promise<void> {
  const base = `${ingestUrl.replace(/\/+$/, '')}/webhooks`;
  return async (body, channel = 'whatsapp') => {
    const url = `${base}/${channel}`;
    const signature = `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
        body,
      }).catch((err: Error) => ({ status: 0, statusText: err.message }));
      if (res.status === 200) return;
      if (attempt >= 5 || (res.status >= 400 && res.status < 500))
        throw new Error(`webhook POST answered ${res.status} ${res.statusText}`);
      await new Promise((r) => setTimeout(r, attempt * 500));
    }
  };
}
