// Load the demo plan into a running stack the way real traffic arrives: inbound messages and
// delivery statuses as signed webhooks, agent work over gRPC; then wait until ingest has
// applied everything and describe what was loaded in one line.
import type { ProfilesClient } from '@ue/profiles-client';
import { DeliveryStatus, Direction, ListMessagesRequest } from '@ue/proto';
import { applyUserPlan, findUser, recordOutbound } from './agent-work.js';
import { ACCOUNTS, demoPlan, type DemoPlan, type OutboundPlan } from './dataset.js';
import { inParallel, waitFor } from './tasks.js';
import {
  customerBody,
  META_PERSONAS,
  metaLines,
  receiptBodies,
  type MetaLine,
} from './channels.js';
import { metaAgentWork, nameAccounts, recordMetaReplies, waitForMetaUser } from './meta-work.js';
import { inboundBody, metaJson, statusBody, type WebhookChannel } from './webhooks.js';

export interface DemoDeps {
  profiles: ProfilesClient;
  /** Base URL of the provider sandbox (Messenger / Instagram attachment URLs). */
  sandboxUrl: string;
  postWebhook: (body: Buffer, channel?: WebhookChannel) => Promise<void>;
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
  const whatsappUserOf = (key: string) => {
    const p = plan.users.find((u) => u.persona.key === key)!.persona;
    return waitFor(`user ${key}`, () => findUser(deps.profiles, p));
  };
  await metaAgentWork(deps.profiles, whatsappUserOf);
}

const channelOf = (l: MetaLine): WebhookChannel => l.persona.channel;

/** Messenger and Instagram: the customers' messages, the page's replies, then the receipts. */
async function loadMeta(deps: DemoDeps, now: number): Promise<number> {
  const lines = metaLines(now);
  await inParallel(
    lines.filter((l) => l.fromCustomer),
    4,
    (l) => deps.postWebhook(metaJson(customerBody(l, deps.sandboxUrl)), channelOf(l)),
  );
  const created = await recordMetaReplies(deps.profiles, lines);
  for (const r of receiptBodies(lines, now)) await deps.postWebhook(metaJson(r.body), r.channel);
  return created;
}

/**
 * Every Messenger and Instagram line is stored, the read watermark reached the replies, and the
 * customer's name was fetched from the (sandbox's) User Profile API.
 */
async function waitUntilMetaApplied(deps: DemoDeps, now: number): Promise<void> {
  const lines = metaLines(now);
  for (const p of META_PERSONAS) {
    const user = await waitForMetaUser(deps.profiles, p);
    await waitFor(`name of ${p.key}`, async () =>
      (await waitForMetaUser(deps.profiles, p)).profile?.name === p.name ? true : undefined,
    );
    const expected = lines.filter((l) => l.persona === p).length;
    const req = ListMessagesRequest.fromPartial({ userId: user.id, pageSize: 200 });
    await waitFor(
      `messages of ${p.key}`,
      async () => {
        const res = await deps.profiles.call('listMessages', req);
        const replies = res.messages.filter((m) => m.direction === Direction.OUTBOUND);
        const done =
          res.messages.length >= expected && replies.every((m) => m.status === DeliveryStatus.READ);
        return done ? true : undefined;
      },
      300_000,
    );
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
  const meta = metaLines(0);
  return `demo: ${plan.users.length} WhatsApp conversations on ${accounts}, ${META_PERSONAS.length} on Messenger and Instagram: ${chatOf(plan).length + meta.filter((l) => l.fromCustomer).length} inbound and ${plan.outbound.length + meta.filter((l) => !l.fromCustomer).length} outbound messages (${created} new), ${statuses} statuses, ${facts} facts, ${logs} log entries`;
}

/** Load the plan for `now` (Unix seconds); resolves with the summary line. */
export async function loadDemo(deps: DemoDeps, now: number): Promise<string> {
  const lap = deps.lap ?? (() => undefined);
  const plan = demoPlan(now);
  // Before any webhook: an account's business decides which identities join by phone.
  await nameAccounts(deps.profiles);
  await inParallel(plan.inbound, 8, (i) => deps.postWebhook(inboundBody(i)));
  lap('inbound posted');
  const metaCreated = await loadMeta(deps, now);
  lap('messenger and instagram posted');
  // Recording by (account, identity) does not wait for the webhooks to be applied first.
  const { created, userIds } = await recordAllOutbound(deps, plan);
  await postStatuses(deps, plan);
  lap('outbound recorded');
  await agentWork(deps, plan);
  lap('agent work');
  await waitUntilApplied(deps, plan, userIds);
  await waitUntilMetaApplied(deps, now);
  lap('all applied');
  return summary(plan, created + metaCreated);
}
