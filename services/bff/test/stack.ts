// Integration helpers: a real profiles process (real gRPC), real Redis, and a gRPC client
// with the "test" caller token for creating data through the public contract.
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createProfilesClient } from '@ue/profiles-client';
import {
  ActorKind,
  ApplyWebhookEventsRequest,
  Channel,
  ListMessagesRequest,
  RecordReviewRequest,
  ReviewState,
  UpsertFactsRequest,
  WatchEventsRequest,
  type ApplyWebhookEventsResponse,
  type MessageContent,
  type Review,
  type WebhookEvent,
} from '@ue/proto';
import {
  freePort,
  requireEnv,
  startProcess,
  testMongoUrl,
  uniqueName,
  type RunningProcess,
} from '@ue/testing';

import { cookieHeader, keepCookies } from './cookies.js';

const require = createRequire(import.meta.url);

export interface ProfilesProcess {
  addr: string;
  bffToken: string;
  testToken: string;
  proc: RunningProcess;
  stop(): Promise<void>;
}

export async function startProfiles(label: string): Promise<ProfilesProcess> {
  const entry = require.resolve('@ue/profiles');
  const [port, metricsPort] = [await freePort(), await freePort()];
  const bffToken = randomBytes(12).toString('hex');
  const testToken = randomBytes(12).toString('hex');
  const proc = await startProcess(
    entry,
    {
      MONGO_URL: testMongoUrl(label),
      REDIS_URL: requireEnv('REDIS_URL'),
      PROFILES_TOKENS: `bff:${bffToken},test:${testToken}`,
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      // Other packages' tests share this Redis: keep events and queues apart.
      EVENTS_STREAM: `${uniqueName(label)}:events`,
      BULLMQ_PREFIX: uniqueName(label),
      // Frequent heartbeats: a test knows a watch is live once it has seen one.
      WATCH_HEARTBEAT_MS: '200',
      LOG_LEVEL: 'warn',
    },
    {
      check: async () => (await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).status === 200,
      timeoutMs: 45_000,
    },
  );
  return {
    addr: `127.0.0.1:${port}`,
    bffToken,
    testToken,
    proc,
    stop: async () => void (await proc.stop()),
  };
}

/** Create users and messages the way ingest does: through ApplyWebhookEvents. */
export function webhookClient(addr: string, token: string) {
  const client = createProfilesClient({ addr, token });
  const apply = (events: Partial<WebhookEvent>[]): Promise<ApplyWebhookEventsResponse> =>
    client.call('applyWebhookEvents', ApplyWebhookEventsRequest.fromPartial({ events }));
  return {
    apply,
    /** One inbound text message from a new or known user. */
    inbound(opts: {
      account?: string;
      waId: string;
      name?: string;
      text: string;
      at?: Date;
      wamid?: string;
      content?: Partial<MessageContent>;
    }) {
      const account = opts.account ?? '100200300';
      const at = opts.at ?? new Date();
      return apply([
        {
          accountId: account,
          occurredAt: at,
          event: {
            $case: 'userSeen',
            userSeen: {
              user: { waId: opts.waId, bsuid: '', parentBsuid: '', scopedId: '' },
              name: opts.name,
              referral: undefined,
            },
          },
        },
        {
          accountId: account,
          occurredAt: at,
          event: {
            $case: 'inboundMessage',
            inboundMessage: {
              wamid: opts.wamid ?? `wamid.${randomBytes(8).toString('hex')}`,
              from: { waId: opts.waId, bsuid: '', parentBsuid: '', scopedId: '' },
              content: { type: 1, text: opts.text, ...opts.content } as MessageContent,
              context: undefined,
              referral: undefined,
              errors: [],
              rawJson: '',
              echo: false,
              echoMetadata: '',
            },
          },
        },
      ]);
    },
    /** One inbound Messenger text from a PSID to a Page, as ingest applies it. */
    messenger(opts: { page: string; psid: string; text: string; at?: Date }) {
      const at = opts.at ?? new Date();
      const user = { waId: '', bsuid: '', parentBsuid: '', scopedId: opts.psid };
      return apply([
        {
          accountId: opts.page,
          channel: Channel.MESSENGER,
          occurredAt: at,
          event: {
            $case: 'inboundMessage',
            inboundMessage: {
              wamid: `m_${randomBytes(8).toString('hex')}`,
              from: user,
              content: { type: 1, text: opts.text } as MessageContent,
              context: undefined,
              referral: undefined,
              errors: [],
              rawJson: '',
              echo: false,
              echoMetadata: '',
            },
          },
        },
      ]);
    },
    /** What an agent learned, written as agent "carol". */
    facts: async (
      userId: string,
      facts: { key: string; value: string; confidence: number; sourceMessageId?: string }[],
    ): Promise<void> => {
      await client.call(
        'upsertFacts',
        UpsertFactsRequest.fromPartial({
          userId,
          facts,
          author: { kind: ActorKind.AGENT, id: 'carol', displayName: 'Carol' },
        }),
      );
    },
    close: () => client.close(),
  };
}

