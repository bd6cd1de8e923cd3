// Scenario 7, media (issue 13): how fast ingest's media worker fetches 1 MiB images from the
// provider and stores them in profiles (GridFS), against the raw limit measured in the same run
// (the same downloads written to GridFS with the driver, as many at once), and what a media
// backlog being fetched costs end-to-end ingest beside it.
//
// The provider is a stand-in in this process: metadata at /{version}/{media-id}, the bytes at
// the URL it gives. One ingest process of its own runs the media worker against it (the
// pipeline's ingest runs without one, as in every other scenario).
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GridFSBucket } from 'mongodb';
import { log } from '../progress.js';
import type { Section } from '../report/markdown.js';
import { fmtInt, median } from '../stats.js';
import type { Service } from '../stack/stack.js';
import { createPoster } from '../load/http-post.js';
import { repeat, type BenchContext } from './context.js';
import { pipelineRun } from './e2e.js';

const IMAGE_BYTES = 1024 * 1024;
const STORED = 2; // MediaState.STORED as profiles stores it
const CONCURRENCY = 4; // ingest's MEDIA_CONCURRENCY default

interface StandIn {
  url: string;
  image: Buffer;
  sha256Hex: string;
  downloads: () => number;
  close(): Promise<void>;
}

async function startStandIn(): Promise<StandIn> {
  // Random bytes: what the worker does with a file does not depend on what it shows.
  const image = randomBytes(IMAGE_BYTES);
  const sha256Hex = createHash('sha256').update(image).digest('hex');
  let downloads = 0;
  let base = '';
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    const dl = /^\/dl\/([\w.-]+)$/.exec(path);
    if (dl) {
      downloads += 1;
      res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': image.length });
      res.end(image);
      return;
    }
    const meta = /^\/v[\d.]+\/([\w.-]+)$/.exec(path);
    if (req.method === 'GET' && meta) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          messaging_product: 'whatsapp',
          id: meta[1],
          url: `${base}/dl/${meta[1]}`,
          mime_type: 'image/jpeg',
          sha256: sha256Hex,
          file_size: image.length,
        }),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":{"message":"Unknown path","code":100}}');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/v24.0`,
    image,
    sha256Hex,
    downloads: () => downloads,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** One signed webhook with one inbound image message (the provider's format). */
function imageWebhook(o: {
  secret: string;
  account: string;
  n: number;
  tag: string;
  sha256Base64: string;
}): { body: string; signature: string } {
  const from = `4917${String(70_000_000 + o.n).padStart(8, '0')}`;
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'bench-waba',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550001111', phone_number_id: o.account },
              contacts: [{ profile: { name: `Bench ${o.n}` }, wa_id: from }],
              messages: [
                {
                  from,
                  id: `wamid.media.${o.tag}.${o.n}`,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  type: 'image',
                  image: {
                    id: `media-${o.tag}-${o.n}`,
                    mime_type: 'image/jpeg',
                    sha256: o.sha256Base64,
                    caption: 'photo',
                  },
                },
              ],
            },
          },
        ],
      },
    ],
  });
  const signature = `sha256=${createHmac('sha256', o.secret).update(body).digest('hex')}`;
  return { body, signature };
}

const storedCount = (ctx: BenchContext, account: string): Promise<number> =>
  ctx.mongo
    .db('engagement')
    .collection('messages')
    .countDocuments({ accountId: account, 'content.media.stored.state': STORED });

/** Post `count` image webhooks for a fresh account; resolves when all are accepted. */
async function postImages(
  ctx: BenchContext,
  o: { ingest: Service; count: number; standIn: StandIn },
): Promise<string> {
  const { tag } = ctx.nextStream();
  const account = `7${String(Date.now()).slice(-12)}`;
  const sha256Base64 = Buffer.from(o.standIn.sha256Hex, 'hex').toString('base64');
  const poster = createPoster({ url: `${o.ingest.addr}/webhooks/whatsapp`, connections: 8 });
  try {
    for (let i = 0; i < o.count; i += 8) {
      await Promise.all(
        Array.from({ length: Math.min(8, o.count - i) }, async (_, k) => {
          const w = imageWebhook({
            secret: ctx.stack.secrets.appSecret,
            account,
            n: i + k,
            tag,
            sha256Base64,
          });
          const code = await poster.post(w.body, w.signature);
          if (code !== 200) throw new Error(`webhook answered ${code}`);
        }),
      );
    }
  } finally {
    poster.close();
  }
  return account;
}

