import { GetUserRequest, ListMessagesRequest, MessageType, type UserRef } from '@ue/proto';
import { beforeEach, describe, expect, it } from 'vitest';
import { createFakePorts, type FakePorts } from '../../test/fakes.js';
import { ACCOUNT, ACCOUNT_B, batch, inboundText, numberChange, ref, t } from '../../test/events.js';
import { applyBatch } from './apply-batch.js';
import { listMessages } from './messages.js';
import { getUser } from './users.js';

let fx: FakePorts;
beforeEach(() => {
  fx = createFakePorts();
});

const apply = (...events: Parameters<typeof batch>) => applyBatch(fx, batch(...events));
const byRef = (user: UserRef, accountId = ACCOUNT) =>
  getUser(
    fx,
    GetUserRequest.fromPartial({
      lookup: { $case: 'accountUser', accountUser: { accountId, user } },
    }),
  );
const byPhone = (phone: string) =>
  getUser(fx, GetUserRequest.fromPartial({ lookup: { $case: 'phone', phone: { phone } } }));
const history = async (userId: string) =>
  (await listMessages(fx, ListMessagesRequest.fromPartial({ userId }))).docs;

const JURGEN = '4915112345678';

describe('identity resolution', () => {
  it('names one user by wa_id across messages, found by wa_id and by phone', async () => {
    const res = await apply(
      inboundText('wamid.A1', ref(JURGEN), 'Hallo', t(0)),
      inboundText('wamid.A2', ref(JURGEN), 'Noch da?', t(1)),
    );
    expect(res).toMatchObject({ applied: 2, duplicates: 0 });
    const u = await byRef(ref(JURGEN));
    expect(u).toMatchObject({ waId: JURGEN, profile: { phoneE164: '+4915112345678' } });
    expect(u.counters?.inboundMessages).toBe(2);
    expect((await byPhone('+49 151 1234-5678'))._id).toBe(u._id);
    expect(fx.inspect.users()).toHaveLength(1);
  });

  it('keeps a BSUID-only user when its wa_id is learned later, and fills the number in', async () => {
    await apply(inboundText('wamid.B1', ref('', 'DE.7120934'), 'number withheld', t(0)));
    const before = await byRef(ref('', 'DE.7120934'));
    expect(before).toMatchObject({ waId: '', bsuid: 'DE.7120934' });
    expect(before.profile?.phoneE164).toBeUndefined();

    await apply(inboundText('wamid.B2', ref(JURGEN, 'DE.7120934'), 'now with number', t(1)));
    const after = await byRef(ref(JURGEN));
    expect(after._id).toBe(before._id);
    expect(after).toMatchObject({ waId: JURGEN, profile: { phoneE164: '+4915112345678' } });
    expect(after.counters?.inboundMessages).toBe(2);
    expect((await byRef(ref('', 'DE.7120934')))._id).toBe(before._id);
    expect(fx.inspect.users()).toHaveLength(1);
  });

  it('links both keys of an event to one user, so either alone finds it later', async () => {
    await apply(inboundText('wamid.C1', ref(JURGEN, 'DE.55'), 'both ids', t(0)));
    await apply(
      inboundText('wamid.C2', ref(JURGEN), 'wa_id only', t(1)),
      inboundText('wamid.C3', ref('', 'DE.55'), 'bsuid only', t(2)),
    );
    const u = await byRef(ref(JURGEN));
    expect((await byRef(ref('', 'DE.55')))._id).toBe(u._id);
    expect(u.counters?.inboundMessages).toBe(3);
    expect(fx.inspect.users()).toHaveLength(1);
  });

  it('keeps the same wa_id in another account a different user', async () => {
    await apply(
      inboundText('wamid.D1', ref(JURGEN), 'to shop A', t(0)),
      inboundText('wamid.D1', ref(JURGEN), 'to shop B', t(0), ACCOUNT_B),
    );
    const [a, b] = [await byRef(ref(JURGEN)), await byRef(ref(JURGEN), ACCOUNT_B)];
    expect(a._id).not.toBe(b._id);
    expect([a.lastMessage?.text, b.lastMessage?.text]).toEqual(['to shop A', 'to shop B']);
  });
});

