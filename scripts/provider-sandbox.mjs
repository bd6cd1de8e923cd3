#!/usr/bin/env node
// Development stand-in for the WhatsApp Cloud API and the Messenger / Instagram Send API, used
// by ./dev up (Meta's API is not reachable from a development machine).
//
// WhatsApp: every request needs Authorization: Bearer <WHATSAPP_ACCESS_TOKEN>. It accepts
//   POST /<version>/<phone_number_id>/messages   answered like the provider
//        ({ messages: [{ id: wamid }] }), then signed status webhooks (sent, delivered, read)
//        for that wamid are posted to ingest, as the provider would;
//   GET  /<version>/<media-id>                    the media metadata ({ url, mime_type, sha256
//        (hex), file_size, id }) of the demo's files (tools/demo/media/manifest.json) and of
//        uploads; the url points back here and expires after 5 minutes, like the provider's;
//   GET  /media-download/<media-id>?exp=<epoch ms>  the bytes (404 once expired);
//   POST /<version>/<phone_number_id>/media       multipart upload (messaging_product, type,
//        file) → { id }; the bytes are kept in memory so they can be fetched like the others.
//
// Messenger / Instagram: requests for a Page or Instagram account need that account's token
// (Authorization: Bearer <token> from MESSENGER_PAGE_TOKENS / INSTAGRAM_TOKENS). It accepts
//   POST /<version>/<account id>/messages   the Send API ({ recipient: { id }, messaging_type,
//        tag?, message: { text | attachment, metadata } }), answered like Meta
//        ({ recipient_id, message_id }); then it posts signed webhooks to ingest
//        (/webhooks/messenger or /webhooks/instagram): the echo (is_echo, with the metadata),
//        and on Messenger a delivery and a read watermark, on Instagram a read of the mid
//        (Instagram sends no delivery receipts);
//   POST /<version>/<account id>/message_attachments   the Attachment Upload API (multipart
//        message + filedata) → { attachment_id }, kept in memory like WhatsApp uploads;
//   GET  /meta-cdn/<media id>?exp=<epoch ms>   no token, like Meta's CDN: the bytes of a demo
//        file or an uploaded attachment (403 once `exp` has passed), for attachment URLs in
//        Messenger / Instagram webhooks and echoes;
//   GET  /<version>/<PSID or IGSID>?fields=...   the User Profile API, for the demo's five
//        customers (a fixed table below, mirroring META_PERSONAS in tools/demo/src/channels.ts):
//        Messenger { id, first_name, last_name }, Instagram { id, name, username }, only the
//        fields asked for (no profile_pic: the sandbox has no pictures). The token must be that
//        of the account the sandbox last sent to the id from, or else of any account of the
//        id's channel; an unknown id gets Meta's 400 (OAuthException, code 100, subcode
//        2018218). Told from WhatsApp's media metadata (same path) by its `fields` parameter.
// Env: SANDBOX_PORT (7209), INGEST_URL, WHATSAPP_APP_SECRET, WHATSAPP_ACCESS_TOKEN,
//      MESSENGER_PAGE_TOKENS / INSTAGRAM_TOKENS (<account id>:<token>,..., optional),
//      MESSENGER_APP_SECRET (signs the Messenger / Instagram webhooks; WHATSAPP_APP_SECRET if unset).
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
const metaSecret = (process.env.MESSENGER_APP_SECRET ?? '').split(',')[0] || secret;

/** "<account id>:<token>,..." → account id → { token, channel }. */
function metaAccounts() {
  const accounts = new Map();
  for (const [name, channel] of [
    ['MESSENGER_PAGE_TOKENS', 'messenger'],
    ['INSTAGRAM_TOKENS', 'instagram'],
  ])
    for (const pair of (process.env[name] ?? '').split(',').map((s) => s.trim())) {
      const at = pair.indexOf(':');
      if (at > 0) accounts.set(pair.slice(0, at), { token: pair.slice(at + 1), channel });
    }
  return accounts;
}
const meta = metaAccounts();

function sign(body, key) {
  return `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
}

async function postWebhook(route, body, key) {
  await fetch(`${ingest}/webhooks/${route}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body, key) },
  }).catch((err) => console.error(`provider-sandbox: ${route} webhook failed: ${err.message}`));
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
    await postWebhook('whatsapp', statusWebhook(phoneNumberId, to, wamid, status), secret);
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

