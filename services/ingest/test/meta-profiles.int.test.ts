// Acceptance for customers' names on Messenger and Instagram: a message from a new PSID / IGSID
// makes ingest ask a local stand-in of Meta's User Profile API (with the account's token) and
// apply the name in profiles; more messages from the same customer ask nothing again (the
// week-long job id); an unknown id (400, code 100 / 2018218) leaves the user unnamed, with no
// retry and no dead letter.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { freePort, requireEnv } from '@ue/testing';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drained, eventually, postMeta } from './helpers.js';
import { startPipeline, type Pipeline } from './pipeline.js';

const PAGE = '1029384756';
const IG = '17841400000000001';
const PAGE_TOKEN = 'page-token-4f1d9c';
const IG_TOKEN = 'ig-token-77ab20';

interface Asked {
  scopedId: string;
  fields: string | null;
  authorization?: string;
}

/** Meta's User Profile API, as far as ingest needs it. */
class StandIn {
  readonly asked: Asked[] = [];
  readonly profiles = new Map<string, Record<string, string>>();
  server!: Server;
  base = '';

  async start(): Promise<void> {
    const port = await freePort();
    this.base = `http://127.0.0.1:${port}`;
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(port, '127.0.0.1', r));
  }

  askedFor(scopedId: string): Asked[] {
    return this.asked.filter((a) => a.scopedId === scopedId);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.base);
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const m = /^\/v24\.0\/(\d+)$/.exec(url.pathname);
    if (!m || req.method !== 'GET') return json(404, { error: { code: 100 } });
    const scopedId = m[1]!;
    this.asked.push({
      scopedId,
      fields: url.searchParams.get('fields'),
      authorization: req.headers.authorization,
    });
    const profile = this.profiles.get(scopedId);
    if (!profile)
      return json(400, {
        error: {
          message: `Unsupported get request. Object with ID '${scopedId}' does not exist`,
          type: 'OAuthException',
          code: 100,
          error_subcode: 2018218,
        },
      });
    json(200, { id: scopedId, ...profile, profile_pic: `${this.base}/pic/${scopedId}` });
  }
}

const standIn = new StandIn();
let pipe: Pipeline;
let profileQueue: Queue;
let seq = 0;

const newScopedId = (instagram: boolean): string =>
  `${instagram ? 77 : 65}000000${String(process.pid % 1000).padStart(3, '0')}${String(++seq).padStart(5, '0')}`;

/** A customer's text message on a page / IG account; resolves once profiles has the user. */
async function customerWrites(o: { account: string; scopedId: string; text: string }) {
  const instagram = o.account === IG;
  const mid = `m_${randomBytes(12).toString('hex')}`;
  const body = Buffer.from(
    JSON.stringify({
      object: instagram ? 'instagram' : 'page',
      entry: [
        {
          id: o.account,
          time: Date.now(),
          messaging: [
            {
              sender: { id: o.scopedId },
              recipient: { id: o.account },
              timestamp: Date.now(),
              message: { mid, text: o.text },
            },
          ],
        },
      ],
    }),
  );
  const res = await postMeta(pipe.ingest.url, {
    route: instagram ? 'instagram' : 'messenger',
    body,
  });
  expect(res.status).toBe(200);
  const user = await eventually(
    async () => {
      const u = await pipe.client.user(o.account, { scopedId: o.scopedId });
      if (!u) return undefined;
      const msgs = await pipe.client.messages(u.id);
      return msgs.some((x) => x.wamid === mid) ? u : undefined;
    },
    15_000,
    `message ${mid}`,
  );
  return { userId: user.id, mid };
}

const named = (account: string, scopedId: string) =>
  eventually(
    async () => {
      const u = await pipe.client.user(account, { scopedId });
      return u?.profile?.name ? u : undefined;
    },
    15_000,
    `name of ${scopedId}`,
  );

beforeAll(async () => {
  await standIn.start();
  pipe = await startPipeline('ingest_meta_profiles', {
    META_API_BASE_URL: `${standIn.base}/v24.0`,
    MESSENGER_PAGE_TOKENS: `${PAGE}:${PAGE_TOKEN}`,
    INSTAGRAM_TOKENS: `${IG}:${IG_TOKEN}`,
  });
  profileQueue = new Queue('user-profiles', {
    connection: { url: requireEnv('REDIS_URL') },
    prefix: pipe.prefix,
  });
}, 90_000);

afterAll(async () => {
  await profileQueue?.obliterate({ force: true }).catch(() => undefined);
  await profileQueue?.close();
  await pipe?.stop();
  await new Promise((r) => standIn.server?.close(r));
});

describe('customer names from the User Profile API', () => {
  it('a new Messenger customer gets the fetched name; a second message asks nothing again', async () => {
    const psid = newScopedId(false);
    standIn.profiles.set(psid, { first_name: 'Anna', last_name: 'Schneider' });
    await customerWrites({ account: PAGE, scopedId: psid, text: 'Hallo!' });
    const user = await named(PAGE, psid);
    expect(user.profile?.name).toBe('Anna Schneider');
    expect(standIn.askedFor(psid)).toEqual([
      {
        scopedId: psid,
        fields: 'first_name,last_name,profile_pic',
        authorization: `Bearer ${PAGE_TOKEN}`,
      },
    ]);
    const job = await profileQueue.getJob(`profile-${PAGE}-${psid}`);
    expect(await job?.getState()).toBe('completed');

    await customerWrites({ account: PAGE, scopedId: psid, text: 'Noch eine Frage' });
    await drained(pipe.queue);
    await drained(profileQueue);
    await new Promise((r) => setTimeout(r, 500));
    expect(standIn.askedFor(psid)).toHaveLength(1);
  });

  it('an Instagram customer gets name and @username, with the Instagram token', async () => {
    const igsid = newScopedId(true);
    standIn.profiles.set(igsid, { name: 'Chloé Dubois', username: 'chloe.dubois' });
    await customerWrites({ account: IG, scopedId: igsid, text: 'Bonjour' });
    const user = await named(IG, igsid);
    expect([user.profile?.name, user.profile?.username]).toEqual(['Chloé Dubois', '@chloe.dubois']);
    expect(standIn.askedFor(igsid)).toEqual([
      { scopedId: igsid, fields: 'name,username,profile_pic', authorization: `Bearer ${IG_TOKEN}` },
    ]);
  });

  it('an unknown id (400) leaves the user unnamed: no retry, no dead letter', async () => {
    const psid = newScopedId(false);
    const { userId } = await customerWrites({ account: PAGE, scopedId: psid, text: 'Hi' });
    const job = await eventually(
      async () => {
        const j = await profileQueue.getJob(`profile-${PAGE}-${psid}`);
        return j && (await j.getState()) === 'completed' ? j : undefined;
      },
      15_000,
      'profile job completed',
    );
    expect([job.returnvalue, job.attemptsMade]).toEqual(['refused', 1]);
    expect(standIn.askedFor(psid)).toHaveLength(1);
    const user = await pipe.client.user(PAGE, { scopedId: psid });
    expect(user?.id).toBe(userId);
    expect(user?.profile?.name).toBeUndefined();
    const counts = await profileQueue.getJobCounts('failed', 'delayed');
    expect(counts).toEqual({ failed: 0, delayed: 0 });
    expect((await pipe.queue.getJobCounts('failed')).failed).toBe(0);
  });
});
