// Load the demo plan into a running stack the way real traffic arrives: inbound messages and
// delivery statuses as signed webhooks, agent work over gRPC; then wait until ingest has
// applied everything and describe what was loaded in one line.
import type { ProfilesClient } from '@ue/profiles-client';
import { DeliveryStatus, ListMessagesRequest } from '@ue/proto';
import { applyUserPlan, findUser, recordOutbound } from './agent-work.js';
import { ACCOUNTS, demoPlan, type DemoPlan, type OutboundPlan } from './dataset.js';
import { inParallel, waitFor } from './tasks.js';
import { inboundBody, statusBody } from './webhooks.js';

export interface DemoDeps {
  profiles: ProfilesClient;
  postWebhook: (body: Buffer) => Promise<void>;
  /** Called after each phase (timing output). */
  lap?: (phase: string) => void;
}

const finalStatus = (o: OutboundPlan): DeliveryStatus => {
  const last = o.statuses.at(-1)?.status;
  return last === 'failed'
    ? DeliveryStatus.FAILED
    : last === 'read'
      ? DeliveryStatus.READ
      : last === 'delivered'
        ? DeliveryStatus.DELIVERED
        : DeliveryStatus.SENT;
};

/** Messages that become conversation entries (a reaction attaches to one instead). */
const chatOf = (plan: DemoPlan) => plan.inbound.filter((i) => i.message.type !== 'reaction');

async function recordAllOutbound(
  deps: DemoDeps,
  plan: DemoPlan,
): Promise<{ created: number; userIds: Map<string, string> }> {
  const userIds = new Map<string, string>();
  let created = 0;
  await inParallel(plan.outbound, 4, async (o) => {
    const res = await recordOutbound(deps.profiles, o);
    if (res.created) created++;
    userIds.set(o.persona.key, res.userId);
  });
  return { created, userIds };
}

async function postStatuses(deps: DemoDeps, plan: DemoPlan): Promise<void> {
  await inParallel(plan.users, 8, (u) => {
    const outs = plan.outbound.filter((o) => o.persona === u.persona && o.statuses.length > 0);
    return outs.length ? deps.postWebhook(statusBody(outs)) : Promise.resolve();
  });
}

async function agentWork(deps: DemoDeps, plan: DemoPlan): Promise<void> {
  for (const u of plan.users) {
    const user = await waitFor(`user ${u.persona.key}`, () => findUser(deps.profiles, u.persona));
    await applyUserPlan(deps.profiles, user, u);
  }
}

/** Webhooks are applied asynchronously: wait until each conversation is complete, with every
 * status of our messages in place. */
async function waitUntilApplied(
  deps: DemoDeps,
  plan: DemoPlan,
  userIds: Map<string, string>,
): Promise<void> {
  const chat = chatOf(plan);
  for (const u of plan.users) {
    const outs = plan.outbound.filter((o) => o.persona === u.persona);
    const expected = chat.filter((i) => i.persona === u.persona).length + outs.length;
    const req = ListMessagesRequest.fromPartial({
      userId: userIds.get(u.persona.key)!,
      pageSize: 200,
    });
    const complete = async (): Promise<true | undefined> => {
      const res = await deps.profiles.call('listMessages', req);
      const done =
        res.messages.length >= expected &&
        outs.every((o) => res.messages.find((m) => m.wamid === o.wamid)?.status === finalStatus(o));
      return done ? true : undefined;
    };
    await waitFor(`messages of ${u.persona.key}`, complete, 300_000);
  }
}

function summary(plan: DemoPlan, created: number): string {
  const statuses = plan.outbound.reduce((n, o) => n + o.statuses.length, 0);
  const facts = plan.users.reduce((n, u) => n + u.facts.length, 0);
  const logs = plan.users.reduce((n, u) => n + u.logs.length, 0);
  const accounts = Object.values(ACCOUNTS)
    .map((a) => a.id)
    .join(' and ');
  return `demo: ${plan.users.length} conversations on ${accounts}: ${chatOf(plan).length} inbound and ${plan.outbound.length} outbound messages (${created} new), ${statuses} statuses, ${facts} facts, ${logs} log entries`;
}

/** Load the plan for `now` (Unix seconds); resolves with the summary line. */
export async function loadDemo(deps: DemoDeps, now: number): Promise<string> {
  const lap = deps.lap ?? (() => undefined);
  const plan = demoPlan(now);
  await inParallel(plan.inbound, 8, (i) => deps.postWebhook(inboundBody(i)));
  lap('inbound posted');
  // Recording by (account, identity) does not wait for the webhooks to be applied first.
  const { created, userIds } = await recordAllOutbound(deps, plan);
  await postStatuses(deps, plan);
  lap('outbound recorded');
  await agentWork(deps, plan);
  lap('agent work');
  await waitUntilApplied(deps, plan, userIds);
  lap('all applied');
  return summary(plan, created);
}
