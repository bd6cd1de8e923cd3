// Load the demo data set into a running stack, the way real traffic would arrive: inbound
// messages and delivery statuses as webhooks signed like Meta's (compact JSON, \u-escaped),
// agent work (sent messages, statuses, tags, facts, follow-ups) over gRPC as "carol".
//
//   INGEST_URL=http://127.0.0.1:7203 WHATSAPP_APP_SECRET=... PROFILES_ADDR=127.0.0.1:7204 \
//   PROFILES_TOKEN=<agent token> npm run demo -w @ue/ingest
//
// Deterministic ids make a second run add nothing (see src/demo/dataset.ts).
import { createHmac } from 'node:crypto';
import { Metadata, credentials, type ServiceError } from '@grpc/grpc-js';
import { env, exitOnStartupError, parseEnv } from '@ue/kit';
import {
  ActorKind,
  AddLogEntryRequest,
  DeliveryStatus,
  GetUserRequest,
  ListFactsRequest,
  ListMessagesRequest,
  LogEntryKind,
  MessageContent,
  MessageType,
  ProfilesServiceClient,
  RecordOutboundMessageRequest,
  UpdateUserRequest,
  UpsertFactsRequest,
  type Fact,
  type Message,
  type User,
} from '@ue/proto';
import { z } from 'zod';
import {
  ACCOUNTS,
  demoPlan,
  type InboundPlan,
  type OutboundPlan,
  type Persona,
} from '../demo/dataset.js';

const config = (() => {
  try {
    return parseEnv(
      z.object({
        INGEST_URL: env.url(['http:', 'https:']).default('http://127.0.0.1:7203'),
        WHATSAPP_APP_SECRET: env.list(),
        PROFILES_ADDR: env.hostPort(),
        PROFILES_TOKEN: z.string().min(1),
      }),
      process.env,
    );
  } catch (err) {
    return exitOnStartupError('demo', err);
  }
})();

const carol = { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol' };
const client = new ProfilesServiceClient(config.PROFILES_ADDR, credentials.createInsecure());
const md = (): Metadata => {
  const m = new Metadata();
  m.set('authorization', `Bearer ${config.PROFILES_TOKEN}`);
  m.setOptions({ waitForReady: true });
  return m;
};
const opts = () => ({ deadline: Date.now() + 15_000 });
function call<Res>(
  fn: (cb: (err: ServiceError | null, res: Res) => void) => unknown,
): Promise<Res> {
  return new Promise(
    (resolve, reject) => void fn((err, res) => (err ? reject(err) : resolve(res))),
  );
}

/** Meta's wire style: compact, non-ASCII as lowercase \uXXXX, "/" as "\/". */
function metaJson(value: unknown): Buffer {
  const s = JSON.stringify(value)
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\//g, '\\/');
  return Buffer.from(s);
}

const ref = (p: Persona) => ({ waId: p.waId ?? '', bsuid: p.bsuid ?? '', parentBsuid: '' });
const contact = (p: Persona) => ({
  profile: { ...(p.name ? { name: p.name } : {}), ...(p.username ? { username: p.username } : {}) },
  ...(p.waId ? { wa_id: p.waId } : {}),
  ...(p.bsuid ? { user_id: p.bsuid } : {}),
});

function envelope(p: Persona, value: Record<string, unknown>): unknown {
  const a = ACCOUNTS[p.account];
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: a.waba,
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: a.display, phone_number_id: a.id },
              ...value,
            },
            field: 'messages',
          },
        ],
      },
    ],
  };
}

async function postWebhook(body: Buffer): Promise<void> {
  const signature = `sha256=${createHmac('sha256', config.WHATSAPP_APP_SECRET[0]!).update(body).digest('hex')}`;
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${config.INGEST_URL.replace(/\/+$/, '')}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
      body,
    }).catch((err: Error) => ({ status: 0, statusText: err.message }));
    if (res.status === 200) return;
    if (attempt >= 5 || (res.status >= 400 && res.status < 500))
      throw new Error(`webhook POST answered ${res.status} ${res.statusText}`);
    await new Promise((r) => setTimeout(r, attempt * 500));
  }
}

