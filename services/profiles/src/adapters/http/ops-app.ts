// Operations HTTP: /healthz (200 when MongoDB and Redis answer, 503 otherwise) and /metrics.
import { Hono } from 'hono';
import type { Registry } from 'prom-client';

export interface OpsDeps {
  registry: Registry;
  checks: Record<string, () => Promise<unknown>>;
}

async function probe(fn: () => Promise<unknown>, ms = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([
      fn().then(
        () => true,
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function createOpsApp(deps: OpsDeps): Hono {
  const app = new Hono();
  app.get('/healthz', async (c) => {
    const names = Object.keys(deps.checks);
    const results = await Promise.all(names.map((n) => probe(deps.checks[n]!)));
    const status = Object.fromEntries(names.map((n, i) => [n, results[i] ? 'ok' : 'down']));
    return c.json(
      { status: results.every(Boolean) ? 'ok' : 'unavailable', checks: status },
      results.every(Boolean) ? 200 : 503,
    );
  });
  app.get('/metrics', async (c) =>
    c.text(await deps.registry.metrics(), 200, { 'content-type': deps.registry.contentType }),
  );
  return app;
}