async function waitStored(
  ctx: BenchContext,
  o: { account: string; count: number; timeoutMs: number },
): Promise<number> {
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    const n = await storedCount(ctx, o.account);
    if (n >= o.count || Date.now() > deadline) return n;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Ours: post the webhooks, time until every image is stored. */
async function fetchAndStore(
  ctx: BenchContext,
  o: { ingest: Service; standIn: StandIn },
): Promise<{ perSecond: number; stored: number; seconds: number }> {
  const count = ctx.config.mediaImages;
  const t0 = performance.now();
  const account = await postImages(ctx, { ...o, count });
  const stored = await waitStored(ctx, { account, count, timeoutMs: 600_000 });
  const seconds = (performance.now() - t0) / 1000;
  return { perSecond: stored / seconds, stored, seconds };
}

/** Raw: the same downloads written to GridFS with the driver, CONCURRENCY at a time. */
async function rawFetchAndStore(
  ctx: BenchContext,
  standIn: StandIn,
): Promise<{ perSecond: number; seconds: number }> {
  const count = ctx.config.mediaImages;
  const bucket = new GridFSBucket(ctx.mongo.db('rawmedia'), { bucketName: 'raw' });
  const base = standIn.url.replace(/\/v24\.0$/, '');
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        const res = await fetch(`${base}/dl/raw-${i}`);
        const bytes = Buffer.from(await res.arrayBuffer());
        const hash = createHash('sha256').update(bytes).digest('hex');
        if (hash !== standIn.sha256Hex) throw new Error('raw download: checksum mismatch');
        const up = bucket.openUploadStream(`raw-${i}`, { metadata: { sha256: hash } });
        up.end(bytes);
        await once(up, 'finish');
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  await bucket.drop().catch(() => undefined);
  return { perSecond: count / seconds, seconds };
}

export async function mediaScenario(ctx: BenchContext): Promise<Section[]> {
  const standIn = await startStandIn();
  const media = await ctx.stack.startIngest({
    name: 'ingest-media',
    roles: 'http,webhook-worker,media-worker',
    redisDb: 3,
    prefix: 'bench-media',
    profiles: ctx.stack.profiles,
    apiBaseUrl: standIn.url,
  });
  const count = ctx.config.mediaImages;
  try {
    log(`media: ${count} images of 1 MiB, fetched and stored`);
    const rates = await repeat(ctx, 'media fetch and store (ours, raw)', async () => {
      const ours = await fetchAndStore(ctx, { ingest: media, standIn });
      const raw = await rawFetchAndStore(ctx, standIn);
      log(
        `  ours ${ours.perSecond.toFixed(1)}/s (${ours.stored}/${count} in ${ours.seconds.toFixed(1)} s), raw ${raw.perSecond.toFixed(1)}/s`,
      );
      return { ours: ours.perSecond, raw: raw.perSecond, stored: ours.stored };
    });

    // End to end with a backlog being fetched beside it, alternating which comes first.
    const backlog = count * 2;
    const e2e = await repeat(ctx, 'end to end without / with media being fetched', async (r) => {
      const without = async () => (await pipelineRun(ctx)).rate;
      const withMedia = async () => {
        const account = await postImages(ctx, { ingest: media, count: backlog, standIn });
        const before = await storedCount(ctx, account);
        const rate = (await pipelineRun(ctx)).rate;
        const during = (await storedCount(ctx, account)) - before;
        await waitStored(ctx, { account, count: backlog, timeoutMs: 600_000 });
        return { rate, during };
      };
      let w: number;
      let m: { rate: number; during: number };
      if (r % 2 === 0) {
        w = await without();
        m = await withMedia();
      } else {
        m = await withMedia();
        w = await without();
      }
      log(
        `  without ${fmtInt(w)} msg/s, with ${fmtInt(m.rate)} msg/s (${m.during} images stored meanwhile)`,
      );
      return { without: w, with: m.rate, during: m.during };
    });

    const ours = median(rates.map((x) => x.ours));
    const raw = median(rates.map((x) => x.raw));
    const w = median(e2e.map((x) => x.without));
    const m = median(e2e.map((x) => x.with));
    return [
      {
        title: '7. Media: fetch and store 1 MiB images',
        method: [
          `A stand-in provider in the harness serves metadata and 1 MiB of bytes per media id. An ingest process of its own runs the media worker (MEDIA_CONCURRENCY 4) against it and stores into the run's profiles (GridFS). Ours: ${count} signed image webhooks posted, time until every image is STORED. Raw: the same ${count} downloads, hashed and written to GridFS with the driver, 4 at a time. ` +
            `End to end: scenario 2's throughput run (${ctx.config.e2eSeconds} s of posting) alone, and with a backlog of ${backlog} images posted just before it (fetched while it runs), ${ctx.config.runs} time(s), alternating which comes first, medians.`,
        ],
        tables: [
          {
            header: ['figure', 'ours', 'raw', 'ours / raw'],
            rows: [
              [
                'images of 1 MiB per second',
                ours.toFixed(1),
                raw.toFixed(1),
                `${(ours / raw).toFixed(2)}×`,
              ],
              ['MiB per second', ours.toFixed(1), raw.toFixed(1), ''],
              ...rates.map((x, i) => [
                `run ${i + 1}`,
                x.ours.toFixed(1),
                x.raw.toFixed(1),
                `${(x.ours / x.raw).toFixed(2)}×`,
              ]),
            ],
          },
          {
            header: ['end to end, msg/s', 'alone', 'with media being fetched', 'with / alone'],
            rows: [
              ['median', fmtInt(w), fmtInt(m), `${(m / w).toFixed(2)}×`],
              ...e2e.map((x, i) => [
                `run ${i + 1} (${x.during} images stored during it)`,
                fmtInt(x.without),
                fmtInt(x.with),
                `${(x.with / x.without).toFixed(2)}×`,
              ]),
            ],
          },
        ],
      },
    ];
  } finally {
    await media.stop();
    await standIn.close();
    log(`media: the stand-in served ${standIn.downloads()} downloads`);
  }
}
