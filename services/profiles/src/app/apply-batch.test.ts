import { ActorKind, ApplyWebhookEventsRequest, DeliveryStatus, UpdateUserRequest } from '@ue/proto';
import { beforeEach, describe, expect, it } from 'vitest';
import { createFakePorts, type FakePorts } from '../../test/fakes.js';
import { batch, edit, inboundText, reaction, ref, seen, status, t } from '../../test/events.js';
import { sha256Hex } from '../domain/ids.js';
import { applyBatch } from './apply-batch.js';
import { updateUser } from './update-user.js';

const ANA = ref('4915112345678');
const body = (s: string) => Buffer.from(s);

let fx: FakePorts;
beforeEach(() => {
  fx = createFakePorts();
});

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('ApplyWebhookEvents', () => {
  it('changes nothing when one event of the batch is invalid', async () => {
    await applyBatch(fx, batch(inboundText('wamid.A0', ANA, 'earlier', t(0))));
    const before = fx.inspect.snapshot();
    const req = ApplyWebhookEventsRequest.fromPartial({
      events: [
        seen(ANA, 'Ana', t(1)),
        inboundText('wamid.A1', ANA, 'valid', t(1)),
        status('wamid.A0', DeliveryStatus.READ, t(2)),
        inboundText('wamid.A2', ref('49-151-bad'), 'invalid sender', t(2)),
      ],
      deliveries: [{ body: body('{"entry":[]}'), provider: 'whatsapp' }],
    });
    expect(await refusal(applyBatch(fx, req))).toMatchObject({
      code: 'INVALID_ARGUMENT',
      field: 'events[3].inbound_message.from.wa_id',
    });
    expect(fx.inspect.snapshot()).toEqual(before);
  });

  it('changes nothing when a raw delivery does not match its hash', async () => {
    const req = ApplyWebhookEventsRequest.fromPartial({
      events: [inboundText('wamid.A1', ANA, 'valid', t(1))],
      deliveries: [{ body: body('{"entry":[]}'), sha256: sha256Hex('something else') }],
    });
    expect(await refusal(applyBatch(fx, req))).toMatchObject({ field: 'deliveries[0].sha256' });
    expect(fx.inspect.users()).toEqual([]);
    expect(fx.inspect.deliveries()).toEqual([]);
  });

  it('counts applied, duplicate and orphaned events, and stores a raw delivery once', async () => {
    await applyBatch(fx, batch(inboundText('wamid.A1', ANA, 'Hallo', t(1))));
    const delivery = { body: body('{"entry":[1]}'), provider: 'whatsapp' };
    const req = ApplyWebhookEventsRequest.fromPartial({
      events: [
        inboundText('wamid.A1', ANA, 'Hallo', t(1)),
        reaction('wamid.R1', ANA, 'wamid.A1', '👍', t(3)),
        edit('wamid.E1', ANA, 'wamid.UNKNOWN', 'edited', t(2)),
      ],
      deliveries: [delivery],
    });
    const first = await applyBatch(fx, req);
    expect(first).toEqual({ applied: 1, duplicates: 1, orphaned: 1, deliveriesStored: 1 });
    const again = await applyBatch(fx, req);
    expect(again).toEqual({ applied: 0, duplicates: 2, orphaned: 1, deliveriesStored: 0 });
    expect(fx.inspect.deliveries()).toEqual([sha256Hex(delivery.body)]);
    expect(fx.inspect.orphans()).toHaveLength(1);
  });

  it('stops between events once the caller is gone; the retry completes the batch', async () => {
    const events = [
      inboundText('wamid.A1', ANA, 'one', t(1)),
      inboundText('wamid.A2', ANA, 'two', t(2)),
    ];
    const gone = await refusal(applyBatch(fx, batch(...events), () => true));
    expect(gone).toMatchObject({ code: 'DEADLINE_EXCEEDED' });
    expect(fx.inspect.messages()).toEqual([]);
    expect(await applyBatch(fx, batch(...events))).toMatchObject({ applied: 2 });
  });
});

describe('UpdateUser validation', () => {
  it('refuses an invalid tag before changing anything', async () => {
    await applyBatch(fx, batch(inboundText('wamid.A1', ANA, 'Hallo', t(1))));
    const [u] = fx.inspect.users();
    const before = fx.inspect.snapshot();
    const req = UpdateUserRequest.fromPartial({
      userId: u!._id,
      paused: true,
      addTags: ['vip', '<script>'],
    });
    const admin = { kind: ActorKind.ADMIN, id: 'ana', displayName: 'Ana' };
    expect(await refusal(updateUser(fx, req, admin))).toMatchObject({ field: 'add_tags[1]' });
    expect(fx.inspect.snapshot()).toEqual(before);
  });
});
