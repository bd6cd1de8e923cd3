import type { AppError } from '@ue/kit';
import {
  ActorKind,
  EventKind,
  GetPersonRequest,
  LinkIdentitiesRequest,
  ListMessagesRequest,
  ListUsersRequest,
  PersonRule,
  UnlinkIdentitiesRequest,
  WebhookEvent,
} from '@ue/proto';
import { beforeEach, describe, expect, it } from 'vitest';
import { createFakePorts, type FakePorts } from '../../test/fakes.js';
import { ACCOUNT, ACCOUNT_B, batch, inboundText, ref, t } from '../../test/events.js';
import { userIdFor } from '../domain/ids.js';
import { samePhonePersonId } from '../domain/person.js';
import { applyBatch } from './apply-batch.js';
import { listMessages } from './messages.js';
import { getPerson, linkIdentities, unlinkIdentities } from './people.js';
import { listUsers } from './users.js';

const ANA = { kind: ActorKind.ADMIN, id: 'ana', displayName: 'Ana' };
const OTHER_WABA = '999999999999999';

let fx: FakePorts;
const ids = {
  lena: userIdFor(ACCOUNT, 'wa', '4915112345678'),
  lenaB: userIdFor(ACCOUNT_B, 'wa', '4915112345678'),
  max: userIdFor(ACCOUNT, 'wa', '4917012345678'),
  maxElsewhere: userIdFor('500000000000001', 'wa', '4917012345678'),
};
beforeEach(async () => {
  fx = createFakePorts();
  const elsewhere = WebhookEvent.fromPartial({
    ...inboundText('wamid.X', ref('4917012345678'), 'other business', t(4), '500000000000001'),
    wabaId: OTHER_WABA,
  });
  await applyBatch(
    fx,
    batch(
      inboundText('wamid.L1', ref('4915112345678'), 'hi on A', t(0)),
      inboundText('wamid.L2', ref('4915112345678'), 'hi on B', t(2), ACCOUNT_B),
      inboundText('wamid.M1', ref('4917012345678'), 'max here', t(1)),
      inboundText('wamid.M2', ref('4917012345678'), 'max again', t(3)),
      elsewhere,
    ),
  );
});

const person = async (userId: string) =>
  getPerson(fx, GetPersonRequest.fromPartial({ lookup: { $case: 'userId', userId } }));
const link = (userIds: string[], over: Partial<LinkIdentitiesRequest> = {}) =>
  linkIdentities(fx, LinkIdentitiesRequest.fromPartial({ userIds, reason: 'same', ...over }), ANA);
const timeline = async (personId: string) =>
  (await listMessages(fx, ListMessagesRequest.fromPartial({ personId }))).docs.map((m) => m._id);

describe('people (use cases on the fakes)', () => {
  it('joins the same phone within a business only, shown as automatic links', async () => {
    const p = await person(ids.lena);
    expect(p.id).toBe(samePhonePersonId('104857600112233', '+4915112345678'));
    expect(p.identities.map((u) => u._id)).toEqual([ids.lenaB, ids.lena]);
    expect(p.links.map((l) => [l._id, l.rule])).toEqual([
      [`auto:${ids.lenaB}`, PersonRule.SAME_PHONE],
      [`auto:${ids.lena}`, PersonRule.SAME_PHONE],
    ]);
    expect((await person(ids.max)).suggestions).toMatchObject([
      { userId: ids.maxElsewhere, rule: PersonRule.PHONE_IN_FACTS },
    ]);
  });

  it('merges all members of a person and restores every identity exactly on undo', async () => {
    const before = fx.inspect.users();
    const joined = await link([ids.max, ids.lena], { clientId: 'k1' });
    expect(joined.links).toHaveLength(1);
    expect(joined.links[0]).toMatchObject({ userIds: [ids.lena, ids.lenaB].sort() });
    expect(await timeline(joined.person.id)).toHaveLength(4);
    const moved = fx.inspect
      .published()
      .filter((e) => e.kind === EventKind.USER_UPDATED)
      .slice(-2)
      .map((e) => e.userId);
    expect(moved.sort()).toEqual([ids.lena, ids.lenaB].sort());
    expect((await link([ids.max, ids.lena], { clientId: 'k1' })).links).toEqual(joined.links);

    const undone = await unlinkIdentities(
      fx,
      UnlinkIdentitiesRequest.fromPartial({
        target: { $case: 'linkId', linkId: joined.links[0]!._id },
        reason: 'mistake',
      }),
      ANA,
    );
    expect(undone.restored.identities).toHaveLength(2);
    expect(fx.inspect.users()).toEqual(before);
  });

  it('groups the users list by person', async () => {
    const rows = await listUsers(
      fx,
      ListUsersRequest.fromPartial({ groupByPerson: true, pageSize: 1 }),
      1000,
    );
    expect(rows.docs.map((u) => u._id)).toEqual([ids.maxElsewhere]);
    const all: string[] = [];
    let pageToken = '';
    do {
      const r = await listUsers(
        fx,
        ListUsersRequest.fromPartial({ groupByPerson: true, pageSize: 1, pageToken }),
        1000,
      );
      all.push(...r.docs.map((u) => u._id));
      pageToken = r.next;
    } while (pageToken);
    expect(all).toEqual([ids.maxElsewhere, ids.max, ids.lenaB]);
  });

  it('refuses what it cannot do, naming the field', async () => {
    const err = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: AppError) => ({ code: e.code, field: e.field }),
      );
    expect(await err(link([ids.max]))).toEqual({ code: 'INVALID_ARGUMENT', field: 'user_ids' });
    expect(await err(link([ids.max, ids.lena], { rule: PersonRule.SAME_PHONE }))).toEqual({
      code: 'INVALID_ARGUMENT',
      field: 'rule',
    });
    expect(await err(link([ids.max, 'u_nobody']))).toEqual({
      code: 'NOT_FOUND',
      field: 'user_ids[1]',
    });
    const split = (userId: string) =>
      unlinkIdentities(
        fx,
        UnlinkIdentitiesRequest.fromPartial({ target: { $case: 'userId', userId }, reason: 'r' }),
        ANA,
      );
    expect(await err(split(ids.max))).toEqual({ code: 'FAILED_PRECONDITION', field: 'user_id' });
    expect((await split(ids.lenaB)).restored.id).toBe(`p-${ids.lenaB}`);
  });
});
