// CSV exports, streamed page by page from profiles so memory stays flat.
import { Hono } from 'hono';
import { stream } from 'hono/streaming';
import { AppError } from '@ue/kit';
import { Direction, type User } from '@ue/proto';
import type { AccountIndex } from '../accounts/directory.js';
import type { AppDeps, AppEnv } from '../http/types.js';
import { accountChannel, accountLabel, CHANNEL_NAMES } from '../views/accounts-format.js';
import { csvRows } from '../views/csv.js';
import { hasReview, sentimentLabel } from '../views/review-format.js';
import { deliveryLabel, displayName, statusLabel, typeLabel } from '../views/format.js';
import { isSafeId, parseUsersQuery, toListUsersRequest } from './users-query.js';

const USER_HEADER = [
  'user_id',
  'name',
  'phone',
  'email',
  'channel',
  'account',
  'account_id',
  'status',
  'tags',
  'paused',
  'needs_reply',
  'created_at',
  'last_interaction_at',
  'last_message',
  'review_score',
  'review_sentiment',
  'review_headline',
  'review_open_action_items',
  'reviewed_at',
];

/** Empty review cells until the first successful review. */
function reviewCells(u: User): unknown[] {
  const r = u.review;
  if (!r || !hasReview(r)) return ['', '', '', '', ''];
  return [r.score, sentimentLabel(r.sentiment), r.headline, r.openActionItems, r.reviewedAt];
}

function userRow(u: User, accounts: AccountIndex): unknown[] {
  return [
    u.id,
    displayName(u),
    u.profile?.phoneE164,
    u.profile?.email,
    CHANNEL_NAMES[accountChannel(u, accounts)],
    accountLabel(u, accounts),
    u.accountId,
    statusLabel(u.status),
    u.tags.join(' '),
    u.paused,
    u.needsReply,
    u.createdAt,
    u.lastInteractionAt,
    u.lastMessage?.text,
    ...reviewCells(u),
  ];
}

export function exportRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const headers = (name: string) => ({
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${name}"`,
  });

  app.get('/export/users.csv', async (c) => {
    const q = parseUsersQuery((n) => c.req.query(n));
    const { now, accounts = new Map() } = c.get('view');
    const rows = (users: User[]) => csvRows(users.map((u) => userRow(u, accounts)));
    for (const [k, v] of Object.entries(headers(`users-${now.toISOString().slice(0, 10)}.csv`)))
      c.header(k, v);
    // The first page is fetched before answering, so a failing profiles gives an error status.
    let page = await deps.profiles.listUsers(toListUsersRequest(q, now, { size: 200 }));
    return stream(c, async (s) => {
      await s.write(csvRows([USER_HEADER]));
      await s.write(rows(page.users));
      while (page.nextPageToken && !s.aborted) {
        page = await deps.profiles.listUsers(
          toListUsersRequest(q, now, { token: page.nextPageToken, size: 200 }),
        );
        await s.write(rows(page.users));
      }
    });
  });

  app.get('/users/:id/transcript.csv', async (c) => {
    const id = c.req.param('id');
    if (!isSafeId(id)) throw AppError.notFound('user');
    await deps.profiles.getUser({ lookup: { $case: 'id', id } });
    for (const [k, v] of Object.entries(headers(`transcript-${id}.csv`))) c.header(k, v);
    return stream(c, async (s) => {
      // Newest first, as profiles pages it: a transcript of any length streams without buffering.
      await s.write(
        csvRows([
          [
            'sent_at',
            'direction',
            'author',
            'type',
            'text',
            'delivery',
            'edited',
            'deleted',
            'message_id',
          ],
        ]),
      );
      let token = '';
      do {
        const page = await deps.profiles.listMessages({
          userId: id,
          pageSize: 200,
          pageToken: token,
        });
        const rows = page.messages.map((m) => [
          m.sentAt ?? m.receivedAt,
          m.direction === Direction.OUTBOUND ? 'out' : 'in',
          m.direction === Direction.OUTBOUND ? m.author?.displayName || m.author?.id : 'user',
          typeLabel(m.content?.type ?? 0),
          m.content?.text || m.content?.location?.name || m.content?.media?.filename || '',
          deliveryLabel(m.status).label,
          m.edits.length > 0,
          m.revoked,
          m.id,
        ]);
        await s.write(csvRows(rows));
        token = page.nextPageToken;
      } while (token && !s.aborted);
    });
  });

  return app;
}
