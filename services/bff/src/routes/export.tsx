import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../http/types.js';

export function exportRoutes(_deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  return app;
}
