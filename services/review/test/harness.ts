// Shared by the review service's integration tests: the built service's entry, a real profiles
// process with a `review` caller, and conversations written the way ingest and agents write them.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createProfilesClient, type ProfilesClient } from '@ue/profiles-client';
import {
  ActorKind,
  ApplyWebhookEventsRequest,
  GetUserRequest,
  MessageContent,
  MessageType,
  RecordOutboundMessageRequest,
  WebhookEvent,
  type User,
} from '@ue/proto';
import { requireEnv, startProfilesService, uniqueName, type ProfilesService } from '@ue/testing';

export const REVIEW_ENTRY = fileURLToPath(new URL('../dist/main.js', import.meta.url));
export const TOKENS = { ingest: 'tok-ingest-0123456789', review: 'tok-review-0123456789' };
export const ACCOUNT = '117733559900011';

export interface Profiles {
  svc: ProfilesService;
  /** As ingest and agents call it. */
  client: ProfilesClient;
  prefix: string;
  stop(): Promise<void>;
}

/** Profiles on a fresh database, accepting the ingest and review tokens. */
export async function startProfiles(label: string): Promise<Profiles> {
  const prefix = uniqueName(label);
  const mongo = new URL(requireEnv('MONGO_URL'));
  mongo.pathname = `/${uniqueName(label)}`;
  const svc = await startProfilesService({
    entry: createRequire(import.meta.url).resolve('@ue/profiles'),
    mongoUrl: mongo.toString(),
    redisUrl: requireEnv('REDIS_URL'),
    prefix,
    tokens: `ingest:${TOKENS.ingest},review:${TOKENS.review}`,
  });
  const client = createProfilesClient({ addr: svc.addr, token: TOKENS.ingest });
  return {
    svc,
    client,
    prefix,
    stop: async () => {
      client.close();
      await svc.proc.stop();
    },
  };
}

/** A customer's text message, as ingest hands it over. */
export async function inbound(
  client: ProfilesClient,
  m: { waId: string; wamid: string; text: string; at?: Date },
): Promise<void> {
  await client.call(
    'applyWebhookEvents',
    ApplyWebhookEventsRequest.fromPartial({
      events: [
        WebhookEvent.fromPartial({
          accountId: ACCOUNT,
          wabaId: '104857600112233',
          occurredAt: m.at ?? new Date(),
          event: {
            $case: 'inboundMessage',
            inboundMessage: {
              wamid: m.wamid,
              from: { waId: m.waId, bsuid: '', parentBsuid: '' },
              content: MessageContent.fromPartial({ type: MessageType.TEXT, text: m.text }),
            },
          },
        }),
      ],
    }),
  );
}

/** The agent's reply, as an agent records what it sent. */
export async function outbound(
  client: ProfilesClient,
  m: { userId: string; wamid: string; text: string; at?: Date },
): Promise<void> {
  await client.call(
    'recordOutboundMessage',
    RecordOutboundMessageRequest.fromPartial({
      userId: m.userId,
      wamid: m.wamid,
      content: MessageContent.fromPartial({ type: MessageType.TEXT, text: m.text }),
      author: { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol' },
      sentAt: m.at ?? new Date(),
    }),
  );
}

export async function userOf(client: ProfilesClient, waId: string): Promise<User> {
  const r = await client.call(
    'getUser',
    GetUserRequest.fromPartial({
      lookup: { $case: 'phone', phone: { accountId: ACCOUNT, phone: `+${waId}` } },
    }),
  );
  return r.user!;
}
