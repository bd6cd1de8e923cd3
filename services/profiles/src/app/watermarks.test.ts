// Watermarks (Messenger / Instagram receipts) and the outbound messages they cover, in every
// arrival order and repeated: the same statuses and times.
import { DeliveryStatus, type WebhookEvent } from '@ue/proto';
import { describe, expect, it } from 'vitest';
import { batch, echo, on, PAGE, scoped, t, watermark } from '../../test/events.js';
import { createFakePorts } from '../../test/fakes.js';
import { applyBatch } from './apply-batch.js';

const ana = scoped('6100000000000001');
const events = [
  on(PAGE, echo('m_1', ana, 'one', t(1))),
  on(PAGE, echo('m_2', ana, 'two', t(3))),
  on(PAGE, watermark(ana, DeliveryStatus.DELIVERED, t(2))),
  on(PAGE, watermark(ana, DeliveryStatus.READ, t(4))),
  on(PAGE, echo('m_3', ana, 'three', t(5))),
  on(PAGE, watermark(ana, DeliveryStatus.DELIVERED, t(4))),
];

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) =>
    permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]),
  );
}

async function statesAfter(order: WebhookEvent[]) {
  const fx = createFakePorts();
  for (const e of [...order, ...order]) await applyBatch(fx, batch(e));
  return fx.inspect
    .messages()
    .sort((a, b) => a.wamid.localeCompare(b.wamid))
    .map((m) => ({ mid: m.wamid, status: m.status, times: m.statusTimes }));
}

describe('watermarks', () => {
  it('end the same in every arrival order, repeated', async () => {
    const expected = [
      {
        mid: 'm_1',
        status: DeliveryStatus.READ,
        times: { sentAt: t(1), deliveredAt: t(2), readAt: t(4) },
      },
      {
        mid: 'm_2',
        status: DeliveryStatus.READ,
        times: { sentAt: t(3), deliveredAt: t(4), readAt: t(4) },
      },
      { mid: 'm_3', status: DeliveryStatus.SENT, times: { sentAt: t(5) } },
    ];
    for (const order of permutations(events)) expect(await statesAfter(order)).toEqual(expected);
  });
});
