// The real stack for browser tests: profiles, ingest and bff as child processes on free
// ports (built dist/main.js), plus helpers to post signed webhooks like Meta does.
import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createProfilesClient, type ProfilesClient } from '@ue/profiles-client';
import {
  ActorKind,
  AddLogEntryRequest,
  ApplyWebhookEventsRequest,
  GetMessageRequest,
  MediaState,
  MediaVariant,
  SetMediaStateRequest,
  MessageContent,
  UploadMediaHeader,
  type Message,
  type WebhookEvent,
  EventKind,
  ListMessagesRequest,
  ListUsersRequest,
  LogEntryKind,
  MessageType,
  RecordOutboundMessageRequest,
  RecordReviewRequest,
  ReviewState,
  UpsertFactsRequest,
  WatchEventsRequest,
  type Review,
  type User,
} from '@ue/proto';
import {
  freePort,
  requireEnv,
  signWebhook,
  startProcess,
  testMongoUrl,
  uniqueName,
  type RunningProcess,
} from '@ue/testing';

const require = createRequire(import.meta.url);
// Not a declared dependency: @ue/bff depends on @ue/web, so the reverse edge would be a cycle.
// web/turbo.json makes test:int wait for @ue/bff#build instead.
const BFF_MAIN = fileURLToPath(new URL('../../services/bff/dist/main.js', import.meta.url));

export const BASE = '/dev/user-engagement';
export const ADMIN = { email: 'e2e-admin@example.com', password: 'e2e correct horse battery' };
const APP_SECRET = randomBytes(16).toString('hex');

export interface Stack {
  bffUrl: string;
  ingestUrl: string;
  /** A delivery signed like Meta signs it, to one of ingest's endpoints (WhatsApp by default). */
  postWebhook(
    body: string | Buffer,
    provider?: 'whatsapp' | 'messenger' | 'instagram',
  ): Promise<number>;
  /** The profiles API as an agent sees it (the "test" caller), for reading state back. */
  grpc: ProfilesClient;
  listUsers(query: string): Promise<User[]>;
  /** What an agent would do over gRPC: facts, its own outbound messages, follow-ups. */
  agent: {
    upsertFacts(
      userId: string,
      facts: { key: string; value: string; confidence: number }[],
    ): Promise<void>;
    recordOutbound(userId: string, text: string, wamid: string, sentAt: Date): Promise<string>;
    addFollowUp(userId: string, text: string, dueAt: Date): Promise<void>;
  };
  /** What the AI reviewer does over gRPC: record reviews, hear "review now" requests. */
  reviewer: Reviewer;
  /** Media messages as ingest leaves them: the message, then its file (or its failure). */
  media: MediaHelper;
  stop(): Promise<void>;
}

export interface MediaHelper {
  /** One inbound media message (ApplyWebhookEvents, as ingest applies it); its message id. */
  inbound(opts: {
    waId: string;
    name: string;
    type: MessageType;
    mimeType: string;
    filename?: string;
    caption?: string;
    voice?: boolean;
    at?: Date;
  }): Promise<string>;
  /** The file's bytes, linked to the message (UploadMedia, as ingest stores a fetched file). */
  store(
    messageId: string,
    bytes: Uint8Array,
    header: { mimeType: string; width?: number; height?: number; durationMs?: number },
  ): Promise<void>;
  /** The provider no longer has the file (SetMediaState UNAVAILABLE). */
  unavailable(messageId: string, reason: string): Promise<void>;
  /** A message as profiles has it now. */
  get(messageId: string): Promise<Message | undefined>;
}

/** Review content as the reviewer sends it; profiles computes the score. */
export type ReviewContent = Partial<
  Omit<Review, 'id' | 'userId' | 'range' | 'score' | 'uncappedScore' | 'reviewedAt' | 'reviewer'>
>;

export interface Reviewer {
  /** RecordReview covering the user's messages as they are now. */
  record(userId: string, content: ReviewContent): Promise<Review>;
  /** Resolves once the watch is live; `next()` then waits for one REVIEW_REQUESTED for the user. */
  watchRequests(userId: string): Promise<{ next(): Promise<void>; close(): void }>;
}

const healthy = (url: string) => async () => (await fetch(url)).status === 200;

