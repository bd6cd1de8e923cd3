#!/usr/bin/env node
// Development stand-in for the WhatsApp Cloud API, used by ./dev up (Meta's API is not
// reachable from a development machine). Every request needs
// Authorization: Bearer <WHATSAPP_ACCESS_TOKEN>. It accepts
//   POST /<version>/<phone_number_id>/messages   answered like the provider
//        ({ messages: [{ id: wamid }] }), then signed status webhooks (sent, delivered, read)
//        for that wamid are posted to ingest, as the provider would;
//   GET  /<version>/<media-id>                    the media metadata ({ url, mime_type, sha256
//        (hex), file_size, id }) of the demo's files (tools/demo/media/manifest.json) and of
//        uploads; the url points back here and expires after 5 minutes, like the provider's;
//   GET  /media-download/<media-id>?exp=<epoch ms>  the bytes (404 once expired);
//   POST /<version>/<phone_number_id>/media       multipart upload (messaging_product, type,
//        file) → { id }; the bytes are kept in memory so they can be fetched like the others.
// Env: SANDBOX_PORT (7209), INGEST_URL, WHATSAPP_APP_SECRET, WHATSAPP_ACCESS_TOKEN.
import { createHash, createHmac, randomBytes, randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const port = Number(process.env.SANDBOX_PORT ?? 7209);
const ingest = process.env.INGEST_URL ?? 'http://127.0.0.1:7203';
const secret = (process.env.WHATSAPP_APP_SECRET ?? '').split(',')[0];
const token = process.env.WHATSAPP_ACCESS_TOKEN ?? '';
if (!secret || !token) {
  console.error('provider-sandbox: WHATSAPP_APP_SECRET and WHATSAPP_ACCESS_TOKEN are required');
  process.exit(1);
}

function statusWebhook(phoneNumberId, to, wamid, status) {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'sandbox',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: phoneNumberId, phone_number_id: phoneNumberId },
              statuses: [
                {
                  id: wamid,
                  status,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  recipient_id: to,
                },
              ],
            },
          },
        ],
      },
    ],
  });
}

async function deliver(phoneNumberId, to, wamid) {
  for (const [status, delayMs] of [
    ['sent', 500],
    ['delivered', 1500],
    ['read', 4000],
  ]) {
    await new Promise((r) => setTimeout(r, delayMs));
    const body = statusWebhook(phoneNumberId, to, wamid, status);
    const sig = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
    await fetch(`${ingest}/webhooks/whatsapp`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': sig },
    }).catch((err) => console.error(`provider-sandbox: status post failed: ${err.message}`));
  }
}

// Media the sandbox serves: the demo's files by their fixed ids, and whatever was uploaded.
const mediaDir = new URL('../tools/demo/media/', import.meta.url);
const media = new Map();
for (const f of JSON.parse(readFileSync(new URL('manifest.json', mediaDir), 'utf8')))
  media.set(f.id, { mimeType: f.mimeType, bytes: readFileSync(new URL(f.file, mediaDir)) });
const URL_TTL_MS = 5 * 60_000;
const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;
const origin = `http://127.0.0.1:${port}`;

function unknownMedia(reply, id) {
  reply(404, {
    error: {
      message: `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation`,
      type: 'GraphMethodException',
      code: 100,
      error_subcode: 33,
      fbtrace_id: randomBytes(8).toString('base64url'),
    },
  });
}

function metadata(reply, id) {
  const m = media.get(id);
  if (!m) return unknownMedia(reply, id);
  reply(200, {
    messaging_product: 'whatsapp',
    url: `${origin}/media-download/${id}?exp=${Date.now() + URL_TTL_MS}`,
    mime_type: m.mimeType,
    sha256: createHash('sha256').update(m.bytes).digest('hex'),
    file_size: m.bytes.length,
    id,
  });
}

function download(req, res, id, reply) {
  const exp = Number(new URL(req.url, origin).searchParams.get('exp'));
  const m = media.get(id);
  if (!m || !(exp > Date.now())) return unknownMedia(reply, id);
  res.writeHead(200, { 'content-type': m.mimeType, 'content-length': m.bytes.length });
  res.end(m.bytes);
}

async function upload(req, reply) {
  const chunks = [];
  let size = 0;
  for await (const c of req) {
    size += c.length;
    if (size > MAX_UPLOAD_BYTES)
      return reply(413, { error: { message: '(#100) File is too large', code: 100 } });
    chunks.push(c);
  }
  let form;
  try {
    form = await new Request(origin, {
      method: 'POST',
      headers: { 'content-type': req.headers['content-type'] ?? '' },
      body: Buffer.concat(chunks),
    }).formData();
  } catch {
    return reply(400, { error: { message: '(#100) Expected multipart/form-data', code: 100 } });
  }
  const file = form.get('file');
  if (form.get('messaging_product') !== 'whatsapp' || typeof file === 'string' || !file)
    return reply(400, {
      error: { message: '(#100) messaging_product and file are required', code: 100 },
    });
  const id = String(randomInt(10 ** 14, 2 * 10 ** 14)); // 15 digits, like the provider's
  const type = form.get('type');
  media.set(id, {
    mimeType: typeof type === 'string' && type ? type : file.type,
    bytes: Buffer.from(await file.arrayBuffer()),
  });
  reply(200, { id });
}

const server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', origin).pathname;
  const reply = (code, obj) => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(obj));
  };
  if (req.headers.authorization !== `Bearer ${token}`)
    return reply(401, {
      error: { message: 'Invalid OAuth access token', type: 'OAuthException', code: 190 },
    });
  const get = req.method === 'GET';
  const fetchMedia = /^\/media-download\/(\d+)$/.exec(path);
  if (get && fetchMedia) return download(req, res, fetchMedia[1], reply);
  const mediaInfo = /^\/v[\d.]+\/(\d+)$/.exec(path);
  if (get && mediaInfo) return metadata(reply, mediaInfo[1]);
  if (req.method === 'POST' && /^\/[^/]+\/\d+\/media$/.test(path))
    return void upload(req, reply).catch((err) =>
      reply(500, { error: { message: `upload failed: ${err.message}`, code: 1 } }),
    );
  const m = /^\/[^/]+\/(\d+)\/messages$/.exec(path);
  if (req.method !== 'POST' || !m)
    return reply(404, { error: { message: 'Unknown path', code: 100 } });
  let raw = '';
  req.on('data', (d) => (raw += d));
  req.on('end', () => {
    let msg;
    try {
      msg = JSON.parse(raw);
    } catch {
      return reply(400, { error: { message: 'Invalid JSON', code: 100 } });
    }
    if (!msg.to)
      return reply(400, { error: { message: '(#100) The parameter to is required.', code: 100 } });
    const wamid = `wamid.sandbox.${randomBytes(12).toString('base64url')}`;
    reply(200, {
      messaging_product: 'whatsapp',
      contacts: [{ input: msg.to, wa_id: msg.to }],
      messages: [{ id: wamid }],
    });
    void deliver(m[1], msg.to, wamid);
  });
});
server.listen(port, '127.0.0.1', () => console.log(`provider-sandbox on http://127.0.0.1:${port}`));
for (const sig of ['SIGTERM', 'SIGINT'])
  process.once(sig, () => server.close(() => process.exit(0)));
