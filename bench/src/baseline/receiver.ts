// The accept baseline, run as its own process: the least a webhook receiver must do. node:http
// reads the raw body, checks X-Hub-Signature-256 (HMAC-SHA256, timing-safe), makes one Redis
// RPUSH of the body (same Redis server, same fsync policy as ingest's queue) and answers 200.
import { createServer } from 'node:http';
import { Redis } from 'ioredis';
import { loadReceiverConfig } from '../config.js';
import { signatureValid } from './signature.js';

const config = loadReceiverConfig();
const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1 });

const server = createServer((req, res) => {
  if (req.method !== 'POST') {
    res.writeHead(req.url === '/healthz' ? 200 : 404).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const sig = req.headers['x-hub-signature-256'];
    if (!signatureValid(body, typeof sig === 'string' ? sig : undefined, config.secret)) {
      res.writeHead(401).end();
      return;
    }
    redis.rpush(config.listKey, body).then(
      () => res.writeHead(200, { 'content-type': 'text/plain' }).end('OK'),
      () => res.writeHead(503).end(),
    );
  });
});

server.keepAliveTimeout = 65_000;
server.listen(config.port, '127.0.0.1');

const stop = (): void => {
  server.close();
  server.closeIdleConnections();
  void redis.quit().finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
