// Data-subject requests for one user: a full export as one JSON document, streamed part by part
// from profiles' ExportUser, and erasure (EraseUser) behind a typed confirmation.
import { Hono } from 'hono';
import { stream } from 'hono/streaming';
import { AppError } from '@ue/kit';
import {
  ActorKind,
  type ExportUserResponse,
  Fact,
  LogEntry,
  Message,
  PersonLink,
  Review,
  User,
} from '@ue/proto';
import type { AppDeps, AppEnv } from '../http/types.js';
import { UserCard } from '../views/user-page.js';
import { isSafeId } from './users-query.js';

type Part = NonNullable<ExportUserResponse['part']>;

/** The key each kind of part is listed under, and its proto JSON form. */
const SECTIONS: { [K in Exclude<Part['$case'], 'user'>]: string } = {
  message: 'messages',
  fact: 'facts',
  logEntry: 'log_entries',
  review: 'reviews',
  personLink: 'person_links',
};

function partJson(p: Part): unknown {
  switch (p.$case) {
    case 'user':
      return User.toJSON(p.user);
    case 'message':
      return Message.toJSON(p.message);
    case 'fact':
      return Fact.toJSON(p.fact);
    case 'logEntry':
      return LogEntry.toJSON(p.logEntry);
    case 'review':
      return Review.toJSON(p.review);
    case 'personLink':
      return PersonLink.toJSON(p.personLink);
  }
}

/**
 * Writes parts as `{"exported_at":…,"user":{…},"messages":[…],"facts":[…],"log_entries":[…],"reviews":[…],"person_links":[…]}`
 * while they arrive; profiles sends each kind together, in that order.
 */
export function exportJsonWriter(exportedAt: Date) {
  let open: string | undefined;
  const seen = new Set<string>();
  const close = (): string => {
    const out = open ? ']' : '';
    open = undefined;
    return out;
  };
  return {
    start: (): string => `{"exported_at":${JSON.stringify(exportedAt.toISOString())}`,
    part(p: Part): string {
      const key = p.$case === 'user' ? 'user' : SECTIONS[p.$case];
      const json = JSON.stringify(partJson(p));
      if (p.$case === 'user') return `${close()},"user":${json}`;
      if (open === key) return `,${json}`;
      if (seen.has(key)) throw new AppError('INTERNAL', `export: ${key} arrived out of order`);
      seen.add(key);
      const out = `${close()},"${key}":[${json}`;
      open = key;
      return out;
    },
    end(): string {
      const missing = Object.values(SECTIONS)
        .filter((k) => !seen.has(k))
        .map((k) => `,"${k}":[]`)
        .join('');
      return `${close()}${missing}}`;
    },
  };
}

export function privacyRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const idOf = (raw: string): string => {
    if (!isSafeId(raw)) throw AppError.notFound('user');
    return raw;
  };

  app.get('/users/:id/export.json', async (c) => {
    const id = idOf(c.req.param('id'));
    // Asked first so an unknown user is a 404, not a broken 200.
    await deps.profiles.getUser({ lookup: { $case: 'id', id } });
    c.header('Content-Type', 'application/json; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="user-${id}.json"`);
    const writer = exportJsonWriter(c.get('view').now);
    return stream(c, async (s) => {
      const abort = new AbortController();
      s.onAbort(() => abort.abort());
      await s.write(writer.start());
      for await (const p of deps.profiles.exportUser({ userId: id }, abort.signal)) {
        if (p.part) await s.write(writer.part(p.part));
      }
      await s.write(writer.end());
    });
  });

  app.post('/users/:id/erase', async (c) => {
    const id = idOf(c.req.param('id'));
    const body = await c.req.parseBody();
    if (body.confirm !== 'ERASE') throw AppError.invalid('confirm', 'type ERASE to confirm');
    const session = c.get('session');
    await deps.profiles.eraseUser({
      userId: id,
      actor: { kind: ActorKind.ADMIN, id: session.adminId, displayName: session.name },
      reason: 'erased by an admin from the dashboard',
    });
    const { user } = await deps.profiles.getUser({ lookup: { $case: 'id', id } });
    if (!user) throw AppError.notFound('user');
    return c.html(
      <UserCard user={user} ctx={c.get('view')} notice="The user's data was erased." />,
    );
  });

  return app;
}
