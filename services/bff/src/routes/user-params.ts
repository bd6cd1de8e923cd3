// What every user route reads from the request: the user id from the path (id-shaped only) and
// the admin acting, as profiles' Actor.
import type { Context } from 'hono';
import { AppError } from '@ue/kit';
import { ActorKind, type Actor } from '@ue/proto';
import type { AppEnv } from '../http/types.js';
import { isSafeId } from './users-query.js';

export function actorOf(c: Context<AppEnv>): Actor {
  const s = c.get('session');
  return { kind: ActorKind.ADMIN, id: s.adminId, displayName: s.name };
}

export function userId(c: Context<AppEnv>): string {
  const id = c.req.param('id');
  if (!isSafeId(id)) throw AppError.notFound('user');
  return id;
}
