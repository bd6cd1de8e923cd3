// A lean webhook poster over node:http with keep-alive connections (cheaper per request than
// fetch, so the load generator takes less of the CPU it shares with the stack).
import { Agent, request } from 'node:http';

export interface Poster {
  /** POST one signed body; resolves with the HTTP status (0 on a connection error). */
  post(body: string, signature: string): Promise<number>;
  close(): void;
}

export function createPoster(o: { url: string; connections: number }): Poster {
  const u = new URL(o.url);
  const agent = new Agent({ keepAlive: true, maxSockets: o.connections });
  return {
    post(body, signature) {
      return new Promise<number>((resolve) => {
        const req = request(
          {
            agent,
            host: u.hostname,
            port: u.port,
            path: u.pathname,
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
              'x-hub-signature-256': signature,
            },
          },
          (res) => {
            res.resume();
            res.once('end', () => resolve(res.statusCode ?? 0));
            res.once('error', () => resolve(0));
          },
        );
        req.once('error', () => resolve(0));
        req.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}
