import type { AppError } from '@ue/kit';
import {
  ActorKind,
  AddLogEntryRequest,
  ListLogEntriesRequest,
  LogEntryKind,
  LogEntryState,
  UpdateLogEntryRequest,
  UpdateUserRequest,
  UserStatus,
} from '@ue/proto';
import { beforeEach, describe, expect, it } from 'vitest';
import { createFakePorts, type FakePorts } from '../../test/fakes.js';
import { ACCOUNT, batch, inboundText, ref, t } from '../../test/events.js';
import { userIdFor } from '../domain/ids.js';
import { applyBatch } from './apply-batch.js';
import { addLogEntry, listLogEntries, updateLogEntry } from './log.js';
import { updateUser } from './update-user.js';

const AGENT = { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol' };
const ADMIN = { kind: ActorKind.ADMIN, id: 'ana', displayName: 'Ana Admin' };
const OMAR = ref('971501234567');
const userId = userIdFor(ACCOUNT, 'wa', OMAR.waId);

let now: Date;
let fx: FakePorts;
beforeEach(async () => {
  now = t(0);
  fx = createFakePorts({ now: () => now });
  await applyBatch(fx, batch(inboundText('wamid.O1', OMAR, 'Can you call me tomorrow?', t(0))));
});

const add = (e: Partial<AddLogEntryRequest>) =>
  addLogEntry(fx, AddLogEntryRequest.fromPartial({ userId, text: 'x', ...e }), AGENT);
const followUp = (dueMinute: number, clientId = '') =>
  add({ kind: LogEntryKind.FOLLOW_UP, text: 'Call Omar', dueAt: t(dueMinute), clientId });
const setState = (id: string, state: LogEntryState) =>
  updateLogEntry(fx, UpdateLogEntryRequest.fromPartial({ id, state }), ADMIN);
const user = async () => (await fx.users.findById(userId))!;
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as AppError,
  );

describe('follow-ups', () => {
  it('open with a due time and show on the user as open count and next due time', async () => {
    const later = await followUp(24 * 60);
    expect(later.state).toBe(LogEntryState.OPEN);
    expect((await user()).counters?.openFollowUps).toBe(1);
    await followUp(60);
    const u = await user();
    expect(u.counters?.openFollowUps).toBe(2);
    expect(u.nextFollowUpDueAt).toEqual(t(60));
  });

  it('close when done or cancelled, recording who did it, and the user follows', async () => {
    const tomorrow = await followUp(24 * 60);
    const soon = await followUp(60);
    now = t(30);
    const done = await setState(soon._id, LogEntryState.DONE);
    expect(done).toMatchObject({
      state: LogEntryState.DONE,
      stateChanged: { by: ADMIN, at: t(30) },
    });
    expect(await user()).toMatchObject({
      counters: { openFollowUps: 1 },
      nextFollowUpDueAt: t(24 * 60),
    });

    await setState(tomorrow._id, LogEntryState.CANCELLED);
    const u = await user();
    expect(u.counters?.openFollowUps).toBe(0);
    expect(u.nextFollowUpDueAt).toBeUndefined();
  });

  it('are listed as overdue once their due time passed, until closed', async () => {
    const f = await followUp(60);
    const overdue = () =>
      listLogEntries(fx, ListLogEntriesRequest.fromPartial({ overdueOnly: true }));
    expect((await overdue()).docs).toEqual([]);
    now = t(61);
    expect((await overdue()).docs.map((e) => e._id)).toEqual([f._id]);
    await setState(f._id, LogEntryState.DONE);
    expect((await overdue()).docs).toEqual([]);
  });

  it('refuse a transition that raced with another one, keeping the first', async () => {
    const f = await followUp(60);
    const results = await Promise.allSettled([
      setState(f._id, LogEntryState.DONE),
      setState(f._id, LogEntryState.CANCELLED),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect(results[1]).toMatchObject({ reason: { code: 'FAILED_PRECONDITION' } });
    expect((await fx.log.findById(f._id))?.state).toBe(LogEntryState.DONE);
    expect((await user()).counters?.openFollowUps).toBe(0);
  });

  it('are created once per client_id, however often the call is retried', async () => {
    const first = await followUp(60, 'agent-run-7');
    const again = await followUp(90, 'agent-run-7');
    expect(again._id).toBe(first._id);
    expect(again.dueAt).toEqual(t(60));
    expect(fx.inspect.logEntries()).toHaveLength(1);
    expect((await user()).counters?.openFollowUps).toBe(1);
  });
});

describe('notes and system entries', () => {
  it('notes have no state and no due time', async () => {
    const note = await add({ kind: LogEntryKind.NOTE, text: 'Prefers calls after 5 pm' });
    expect(note.state).toBe(LogEntryState.UNSPECIFIED);
    expect((await user()).counters?.openFollowUps).toBe(0);
    expect(await refusal(setState(note._id, LogEntryState.DONE))).toMatchObject({
      code: 'INVALID_ARGUMENT',
      field: 'state',
    });
    const dated = add({ kind: LogEntryKind.NOTE, dueAt: t(60) });
    expect(await refusal(dated)).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'due_at' });
    const undated = add({ kind: LogEntryKind.FOLLOW_UP });
    expect(await refusal(undated)).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'due_at' });
    expect(fx.inspect.logEntries()).toHaveLength(1);
  });

  it('system entries record user changes and cannot be changed', async () => {
    const req = UpdateUserRequest.fromPartial({ userId, status: UserStatus.OPPORTUNITY });
    await updateUser(fx, req, ADMIN);
    const [entry] = fx.inspect.logEntries();
    expect(entry).toMatchObject({ kind: LogEntryKind.SYSTEM, author: ADMIN });
    expect(entry?.text).toBe('Status changed from none to Opportunity by Ana Admin');
    const edit = updateLogEntry(
      fx,
      UpdateLogEntryRequest.fromPartial({ id: entry!._id, text: 'no' }),
      ADMIN,
    );
    expect(await refusal(edit)).toMatchObject({ code: 'FAILED_PRECONDITION' });
    expect((await fx.log.findById(entry!._id))?.text).toBe(entry?.text);
  });
});
