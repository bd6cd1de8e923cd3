// Provider-shaped webhook bodies for load: one inbound text per body, signed like Meta signs.
import { textWebhook } from '@ue/testing';
export { signWebhook as sign } from '@ue/testing';

export const BENCH_ACCOUNT = '117733559900011';

export function benchWaId(user: number): string {
  return `49170${String(9_000_000 + user).padStart(8, '0')}`;
}

export function benchTextWebhook(b: {
  user: number;
  seq: number;
  runId: string;
  nowSec: number;
}): string {
  const { user, seq, runId, nowSec } = b;
  return textWebhook({
    waId: benchWaId(user),
    name: `Bench User ${user}`,
    text: `benchmark message ${seq} about order ${user * 7 + seq}`,
    wamid: `wamid.bench.${runId}.${user}.${seq}`,
    at: new Date(nowSec * 1000),
    phoneNumberId: BENCH_ACCOUNT,
  });
}
