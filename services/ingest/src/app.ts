// The HTTP surface: provider webhooks, health and metrics. No listen, no globals.
import { Hono } from 'hono';
import { webhookRoutes, type RouteSecrets, type WebhookDeps } from './http/webhook-routes.js';

export interface HealthReport {
  redis: boolean;
  profiles: boolean;
}

export interface AppDeps extends WebhookDeps {
  whatsapp: RouteSecrets;
  /** Messenger and Instagram: usually the WhatsApp app's own token and secrets (one Meta app). */
  meta: RouteSecrets;
  /** Reachability of what the service depends on; each check is bounded in time. */
  health: () => Promise<HealthReport>;
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.route('/webhooks/whatsapp', webhookRoutes(deps, { ...deps.whatsapp, provider: 'whatsapp' }));
  // Either route takes either object (`page`, `instagram`): an app may use one callback URL.
  app.route('/webhooks/messenger', webhookRoutes(deps, { ...deps.meta, provider: 'messenger' }));
  app.route('/webhooks/instagram', webhookRoutes(deps, { ...deps.meta, provider: 'instagram' }));

  app.get('/healthz', async (c) => {
    const h = await deps.health();
    const ok = h.redis && h.profiles;
    const detail = {
      status: ok ? 'ok' : 'degraded',
      redis: h.redis ? 'up' : 'down',
      profiles: h.profiles ? 'up' : 'down',
    };
    return c.json(detail, ok ? 200 : 503);
  });

  app.get('/metrics', async (c) => {
    const body = await deps.metrics.registry.metrics();
    return c.body(body, 200, { 'Content-Type': deps.metrics.registry.contentType });
  });

  app.notFound((c) => c.text('Not Found', 404));
  app.onError((err, c) => {
    deps.log.error({ err }, 'unhandled error');
    return c.text('Internal Server Error', 500);
  });
  return app;
}
