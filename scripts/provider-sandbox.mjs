#!/usr/bin/env node
// Development stand-in for the WhatsApp Cloud API send endpoint, used by ./dev up (Meta's API
// is not reachable from a development machine). It accepts
//   POST /<version>/<phone_number_id>/messages   (Authorization: Bearer <WHATSAPP_ACCESS_TOKEN>)
// answers like the provider ({ messages: [{ id: wamid }] }), and then posts signed status
// webhooks (sent, delivered, read) for that wamid to ingest, as the provider would.
// Env: SANDBOX_PORT (7209), INGEST_URL, WHATSAPP_APP_SECRET, WHATSAPP_ACCESS_TOKEN.
import { createHmac, randomBytes } from 'node:crypto';
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

const server = createServer((req, res) => {
  const m = /^\/[^/]+\/(\d+)\/messages$/.exec(req.url ?? '');
  const reply = (code, obj) => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(obj));
  };
  if (req.method !== 'POST' || !m)
    return reply(404, { error: { message: 'Unknown path', code: 100 } });
  if (req.headers.authorization !== `Bearer ${token}`)
    return reply(401, {
      error: { message: 'Invalid OAuth access token', type: 'OAuthException', code: 190 },
    });
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