/** The request's multipart form, or undefined once an error has been answered. */
async function readForm(req, reply) {
  const chunks = [];
  let size = 0;
  for await (const c of req) {
    size += c.length;
    if (size > MAX_UPLOAD_BYTES)
      return void reply(413, { error: { message: '(#100) File is too large', code: 100 } });
    chunks.push(c);
  }
  try {
    return await new Request(origin, {
      method: 'POST',
      headers: { 'content-type': req.headers['content-type'] ?? '' },
      body: Buffer.concat(chunks),
    }).formData();
  } catch {
    reply(400, { error: { message: '(#100) Expected multipart/form-data', code: 100 } });
  }
}

async function upload(req, reply) {
  const form = await readForm(req, reply);
  if (!form) return;
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

// Messenger / Instagram: the Send API, the Attachment Upload API, and the echo and receipts
// Meta posts back for every message sent.

const metaError = (message, code, subcode) => ({
  error: {
    message,
    type: 'OAuthException',
    code,
    ...(subcode ? { error_subcode: subcode } : {}),
    fbtrace_id: randomBytes(8).toString('base64url'),
  },
});

function cdnUrl(id) {
  // Meta's attachment URLs are signed and expire after some days.
  return `${origin}/meta-cdn/${id}?exp=${Date.now() + 7 * 24 * 3600_000}&oh=${randomBytes(6).toString('hex')}`;
}

function cdnDownload(req, res, id, reply) {
  const exp = Number(new URL(req.url, origin).searchParams.get('exp') ?? Infinity);
  const m = media.get(id);
  if (!m) return reply(404, metaError('Not found', 100));
  if (!(exp > Date.now())) return reply(403, metaError('URL signature expired', 100));
  res.writeHead(200, { 'content-type': m.mimeType, 'content-length': m.bytes.length });
  res.end(m.bytes);
}

async function metaUpload(req, reply) {
  const form = await readForm(req, reply);
  if (!form) return;
  const file = form.get('filedata');
  let message;
  try {
    message = JSON.parse(String(form.get('message') ?? ''));
  } catch {
    message = undefined;
  }
  if (!message?.attachment?.type || typeof file === 'string' || !file)
    return reply(400, metaError('(#100) message.attachment.type and filedata are required', 100));
  const id = String(randomInt(10 ** 14, 2 * 10 ** 14));
  media.set(id, { mimeType: file.type, bytes: Buffer.from(await file.arrayBuffer()) });
  reply(200, { attachment_id: id });
}

function metaMid(channel) {
  const id = randomBytes(24);
  return channel === 'instagram'
    ? Buffer.from(`ig_item:1:IGMessageID:sandbox:${id.toString('hex')}`).toString('base64')
    : `m_${id.toString('base64url')}`;
}

function metaWebhook(account, channel, item) {
  const object = channel === 'instagram' ? 'instagram' : 'page';
  return JSON.stringify({ object, entry: [{ id: account, time: Date.now(), messaging: [item] }] });
}

/** The echo Meta sends for a page's own message: the message as the customer got it. */
function echoOf(message, mid) {
  const out = { mid, is_echo: true, app_id: 1234567890123456 };
  if (message.metadata) out.metadata = message.metadata;
  if (message.text) out.text = message.text;
  const a = message.attachment;
  if (a) {
    const id = a.payload?.attachment_id;
    const url = id ? cdnUrl(id) : a.payload?.url;
    out.attachments = [{ type: a.type, payload: { url } }];
  }
  return out;
}

async function metaReceipts({ account, channel, to, mid, message }) {
  const pause = (ms) => new Promise((r) => setTimeout(r, ms));
  const from = (item) => ({ sender: { id: to }, recipient: { id: account }, ...item });
  await pause(300);
  const echo = { sender: { id: account }, recipient: { id: to }, timestamp: Date.now() };
  await postWebhook(
    channel,
    metaWebhook(account, channel, { ...echo, message: echoOf(message, mid) }),
    metaSecret,
  );
  const sentAt = echo.timestamp;
  if (channel === 'messenger') {
    await pause(1200);
    const delivery = { mids: [mid], watermark: sentAt };
    await postWebhook(
      channel,
      metaWebhook(account, channel, from({ timestamp: Date.now(), delivery })),
      metaSecret,
    );
  }
  await pause(3000);
  const read = channel === 'messenger' ? { watermark: Date.now() } : { mid };
  await postWebhook(
    channel,
    metaWebhook(account, channel, from({ timestamp: Date.now(), read })),
    metaSecret,
  );
}

/** The demo's Messenger / Instagram customers (tools/demo/src/channels.ts, META_PERSONAS). */
const PERSONAS = new Map([
  ['6500000000000101', { channel: 'messenger', first_name: 'Anna', last_name: 'Schneider' }],
  ['6500000000000102', { channel: 'messenger', first_name: 'Marco', last_name: 'Rossi' }],
  ['6500000000000103', { channel: 'messenger', first_name: 'Sarah', last_name: 'Miller' }],
  ['17841400000000201', { channel: 'instagram', name: 'Chloé Dubois', username: 'chloe.dubois' }],
  ['17841400000000202', { channel: 'instagram', name: 'Kenji Sato', username: 'kenji.design' }],
]);
/** PSID / IGSID → the account that sent to it here (the Send API's recipients). */
const seenScoped = new Map();

/** GET /<version>/<scoped id>?fields=...: the User Profile API (see the header). */
function metaProfile(req, reply, scopedId, fields) {
  const bearer = req.headers.authorization ?? '';
  const persona = PERSONAS.get(scopedId);
  const known = seenScoped.get(scopedId);
  const allowed = [...meta.entries()].filter(
    ([id, a]) => `Bearer ${a.token}` === bearer && (!known || id === known),
  );
  if (allowed.length === 0)
    return reply(401, metaError('Invalid OAuth access token - Cannot parse access token', 190));
  if (!persona || !allowed.some(([, a]) => a.channel === persona.channel))
    return reply(
      400,
      metaError(
        `Unsupported get request. Object with ID '${scopedId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation`,
        100,
        2018218,
      ),
    );
  const wanted = new Set(fields.split(',').map((f) => f.trim()));
  const body = { id: scopedId };
  for (const [k, v] of Object.entries(persona)) if (k !== 'channel' && wanted.has(k)) body[k] = v;
  reply(200, body);
}

function metaSend(req, reply, { account, channel }) {
  let raw = '';
  req.on('data', (d) => (raw += d));
  req.on('end', () => {
    let body;
    try {
      body = JSON.parse(raw);
    } catch {
      return reply(400, metaError('(#100) Invalid JSON', 100));
    }
    const to = body?.recipient?.id;
    const message = body?.message;
    if (!to) return reply(400, metaError('(#100) The parameter recipient is required', 100));
    if (!message?.text && !message?.attachment)
      return reply(400, metaError('(#100) Message must have text or an attachment', 100));
    if (body.messaging_type === 'MESSAGE_TAG' && !body.tag)
      return reply(400, metaError('(#100) Tag is required for MESSAGE_TAG', 100));
    const mid = metaMid(channel);
    seenScoped.set(String(to), account);
    reply(200, { recipient_id: to, message_id: mid });
    void metaReceipts({ account, channel, to, mid, message });
  });
}

/** Messenger / Instagram requests, told apart by the account id in the path and its token. */
function metaRoute(req, reply, path) {
  const m = /^\/[^/]+\/(\d+)\/(messages|message_attachments)$/.exec(path);
  const account = m && meta.get(m[1]);
  if (req.method !== 'POST' || !account) return false;
  if (req.headers.authorization !== `Bearer ${account.token}`) {
    reply(401, metaError('Invalid OAuth access token - Cannot parse access token', 190));
    return true;
  }
  const target = { account: m[1], channel: account.channel };
  if (m[2] === 'messages') metaSend(req, reply, target);
  else
    void metaUpload(req, reply).catch((err) =>
      reply(500, metaError(`upload failed: ${err.message}`, 2)),
    );
  return true;
}

const server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', origin).pathname;
  const reply = (code, obj) => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(obj));
  };
  const cdn = /^\/meta-cdn\/(\d+)$/.exec(path);
  if (req.method === 'GET' && cdn) return cdnDownload(req, res, cdn[1], reply);
  if (metaRoute(req, reply, path)) return;
  const fields = new URL(req.url ?? '/', origin).searchParams.get('fields');
  const profile = /^\/v[\d.]+\/(\d+)$/.exec(path);
  if (req.method === 'GET' && profile && fields !== null && meta.size > 0)
    return metaProfile(req, reply, profile[1], fields);
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
