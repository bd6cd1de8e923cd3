import type { User } from '@ue/proto';
import { href, type ViewCtx } from './context.js';

/** A path under one user's page ("/users/<id>/notes"), with the id encoded. */
export const userPath = (ctx: ViewCtx, u: Pick<User, 'id'>, rest = ''): string =>
  href(ctx, `/users/${encodeURIComponent(u.id)}${rest}`);
