// One user's page and its partials and actions. Mutations go to profiles attributed to the
// admin; each answers the fragment it changed.
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Hono, type Context } from 'hono';
import { AppError } from '@ue/kit';
import {
  LogEntryKind,
  LogEntryState,
  MediaState,
  MediaVariant,
  MessageContent,
  MessageType,
  type User,
} from '@ue/proto';
import { DEFAULT_MEDIA_SETTINGS } from '../config.js';
import type { AppDeps, AppEnv } from '../http/types.js';
import { href } from '../views/context.js';
import { parseLocalDateTime, parseStatus } from '../views/format.js';
import { sourceLabel } from '../views/accounts-format.js';
import {
  FactsSection,
  LogSection,
  marksOf,
  OlderMessages,
  ReplyForm,
  UserCard,
  UserPage,
} from '../views/user-page.js';
import { identitiesOf, loadPerson } from './person-load.js';
import { loadUserPage } from './user-page-model.js';
import { readReply, ReplyRefused, type Reply } from './reply-body.js';
import { actorOf, userId } from './user-params.js';
import { isSafeId } from './users-query.js';

type C = Context<AppEnv>;

async function field(c: C, name: string, max: number): Promise<string> {
  const body = await c.req.parseBody();
  const v = body[name];
  const s = typeof v === 'string' ? v.trim() : '';
  if (!s) throw AppError.invalid(name, 'required');
  if (s.length > max) throw AppError.invalid(name, `at most ${max} characters`);
  return s;
}

/** The fields of the profile form that differ from what the identity has now. */
function profileChange(
  user: User,
  body: Record<string, unknown>,
): { displayName?: string; email?: string } {
  const text = (name: string, max: number): string => {
    const v = body[name];
    const s = typeof v === 'string' ? v.trim() : '';
    if (s.length > max) throw AppError.invalid(name, `at most ${max} characters`);
    return s;
  };
  const displayName = text('display_name', 100);
  const email = text('email', 254);
  if (email && !/^[^\s@]+@[^\s@]+$/.test(email))
    throw AppError.invalid('email', 'an email address');
  return {
    ...(displayName !== (user.profile?.displayName ?? '') ? { displayName } : {}),
    ...(email !== (user.profile?.email ?? '') ? { email } : {}),
  };
}