const carol = { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol (AI agent)' };

/** What an agent would do over gRPC, through the one profiles client. */
function agentOf(client: ProfilesClient): Stack['agent'] {
  return {
    async upsertFacts(userId, facts) {
      await client.call(
        'upsertFacts',
        UpsertFactsRequest.fromPartial({ userId, facts, author: carol }),
      );
    },
    async recordOutbound(userId, text, wamid, sentAt) {
      const res = await client.call(
        'recordOutboundMessage',
        RecordOutboundMessageRequest.fromPartial({
          userId,
          wamid,
          content: { type: MessageType.TEXT, text },
          author: carol,
          sentAt,
        }),
      );
      return res.message?.id ?? '';
    },
    async addFollowUp(userId, text, dueAt) {
      await client.call(
        'addLogEntry',
        AddLogEntryRequest.fromPartial({
          userId,
          kind: LogEntryKind.FOLLOW_UP,
          text,
          dueAt,
          author: carol,
          clientId: randomBytes(8).toString('hex'),
        }),
      );
    },
  };
}

function mediaOf(client: ProfilesClient): MediaHelper {
  const account = '100200300';
  return {
    async inbound(o) {
      const wamid = `wamid.${randomBytes(8).toString('hex')}`;
      const at = o.at ?? new Date();
      const user = { waId: o.waId, bsuid: '', parentBsuid: '', scopedId: '' };
      const events: Partial<WebhookEvent>[] = [
        {
          accountId: account,
          occurredAt: at,
          event: { $case: 'userSeen', userSeen: { user, name: o.name, referral: undefined } },
        },
        {
          accountId: account,
          occurredAt: at,
          event: {
            $case: 'inboundMessage',
            inboundMessage: {
              wamid,
              from: user,
              content: MessageContent.fromPartial({
                type: o.type,
                text: o.caption ?? '',
                media: {
                  mediaId: randomBytes(6).toString('hex'),
                  mimeType: o.mimeType,
                  filename: o.filename ?? '',
                  voice: o.voice ?? false,
                },
              }),
              context: undefined,
              referral: undefined,
              errors: [],
              rawJson: '',
              echo: false,
              echoMetadata: '',
            },
          },
        },
      ];
      await client.call('applyWebhookEvents', ApplyWebhookEventsRequest.fromPartial({ events }));
      const { message } = await client.call(
        'getMessage',
        GetMessageRequest.fromPartial({ message: { accountId: account, wamid } }),
      );
      return message!.id;
    },
    async store(messageId, bytes, header) {
      async function* body(): AsyncIterable<Uint8Array> {
        yield await Promise.resolve(bytes);
      }
      await client.upload(
        UploadMediaHeader.fromPartial({
          message: { messageId },
          variant: MediaVariant.ORIGINAL,
          sizeBytes: bytes.length,
          sha256Hex: createHash('sha256').update(bytes).digest('hex'),
          ...header,
        }),
        body(),
      );
    },
    async unavailable(messageId, reason) {
      await client.call(
        'setMediaState',
        SetMediaStateRequest.fromPartial({
          message: { messageId },
          state: MediaState.UNAVAILABLE,
          reason,
        }),
      );
    },
    get: async (messageId) =>
      (await client.call('getMessage', GetMessageRequest.fromPartial({ message: { messageId } })))
        .message,
  };
}

function reviewerOf(client: ProfilesClient): Reviewer {
  return {
    async record(userId, content) {
      const { messages } = await client.call(
        'listMessages',
        ListMessagesRequest.fromPartial({ userId, pageSize: 200 }),
      );
      const [newest, oldest] = [messages[0]!, messages[messages.length - 1]!];
      const res = await client.call(
        'recordReview',
        RecordReviewRequest.fromPartial({
          review: {
            userId,
            state: ReviewState.DONE,
            conversationLanguage: 'en',
            displayLanguage: 'en',
            provider: 'openai',
            model: 'gpt-test',
            promptVersion: 'review-v1',
            ...content,
            range: {
              firstMessageId: oldest.id,
              lastMessageId: newest.id,
              firstAt: oldest.sentAt ?? oldest.receivedAt,
              lastAt: newest.sentAt ?? newest.receivedAt,
              messageCount: messages.length,
            },
          },
        }),
      );
      return res.review!;
    },
    async watchRequests(userId) {
      const abort = new AbortController();
      const stream = client.stream(
        'watchEvents',
        WatchEventsRequest.fromPartial({ userId, kinds: [EventKind.REVIEW_REQUESTED] }),
        { signal: abort.signal },
      );
      const events = stream[Symbol.asyncIterator]();
      const next = async () => {
        const r = await events.next();
        if (r.done) throw new Error('watch ended before a review request');
        return r.value;
      };
      // The first heartbeat says the watch is live: a request made after this is not missed.
      while (!(await next()).heartbeat);
      return {
        async next() {
          while ((await next()).kind !== EventKind.REVIEW_REQUESTED);
        },
        close: () => abort.abort(),
      };
    },
  };
}

export async function startStack(
  label: string,
  opts: {
    /** More of ingest's environment, e.g. where the Send API is and the Pages' tokens. */
    ingestEnv?: Record<string, string>;
  } = {},
): Promise<Stack> {
  const redis = requireEnv('REDIS_URL');
  const ns = uniqueName(label);
  const tokens = {
    bff: randomBytes(12).toString('hex'),
    ingest: randomBytes(12).toString('hex'),
    test: randomBytes(12).toString('hex'),
  };
  const [pPort, pMetrics, iPort, bPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const procs: RunningProcess[] = [];
  const stop = async (): Promise<void> => {
    for (const p of procs.reverse()) await p.stop();
  };
  try {
    procs.push(
      await startProcess(
        require.resolve('@ue/profiles'),
        {
          MONGO_URL: testMongoUrl(label),
          REDIS_URL: redis,
          PROFILES_TOKENS: `bff:${tokens.bff},ingest:${tokens.ingest},test:${tokens.test}`,
          PORT: String(pPort),
          METRICS_PORT: String(pMetrics),
          EVENTS_STREAM: `${ns}:events`,
          BULLMQ_PREFIX: ns,
          WATCH_HEARTBEAT_MS: '1000',
          LOG_LEVEL: 'warn',
        },
        { check: healthy(`http://127.0.0.1:${pMetrics}/healthz`), timeoutMs: 45_000 },
      ),
    );
    procs.push(
      await startProcess(
        require.resolve('@ue/ingest'),
        {
          REDIS_URL: redis,
          PROFILES_ADDR: `127.0.0.1:${pPort}`,
          PROFILES_TOKEN: tokens.ingest,
          WHATSAPP_APP_SECRET: APP_SECRET,
          WHATSAPP_VERIFY_TOKEN: 'verify',
          WHATSAPP_ACCESS_TOKEN: 'unused-in-tests',
          WHATSAPP_API_BASE_URL: 'http://127.0.0.1:9',
          ...opts.ingestEnv,
          BULLMQ_PREFIX: ns,
          WEBHOOK_BATCH_WINDOW_MS: '20',
          PORT: String(iPort),
          LOG_LEVEL: 'warn',
        },
        { check: healthy(`http://127.0.0.1:${iPort}/healthz`), timeoutMs: 45_000 },
      ),
    );
    procs.push(
      await startProcess(
        BFF_MAIN,
        {
          REDIS_URL: redis,
          PROFILES_ADDR: `127.0.0.1:${pPort}`,
          PROFILES_TOKEN: tokens.bff,
          SESSION_SECRET: randomBytes(24).toString('hex'),
          BASE_PATH: `${BASE}/`,
          PORT: String(bPort),
          ADMIN_EMAIL: ADMIN.email,
          ADMIN_PASSWORD: ADMIN.password,
          DISPLAY_TIME_ZONE: 'Europe/Berlin',
          // Small pages so the test scrolls through several of them.
          USERS_PAGE_SIZE: '4',
          REDIS_KEY_PREFIX: `${ns}:bff:`,
          LOG_LEVEL: 'warn',
        },
        { check: healthy(`http://127.0.0.1:${bPort}/healthz`), timeoutMs: 45_000 },
      ),
    );
  } catch (err) {
    await stop();
    throw err;
  }
  const client = createProfilesClient({ addr: `127.0.0.1:${pPort}`, token: tokens.test });
  return {
    bffUrl: `http://127.0.0.1:${bPort}${BASE}`,
    ingestUrl: `http://127.0.0.1:${iPort}`,
    grpc: client,
    async postWebhook(body, provider = 'whatsapp') {
      const bytes = typeof body === 'string' ? Buffer.from(body) : body;
      const sig = signWebhook(bytes, APP_SECRET);
      const res = await fetch(`http://127.0.0.1:${iPort}/webhooks/${provider}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': sig },
        body: new Uint8Array(bytes),
      });
      return res.status;
    },
    listUsers: async (query) =>
      (await client.call('listUsers', ListUsersRequest.fromPartial({ query, pageSize: 200 })))
        .users,
    agent: agentOf(client),
    reviewer: reviewerOf(client),
    media: mediaOf(client),
    async stop() {
      client.close();
      await stop();
    },
  };
}

export { fixture, statusWebhook, textWebhook } from '@ue/testing';

/** Poll until `check` holds (conditions, not sleeps). */
export async function eventually<T>(
  fn: () => Promise<T>,
  check: (v: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (check(v)) return v;
    if (Date.now() > deadline)
      throw new Error(
        `condition not met after ${timeoutMs} ms: ${JSON.stringify(v).slice(0, 500)}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}