describe('number change', () => {
  const OLD = ref('4915112345678');
  const NEW = ref('4917612345678');

  it('keeps id and history, lists the old wa_id, and both numbers still find the user', async () => {
    await apply(inboundText('wamid.N1', OLD, 'Hallo', t(0)));
    const before = await byRef(OLD);
    expect((await apply(numberChange('wamid.NC', OLD, NEW, t(1)))).applied).toBe(1);

    const u = await byRef(NEW);
    expect(u._id).toBe(before._id);
    expect(u).toMatchObject({ waId: NEW.waId, previousWaIds: [OLD.waId] });
    expect(u.profile?.phoneE164).toBe('+4917612345678');
    // The notice is part of the history but not a message from the user.
    expect(u.counters?.inboundMessages).toBe(1);
    const types = (await history(u._id)).map((m) => m.content?.type);
    expect(types).toEqual([MessageType.SYSTEM, MessageType.TEXT]);

    await apply(
      inboundText('wamid.N2', NEW, 'from the new number', t(2)),
      inboundText('wamid.N3', OLD, 'a late one from the old number', t(3)),
    );
    expect((await byRef(OLD))._id).toBe(u._id);
    expect((await byPhone('+49 151 12345678'))._id).toBe(u._id);
    expect((await byRef(NEW)).counters?.inboundMessages).toBe(3);
    expect(fx.inspect.users()).toHaveLength(1);
  });

  it('is a duplicate when replayed: the old wa_id is listed once', async () => {
    await apply(inboundText('wamid.N1', OLD, 'Hallo', t(0)));
    const change = numberChange('wamid.NC', OLD, NEW, t(1));
    await apply(change);
    expect(await apply(change, change)).toMatchObject({ applied: 0, duplicates: 2 });
    expect((await byRef(NEW)).previousWaIds).toEqual([OLD.waId]);
    expect(await history((await byRef(NEW))._id)).toHaveLength(2);
  });

  it('links new business-scoped ids on the same number to the same user', async () => {
    await apply(inboundText('wamid.S1', ref(JURGEN, 'DE.111'), 'Hallo', t(0)));
    const u = await byRef(ref(JURGEN));
    const change = numberChange('wamid.S2', ref(JURGEN, 'DE.111'), ref(JURGEN, 'DE.222'), t(1));
    expect((await apply(change)).applied).toBe(1);
    const after = await byRef(ref('', 'DE.222'));
    expect(after._id).toBe(u._id);
    expect(after).toMatchObject({ waId: JURGEN, bsuid: 'DE.222', previousWaIds: [] });
    expect((await byRef(ref('', 'DE.111')))._id).toBe(u._id);
  });

  it('keeps both users when another one already holds the new number, merging nothing', async () => {
    await apply(
      inboundText('wamid.O1', OLD, 'old number', t(0)),
      inboundText('wamid.O2', NEW, 'new number first', t(1)),
    );
    const [oldUser, newUser] = [await byRef(OLD), await byRef(NEW)];
    expect(oldUser._id).not.toBe(newUser._id);

    await apply(numberChange('wamid.NC', OLD, NEW, t(2)));
    const [o, n] = [await byRef(OLD), await byRef(NEW)];
    expect([o._id, n._id]).toEqual([oldUser._id, newUser._id]);
    expect(o).toMatchObject({ waId: OLD.waId, previousWaIds: [] });
    expect(n).toMatchObject({ waId: NEW.waId, previousWaIds: [OLD.waId] });
    expect([o.counters?.inboundMessages, n.counters?.inboundMessages]).toEqual([1, 1]);
    expect((await history(n._id)).map((m) => m.wamid)).toEqual(['wamid.O2']);
  });
});