async function inParallel<T>(
  items: T[],
  width: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

function inboundBody(i: InboundPlan): Buffer {
  const from = {
    ...(i.persona.waId ? { from: i.persona.waId } : {}),
    ...(i.persona.bsuid ? { from_user_id: i.persona.bsuid } : {}),
  };
  return metaJson(
    envelope(i.persona, { contacts: [contact(i.persona)], messages: [{ ...from, ...i.message }] }),
  );
}

/** One delivery with the statuses of all our messages to one user (Meta batches them too). */
function statusBody(outs: OutboundPlan[]): Buffer {
  const p = outs[0]!.persona;
  const statuses = outs.flatMap((o) =>
    o.statuses.map((s) => ({
      id: o.wamid,
      status: s.status,
      timestamp: String(s.at),
      ...(p.waId ? { recipient_id: p.waId } : {}),
      ...(p.bsuid && s.status !== 'failed' ? { recipient_user_id: p.bsuid } : {}),
      ...(s.status === 'delivered'
        ? {
            pricing: {
              billable: false,
              pricing_model: 'PMP',
              type: 'free_customer_service',
              category: 'service',
            },
          }
        : {}),
      ...(s.error
        ? {
            errors: [
              {
                code: s.error.code,
                title: s.error.title,
                message: s.error.title,
                error_data: { details: s.error.details },
              },
            ],
          }
        : {}),
    })),
  );
  const failedOnly = statuses.every((s) => s.status === 'failed');
  return metaJson(envelope(p, { ...(failedOnly ? {} : { contacts: [contact(p)] }), statuses }));
}

async function getUser(p: Persona): Promise<User | undefined> {
  const req = GetUserRequest.fromPartial({
    lookup: {
      $case: 'accountUser',
      accountUser: { accountId: ACCOUNTS[p.account].id, user: ref(p) },
    },
  });
  return call<{ user?: User }>((cb) => client.getUser(req, md(), opts(), cb)).then(
    (r) => r.user,
    () => undefined,
  );
}

async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function main(): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const t0 = Date.now();
  const lap = (what: string): void => {
    if (process.env.DEMO_TIMING) process.stderr.write(`${what}: ${Date.now() - t0} ms\n`);
  };
  const plan = demoPlan(now);
  await inParallel(plan.inbound, 8, (i) => postWebhook(inboundBody(i)));
  lap('inbound posted');
  // Recording by (account, identity) does not wait for the webhooks to be applied first.
  const userIds = new Map<string, string>();
  let created = 0;
  await inParallel(plan.outbound, 4, async (o) => {
    const req = RecordOutboundMessageRequest.fromPartial({
      recipient: { accountId: ACCOUNTS[o.persona.account].id, user: ref(o.persona) },
      wamid: o.wamid,
      author: carol,
      sentAt: new Date(o.at * 1000),
      content: MessageContent.fromPartial({ type: MessageType.TEXT, text: o.text }),
    });
    const res = await call<{ created: boolean; message?: Message }>((cb) =>
      client.recordOutboundMessage(req, md(), opts(), cb),
    );
    if (res.created) created++;
    userIds.set(o.persona.key, res.message!.userId);
  });
  await inParallel(plan.users, 8, (u) => {
    const outs = plan.outbound.filter((o) => o.persona === u.persona && o.statuses.length > 0);
    return outs.length ? postWebhook(statusBody(outs)) : Promise.resolve();
  });
  lap('outbound recorded');
  let facts = 0;
  let logs = 0;
  for (const u of plan.users) {
    const user = await waitFor(`user ${u.persona.key}`, () => getUser(u.persona));
    const addTags = u.tags.filter((t) => !user.tags.includes(t));
    const status = u.status !== undefined && user.status !== u.status ? u.status : undefined;
    const paused = user.paused !== u.paused && u.paused ? true : undefined;
    if (addTags.length || status !== undefined || paused !== undefined) {
      const req = UpdateUserRequest.fromPartial({
        userId: user.id,
        actor: carol,
        addTags,
        status,
        paused,
        reason: paused ? 'Customer asked for a human' : '',
      });
      await call((cb) => client.updateUser(req, md(), opts(), cb));
    }
    const current = await call<{ facts: Fact[] }>((cb) =>
      client.listFacts(ListFactsRequest.fromPartial({ userId: user.id }), md(), opts(), cb),
    );
    const changed = u.facts.filter(
      (f) => current.facts.find((c) => c.key === f.key)?.value !== f.value,
    );
    if (changed.length) {
      const req = UpsertFactsRequest.fromPartial({
        userId: user.id,
        author: carol,
        facts: changed.map((f) => ({
          key: f.key,
          value: f.value,
          confidence: f.confidence,
          sourceMessageId: f.sourceWamid,
        })),
      });
      await call((cb) => client.upsertFacts(req, md(), opts(), cb));
    }
    facts += u.facts.length;
    for (const l of u.logs) {
      const req = AddLogEntryRequest.fromPartial({
        userId: user.id,
        kind: l.kind === 'note' ? LogEntryKind.NOTE : LogEntryKind.FOLLOW_UP,
        text: l.text,
        author: carol,
        clientId: l.clientId,
        dueAt: l.dueAt ? new Date(l.dueAt * 1000) : undefined,
      });
      await call((cb) => client.addLogEntry(req, md(), opts(), cb));
      logs++;
    }
  }

  lap('agent work');
  // The webhooks are applied asynchronously: wait until each conversation is complete, with
  // every status of our messages in place.
  const chat = plan.inbound.filter((i) => i.message.type !== 'reaction');
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
  for (const u of plan.users) {
    const outs = plan.outbound.filter((o) => o.persona === u.persona);
    const expected = chat.filter((i) => i.persona === u.persona).length + outs.length;
    const req = ListMessagesRequest.fromPartial({
      userId: userIds.get(u.persona.key)!,
      pageSize: 200,
    });
    await waitFor(
      `messages of ${u.persona.key}`,
      async () => {
        const res = await call<{ messages: Message[] }>((cb) =>
          client.listMessages(req, md(), opts(), cb),
        );
        const done =
          res.messages.length >= expected &&
          outs.every(
            (o) => res.messages.find((m) => m.wamid === o.wamid)?.status === finalStatus(o),
          );
        return done ? true : undefined;
      },
      300_000,
    );
  }
  lap('all applied');
  const statuses = plan.outbound.reduce((n, o) => n + o.statuses.length, 0);
  process.stdout.write(
    `demo: ${plan.users.length} conversations on ${Object.values(ACCOUNTS)
      .map((a) => a.id)
      .join(
        ' and ',
      )}: ${chat.length} inbound and ${plan.outbound.length} outbound messages (${created} new), ${statuses} statuses, ${facts} facts, ${logs} log entries\n`,
  );
}

main().then(
  () => {
    client.close();
    process.exit(0);
  },
  (err: unknown) => {
    process.stderr.write(`demo: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