export function userRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const p = deps.profiles;
  const pageSize = deps.settings.pageSizes?.messages ?? 40;
  const limits = deps.settings.media ?? DEFAULT_MEDIA_SETTINGS;

  const getUser = async (id: string): Promise<User> => {
    const res = await p.getUser({ lookup: { $case: 'id', id } });
    if (!res.user) throw AppError.notFound('user');
    return res.user;
  };
  const olderUrl = (c: C, id: string, page: { token: string; scope?: 'person' }) =>
    page.token
      ? href(c.get('view'), `/users/${encodeURIComponent(id)}/messages`, {
          scope: page.scope,
          page_token: page.token,
        })
      : undefined;
  const logOf = async (id: string) =>
    (await p.listLogEntries({ userId: id, pageSize: 100 })).entries;
  const renderLog = async (c: C, id: string) =>
    c.html(<LogSection user={await getUser(id)} log={await logOf(id)} ctx={c.get('view')} />);
  const renderCard = async (c: C, user: User) =>
    c.html(<UserCard user={user} ctx={c.get('view')} />);

  app.get('/users/:id', async (c) => {
    const timeline = c.req.query('timeline') === 'conversation' ? 'conversation' : 'person';
    const model = await loadUserPage(deps, { c, id: userId(c), timeline });
    return c.html(<UserPage {...model} />);
  });

  app.get('/users/:id/messages', async (c) => {
    const id = userId(c);
    const pageToken = (c.req.query('page_token') ?? '').slice(0, 512);
    // The person's timeline pages on across all its identities.
    const person =
      c.req.query('scope') === 'person' ? await loadPerson(deps, id, { named: false }) : undefined;
    const res = await p.listMessages(
      person
        ? { personId: person.person.id, pageSize, pageToken }
        : { userId: id, pageSize, pageToken },
    );
    return c.html(
      <OlderMessages
        messages={res.messages}
        olderUrl={olderUrl(c, id, {
          token: res.nextPageToken,
          scope: person ? 'person' : undefined,
        })}
        ctx={c.get('view')}
        marks={person ? marksOf(person.person.identities) : undefined}
      />,
    );
  });

  app.get('/users/:id/facts', async (c) => {
    const id = userId(c);
    const withHistory = c.req.query('history') === '1';
    const [user, res] = await Promise.all([
      getUser(id),
      p.listFacts({ userId: id, includeHistory: withHistory }),
    ]);
    return c.html(
      <FactsSection
        user={user}
        facts={res.facts}
        history={withHistory ? res.history : undefined}
        ctx={c.get('view')}
      />,
    );
  });

  app.get('/users/:id/log', async (c) => renderLog(c, userId(c)));

  app.post('/users/:id/notes', async (c) => {
    const id = userId(c);
    const text = await field(c, 'text', 4000);
    await p.addLogEntry({
      userId: id,
      kind: LogEntryKind.NOTE,
      text,
      author: actorOf(c),
      clientId: randomUUID(),
      dueAt: undefined,
    });
    return renderLog(c, id);
  });

  app.post('/users/:id/follow-ups', async (c) => {
    const id = userId(c);
    const text = await field(c, 'text', 1000);
    const dueAt = parseLocalDateTime(await field(c, 'due', 40), c.get('view').timeZone);
    if (!dueAt) throw AppError.invalid('due', 'a date and time');
    await p.addLogEntry({
      userId: id,
      kind: LogEntryKind.FOLLOW_UP,
      text,
      dueAt,
      author: actorOf(c),
      clientId: randomUUID(),
    });
    return renderLog(c, id);
  });

  app.post('/users/:id/log/:entry/done', async (c) => {
    const id = userId(c);
    const entry = c.req.param('entry');
    if (!isSafeId(entry)) throw AppError.notFound('log entry');
    await p.updateLogEntry({
      id: entry,
      actor: actorOf(c),
      state: LogEntryState.DONE,
      dueAt: undefined,
    });
    return renderLog(c, id);
  });

  const update = async (
    c: C,
    change: {
      status?: number;
      addTags?: string[];
      removeTags?: string[];
      paused?: boolean;
      displayName?: string;
      email?: string;
    },
  ) => {
    const res = await p.updateUser({
      userId: userId(c),
      actor: actorOf(c),
      addTags: [],
      removeTags: [],
      reason: '',
      ...change,
    });
    if (!res.user) throw AppError.notFound('user');
    return renderCard(c, res.user);
  };

  app.post('/users/:id/tags', async (c) =>
    update(c, { addTags: [(await field(c, 'tag', 40)).toLowerCase()] }),
  );
  app.post('/users/:id/tags/remove', async (c) =>
    update(c, { removeTags: [await field(c, 'tag', 40)] }),
  );
  app.post('/users/:id/status', async (c) => {
    const status = parseStatus(await field(c, 'status', 4));
    if (status === undefined) throw AppError.invalid('status', 'unknown status');
    return update(c, { status });
  });
  app.post('/users/:id/pause', async (c) =>
    update(c, { paused: (await field(c, 'paused', 3)) === 'yes' }),
  );
  // The name and email of this identity only: the person's other identities keep theirs.
  app.post('/users/:id/profile', async (c) => {
    const [user, body] = await Promise.all([getUser(userId(c)), c.req.parseBody()]);
    const change = profileChange(user, body);
    if (Object.keys(change).length === 0) return renderCard(c, user);
    return update(c, change);
  });

  /** The reply box again, with the person's identities to pick from. */
  const replyForm = async (
    c: C,
    id: string,
    said: { notice?: string; error?: string; to?: string },
  ) => {
    const [user, person] = await Promise.all([getUser(id), loadPerson(deps, id, { named: false })]);
    return c.html(
      <ReplyForm
        user={user}
        identities={identitiesOf(person, user)}
        preferred={said.to ?? id}
        ctx={c.get('view')}
        notice={said.notice}
        error={said.error}
      />,
      200,
    );
  };

  /** The identity a reply goes to: this one, or another of its person's (the picker). */
  const replyTarget = async (id: string, to: string | undefined): Promise<User> => {
    if (!to || to === id) return getUser(id);
    if (!isSafeId(to)) throw AppError.invalid('to', 'not an identity of this person');
    const person = await loadPerson(deps, id, { named: false });
    const target = person?.person.identities.find((i) => i.id === to);
    if (!target) throw AppError.invalid('to', 'not an identity of this person');
    return target;
  };

  app.post('/users/:id/reply', async (c) => {
    const id = userId(c);
    let reply: Reply;
    try {
      reply = await readReply(c, limits);
    } catch (err) {
      if (err instanceof ReplyRefused) return replyForm(c, id, { error: err.message });
      throw err;
    }
    let sent: { tag: string; target: User };
    try {
      const target = await replyTarget(id, reply.to);
      let content = MessageContent.fromPartial({ type: MessageType.TEXT, text: reply.text });
      if (reply.attachment) {
        const a = reply.attachment;
        const uploaded = await p.uploadMedia(
          {
            userId: target.id,
            variant: MediaVariant.ORIGINAL,
            mimeType: a.mimeType,
            filename: a.filename,
            sizeBytes: a.file.sizeBytes,
            sha256Hex: a.file.sha256Hex,
            width: a.width,
            height: a.height,
          },
          createReadStream(a.file.path),
        );
        content = MessageContent.fromPartial({
          type: a.kind === 'image' ? MessageType.IMAGE : MessageType.DOCUMENT,
          text: reply.text,
          media: {
            mimeType: a.mimeType,
            filename: a.filename,
            stored: { fileId: uploaded.fileId, state: MediaState.STORED },
          },
        });
      }
      const res = await p.sendMessage({
        userId: target.id,
        content,
        author: actorOf(c),
        clientId: randomUUID(),
        replyToMessageId: '',
      });
      sent = { tag: res.tag, target };
    } catch (err) {
      if (
        err instanceof AppError &&
        (err.code === 'FAILED_PRECONDITION' || err.code === 'INVALID_ARGUMENT')
      ) {
        return replyForm(c, id, { notice: `Not sent: ${err.message}`, to: reply.to });
      }
      throw err;
    } finally {
      await reply.cleanup();
    }
    const on =
      sent.target.id === id ? '' : ` on ${sourceLabel(sent.target, c.get('view').accounts)}`;
    const tag = sent.tag ? ` (sent with the ${sent.tag} tag)` : '';
    return replyForm(c, id, {
      notice: `Reply queued${on}${tag}. It appears in the conversation with its delivery ticks.`,
      to: sent.target.id,
    });
  });

  return app;
}
