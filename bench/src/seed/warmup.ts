// Real documents to clone: a few webhooks through the running stack and a few agent calls make
// profiles write a user (with status, tag, pause, follow-up), its identities, an inbound and an
// outbound message (delivered), a raw delivery and a follow-up log entry, and create its
// indexes. The seeder and the raw baselines clone these, so their documents have exactly the
// fields and shapes our store writes.
import {
  ActorKind,
  GetUserRequest,
  LogEntryKind,
  MessageContent,
  MessageType,
  UserStatus,
} from '@ue/proto';
import type { ProfilesClient } from '@ue/profiles-client';
import type { Db, IndexDescription } from 'mongodb';
import type { Doc, DocTemplates } from './records.js';
import { userIdFor } from './documents.js';
import { ACCOUNT_A, bsuidOf, nameOf, waIdOf } from '../people.js';
import type { Stack } from '../stack/stack.js';
import { createPoster } from '../load/http-post.js';
import { signWebhook } from '@ue/testing';
import { render } from '../webhooks/templates.js';
import type { TrafficMix } from '../webhooks/traffic.js';
import { profileTerms, textTerms } from './terms.js';
import { waitUntil } from '../wait.js';

/** The warm-up user's number (people.ts). */
export const TEMPLATE_USER = 990_000_000;

export const AGENT = { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol' };

async function indexesOf(db: Db): Promise<Record<string, IndexDescription[]>> {
  const out: Record<string, IndexDescription[]> = {};
  for (const c of await db.listCollections().toArray()) {
    const specs = (await db.collection(c.name).listIndexes().toArray()) as {
      name?: string;
      key: IndexDescription['key'];
      unique?: boolean;
    }[];
    out[c.name] = specs
      .filter((s) => s.name !== '_id_')
      .map((s) => ({
        key: s.key,
        ...(s.name ? { name: s.name } : {}),
        ...(s.unique ? { unique: true } : {}),
      }));
  }
  return out;
}

function checkDerivations(user: Doc, text: string): string[] {
  const warnings: string[] = [];
  if (userIdFor(String(user.accountId), String(user.waId)) !== user._id)
    warnings.push(`seeder user ids differ from profiles' (${user._id})`);
  const terms = new Set((user.searchTerms as string[] | undefined) ?? []);
  const want = [
    ...profileTerms(String(user.waId)),
    ...textTerms(String((user.profile as { name?: string } | undefined)?.name ?? '')),
    ...textTerms(text),
  ];
  const missing = want.filter((t) => !terms.has(t));
  if (missing.length)
    warnings.push(
      `seeder terms differ from profiles' (not in the stored user: ${missing.join(', ')})`,
    );
  return warnings;
}

export async function warmUp(o: {
  stack: Stack;
  agent: ProfilesClient;
  db: Db;
  mix: TrafficMix;
}): Promise<DocTemplates> {
  const { stack, agent, db } = o;
  const poster = createPoster({ url: `${stack.ingest.addr}/webhooks/whatsapp`, connections: 1 });
  const text = o.mix.inbound.find((i) => i.item.name === 'text-basic.json')?.item;
  const status = o.mix.statuses.find((s) => s.name === 'status-delivered.json');
  if (!text || !status) throw new Error('warm-up needs text-basic.json and status-delivered.json');
  const n = TEMPLATE_USER;
  const person = { waId: waIdOf(n), bsuid: bsuidOf(n), name: nameOf(n) };
  const now = Math.floor(Date.now() / 1000);
  const inboundWamid = `wamid.HBgNwarmup${now}in`;
  const body = render(text, { users: [person], wamids: [inboundWamid], statusIds: [], time: now });
  const post = async (b: string): Promise<void> => {
    const code = await poster.post(b, signWebhook(b, stack.secrets.appSecret));
    if (code !== 200) throw new Error(`warm-up webhook answered ${code}`);
  };
  await post(body);
  const lookup = GetUserRequest.fromPartial({
    lookup: {
      $case: 'accountUser',
      accountUser: { accountId: ACCOUNT_A, user: { waId: person.waId } },
    },
  });
  const userId = await waitUntil('the warm-up message is stored', async () => {
    const r = await agent.call('getUser', lookup).catch(() => undefined);
    return r?.user?.counters?.inboundMessages ? r.user.id : undefined;
  });
  const outWamid = `wamid.HBgNwarmup${now}out`;
  await agent.call('recordOutboundMessage', {
    userId,
    recipient: undefined,
    wamid: outWamid,
    clientId: '',
    content: MessageContent.fromPartial({
      type: MessageType.TEXT,
      text: 'Ihr Paket ist unterwegs.',
    }),
    author: AGENT,
    sentAt: new Date(),
    bizOpaqueCallbackData: '',
  });
  const statusBody = render(status, {
    users: [person],
    wamids: [],
    statusIds: [outWamid],
    time: now + 1,
  });
  await post(statusBody);
  await agent.call('updateUser', {
    userId,
    actor: AGENT,
    status: UserStatus.IN_PROGRESS,
    addTags: ['vip'],
    removeTags: [],
    paused: true,
    reason: 'benchmark warm-up',
  });
  await agent.call('addLogEntry', {
    userId,
    kind: LogEntryKind.FOLLOW_UP,
    text: 'Nachfragen, ob das Paket angekommen ist',
    dueAt: new Date(Date.now() + 86_400_000),
    author: AGENT,
    clientId: `warmup-${now}`,
  });
  poster.close();
  const messages = db.collection<Doc>('messages');
  const outbound = await waitUntil('the warm-up delivery status is applied', async () => {
    const m = await messages.findOne({ wamid: outWamid });
    return m && Number(m.statusRank) >= 30 ? m : undefined;
  });
  const inbound = await waitUntil('the warm-up inbound message', () =>
    messages.findOne({ wamid: inboundWamid }).then((m) => m ?? undefined),
  );
  const user = await waitUntil('the warm-up user', () =>
    db
      .collection<Doc>('users')
      .findOne({ _id: userId, nextFollowUpDueAt: { $exists: true } })
      .then((u) => u ?? undefined),
  );
  const identities = await db.collection<Doc>('identities').find({ userId }).toArray();
  // Services older than issue 11 (BENCH_ROOT) store deliveries without `keys`; the warm-up's
  // own delivery is then the only one without them.
  const delivery = await waitUntil('the warm-up raw delivery', () =>
    db
      .collection<Doc>('deliveries')
      .findOne({ $or: [{ keys: `wa|${person.waId}` }, { keys: { $exists: false } }] })
      .then((d) => d ?? undefined),
  );
  const followUp = await waitUntil('the warm-up follow-up', () =>
    db
      .collection<Doc>('log_entries')
      .findOne({ userId, kind: LogEntryKind.FOLLOW_UP })
      .then((d) => d ?? undefined),
  );
  const content = inbound.content as { text?: string } | undefined;
  return {
    user,
    identities,
    inbound,
    outbound,
    delivery,
    followUp,
    indexes: await indexesOf(db),
    warnings: checkDerivations(user, content?.text ?? ''),
  };
}
