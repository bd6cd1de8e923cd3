// Provider-shaped webhook bodies for load: one inbound text per body, signed like Meta signs.
import { createHmac } from 'node:crypto';

export const BENCH_ACCOUNT = '117733559900011';

export function benchWaId(user: number): string {
  return `49170${String(9_000_000 + user).padStart(8, '0')}`;
}

export function textWebhook(user: number, seq: number, runId: string, nowSec: number): string {
  const waId = benchWaId(user);
  const wamid = `wamid.bench.${runId}.${user}.${seq}`;
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '104857600112233',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550123401', phone_number_id: BENCH_ACCOUNT },
              contacts: [{ profile: { name: `Bench User ${user}` }, wa_id: waId }],
              messages: [
                { from: waId, id: wamid, timestamp: String(nowSec), type: 'text', text: { body: `benchmark message ${seq} about order ${user * 7 + seq}` } },
              ],
            },
          },
        ],
      },
    ],
  });
}

export function sign(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
