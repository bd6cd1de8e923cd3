// /healthz (200 when Redis and profiles answer and the model is ready, else 503) and /metrics.
import { Hono } from 'hono';
import type { Metrics } from './ops/metrics.js';

export function createHttp(o: {
  metrics: Metrics;
  health: () => Promise<Record<string, boolean | string>>;
}): Hono {
  const app = new Hono();
  app.get('/healthz', async (c) => {
    const h = await o.health();
    const ok = Object.values(h).every((v) => v !== false);
    return c.json({ status: ok ? 'ok' : 'unavailable', ...h }, ok ? 200 : 503);
  });
  app.get('/metrics', async (c) =>
    c.body(await o.metrics.registry.metrics(), 200, {
      'content-type': o.metrics.registry.contentType,
    }),
  );
  return app;
}
