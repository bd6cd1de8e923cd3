import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../http/types.js';

export function usersRoutes(_deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  return app;
}