/** What the reviewer sends; profiles computes score and uncapped score from criteria and cap. */
export type ReviewContent = Partial<
  Omit<Review, 'id' | 'userId' | 'range' | 'score' | 'uncappedScore' | 'reviewedAt' | 'reviewer'>
>;

/**
 * Reviews written the way the reviewer writes them: RecordReview over gRPC, covering the user's
 * messages as they are now (its range is the oldest to the newest stored message).
 */
export function reviewerClient(addr: string, token: string) {
  const client = createProfilesClient({ addr, token });
  return {
    async record(userId: string, content: ReviewContent): Promise<Review> {
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
            durationMs: 1200,
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
    /** The live feed as the reviewer watches it (e.g. for REVIEW_REQUESTED). */
    watch: (req: Partial<WatchEventsRequest>, signal: AbortSignal) =>
      client.stream('watchEvents', WatchEventsRequest.fromPartial(req), { signal }),
    close: () => client.close(),
  };
}

export interface BffProcess {
  /** http://127.0.0.1:<port>/dev/user-engagement */
  url: string;
  admin: { email: string; password: string };
  stop(): Promise<void>;
}

/** The built bff (dist/main.js) as a child process over `profiles`, with a first admin. */
export async function startBff(
  profiles: ProfilesProcess,
  label: string,
  env: Record<string, string> = {},
): Promise<BffProcess> {
  const entry = fileURLToPath(new URL('../dist/main.js', import.meta.url));
  const port = await freePort();
  const admin = { email: 'media-admin@example.com', password: 'media correct horse battery' };
  const proc = await startProcess(
    entry,
    {
      REDIS_URL: requireEnv('REDIS_URL'),
      PROFILES_ADDR: profiles.addr,
      PROFILES_TOKEN: profiles.bffToken,
      SESSION_SECRET: randomBytes(24).toString('hex'),
      BASE_PATH: '/dev/user-engagement/',
      PORT: String(port),
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
      REDIS_KEY_PREFIX: `${uniqueName(label)}:bff:`,
      LOG_LEVEL: 'warn',
      ...env,
    },
    async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200,
  );
  return {
    url: `http://127.0.0.1:${port}/dev/user-engagement`,
    admin,
    stop: async () => void (await proc.stop()),
  };
}

/** A cookie-keeping client over real HTTP (fetch), able to log in and send the CSRF token. */
export class HttpClient {
  cookies = new Map<string, string>();
  csrf = '';
  constructor(private base: string) {}

  async get(path: string, init: RequestInit = {}): Promise<Response> {
    return this.request(path, init);
  }

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', cookieHeader(this.cookies));
    const res = await fetch(`${this.base}${path}`, { ...init, headers, redirect: 'manual' });
    keepCookies(this.cookies, res);
    return res;
  }

  async login(admin: { email: string; password: string }): Promise<void> {
    const page = await (await this.request('/login')).text();
    const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const res = await this.request('/login', {
      method: 'POST',
      body: new URLSearchParams({ ...admin, _csrf: token }),
    });
    if (res.status !== 303) throw new Error(`login failed: ${res.status}`);
    const html = await (await this.request('/users')).text();
    this.csrf = /X-CSRF-Token&quot;:&quot;([^&]+)&quot;/.exec(html)?.[1] ?? '';
  }
}
