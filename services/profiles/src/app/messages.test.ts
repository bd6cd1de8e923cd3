import type { AppError } from '@ue/kit';
import {
  ActorKind,
  DeliveryStatus,
  MessageContent,
  MessageType,
  RecordOutboundMessageRequest,
  SendMessageRequest,
  UpdateUserRequest,
} from '@ue/proto';
import { beforeEach, describe, expect, it } from 'vitest';
import { createFakePorts, type FakePorts } from '../../test/fakes.js';
import {
  ACCOUNT,
  batch,
  inboundText,
  providerError,
  ref,
  sendResult,
  t,
} from '../../test/events.js';
import { userIdFor } from '../domain/ids.js';
import { applyBatch } from './apply-batch.js';
import { recordOutbound, sendMessage } from './messages.js';
import { updateUser } from './update-user.js';

const AGENT = { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol' };
const ADMIN = { kind: ActorKind.ADMIN, id: 'ana', displayName: 'Ana Admin' };
const LUCAS = ref('5511987654321');
const userId = userIdFor(ACCOUNT, 'wa', LUCAS.waId);
const HOUR = 60;

const text = (body: string) => MessageContent.fromPartial({ type: MessageType.TEXT, text: body });
const template = MessageContent.fromPartial({
  type: MessageType.TEMPLATE,
  template: { name: 'order_update', language: 'pt_BR', componentsJson: '[]' },
});

let now: Date;
let fx: FakePorts;
beforeEach(() => {
  now = t(0);
  fx = createFakePorts({ now: () => now });
});

const send = (content: MessageContent, author = AGENT, clientId = '') =>
  sendMessage(fx, SendMessageRequest.fromPartial({ userId, content, clientId }), author).then(
    (r) => r.doc,
  );
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as AppError,
  );

describe('the 24 h customer service window', () => {
  it('opens for 24 h from the provider time of the last inbound message', async () => {
    await applyBatch(fx, batch(inboundText('wamid.L1', LUCAS, 'Oi, tudo bem?', t(0))));
    now = t(24 * HOUR - 1);
    const m = await send(text('Tudo ótimo!'));
    expect(m).toMatchObject({ status: DeliveryStatus.PENDING, userId });
    expect(fx.inspect.enqueued()).toMatchObject([
      { messageId: m._id, toWaId: LUCAS.waId, content: { text: 'Tudo ótimo!' } },
    ]);

    now = t(24 * HOUR);
    const err = await refusal(send(text('Ainda aí?')));
    expect(err).toMatchObject({ code: 'FAILED_PRECONDITION' });
    expect(err?.message).toContain('24 h');
    expect(fx.inspect.enqueued()).toHaveLength(1);
  });

  it('still allows a template after the window closed, and a new inbound message reopens it', async () => {
    await applyBatch(fx, batch(inboundText('wamid.L1', LUCAS, 'Oi', t(0))));
    now = t(48 * HOUR);
    const m = await send(template);
    expect(m.content?.template?.name).toBe('order_update');
    expect(fx.inspect.enqueued()).toHaveLength(1);

    await applyBatch(fx, batch(inboundText('wamid.L2', LUCAS, 'Recebi!', t(47 * HOUR))));
    await send(text('Que bom!'));
    expect(fx.inspect.enqueued()).toHaveLength(2);
  });

  it('is closed for a user who never wrote (known only from a recorded outbound message)', async () => {
    await recordOutbound(
      fx,
      RecordOutboundMessageRequest.fromPartial({
        recipient: { accountId: ACCOUNT, user: LUCAS },
        wamid: 'wamid.T1',
        content: template,
        sentAt: t(0),
      }),
      AGENT,
    );
    expect(await refusal(send(text('Olá')))).toMatchObject({ code: 'FAILED_PRECONDITION' });
    expect(fx.inspect.enqueued()).toEqual([]);
  });
});

describe('sending', () => {
  beforeEach(async () => {
    await applyBatch(fx, batch(inboundText('wamid.L1', LUCAS, 'Oi', t(0))));
  });

  it('refuses agents while the user is paused (human takeover), but lets an admin send', async () => {
    await updateUser(fx, UpdateUserRequest.fromPartial({ userId, paused: true }), ADMIN);
    expect(await refusal(send(text('Posso ajudar?')))).toMatchObject({
      code: 'FAILED_PRECONDITION',
    });
    expect(fx.inspect.enqueued()).toEqual([]);
    const m = await send(text('Aqui é a Ana, posso ajudar?'), ADMIN);
    expect(m.author).toEqual(ADMIN);
    expect(fx.inspect.enqueued()).toHaveLength(1);
  });

  it('returns the same pending message for a retried client_id and counts it once', async () => {
    const first = await send(text('Seu pedido saiu.'), AGENT, 'reply-1');
    const again = await send(text('Seu pedido saiu.'), AGENT, 'reply-1');
    expect(again._id).toBe(first._id);
    expect(fx.inspect.messages().filter((m) => m.clientId === 'reply-1')).toHaveLength(1);
    expect((await fx.users.findById(userId))?.counters?.outboundMessages).toBe(1);
    expect(fx.inspect.enqueued()).toHaveLength(1);
  });

  it('marks the message sent with its wamid, or failed once when the provider refuses it', async () => {
    const ok = await send(text('Primeira'));
    const bad = await send(text('Segunda'));
    const refused = sendResult(bad._id, { errors: [providerError(131047, 'Re-engagement')] }, t(2));
    await applyBatch(fx, batch(sendResult(ok._id, { wamid: 'wamid.S1' }, t(1)), refused, refused));
    const sent = await fx.messages.findById(ok._id);
    expect(sent).toMatchObject({ wamid: 'wamid.S1', status: DeliveryStatus.SENT });
    expect((await fx.messages.findByWamid(ACCOUNT, 'wamid.S1'))?._id).toBe(ok._id);
    expect((await fx.messages.findById(bad._id))?.status).toBe(DeliveryStatus.FAILED);
    expect((await fx.users.findById(userId))?.counters?.failedDeliveries).toBe(1);
  });

  it('refuses to record a wamid that belongs to another user, without leaking that message', async () => {
    const other = ref('5511912340000');
    await applyBatch(fx, batch(inboundText('wamid.X0', other, 'Oi', t(0))));
    const record = (to: string, body: string) =>
      recordOutbound(
        fx,
        RecordOutboundMessageRequest.fromPartial({
          userId: to,
          wamid: 'wamid.SHARED',
          content: text(body),
          sentAt: t(1),
        }),
        AGENT,
      );
    await record(userIdFor(ACCOUNT, 'wa', other.waId), 'Seu código é 4711');
    const before = fx.inspect.snapshot();
    expect(await refusal(record(userId, 'Olá Lucas'))).toMatchObject({ code: 'ALREADY_EXISTS' });
    expect(fx.inspect.snapshot()).toEqual(before);
  });

  it('validates before writing: an empty text or an unknown user changes nothing', async () => {
    const before = fx.inspect.snapshot();
    expect(await refusal(send(text('  ')))).toMatchObject({ code: 'INVALID_ARGUMENT' });
    const unknown = sendMessage(
      fx,
      SendMessageRequest.fromPartial({ userId: 'u_nobody', content: text('Oi') }),
      AGENT,
    );
    expect(await refusal(unknown)).toMatchObject({ code: 'NOT_FOUND' });
    expect(fx.inspect.snapshot()).toEqual(before);
  });
});
