// A user's AI reviews: read for the user page and its live updates, and "Review now", which
// asks profiles to have the reviewer look at the conversation at once (RequestReview).
import { Hono } from 'hono';
import { AppError } from '@ue/kit';
import type { Review } from '@ue/proto';
import type { AppDeps, AppEnv } from '../http/types.js';
import { ReviewSection } from '../views/review-section.js';
import { actorOf, userId } from './user-params.js';

/** Newest first, failed attempts included. */
const HISTORY = 10;

/**
 * The user's reviews, or undefined when profiles could not list them: the section says so and
 * the rest of the page (conversation, card, log) still works.
 */
export async function loadReviews(
  deps: Pick<AppDeps, 'profiles' | 'log'>,
  id: string,
): Promise<Review[] | undefined> {
  try {
    return (await deps.profiles.listReviews({ userId: id, pageSize: HISTORY })).reviews;
  } catch (err) {
    deps.log.warn({ err, userId: id }, 'reviews not loaded');
    return undefined;
  }
}

export function reviewRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post('/users/:id/review', async (c) => {
    const id = userId(c);
    let notice = 'Review requested. It appears here as soon as the reviewer is done.';
    try {
      await deps.profiles.requestReview({ userId: id, actor: actorOf(c) });
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'FAILED_PRECONDITION') throw err;
      notice = `Not requested: ${err.message}`;
    }
    const [user, reviews] = await Promise.all([
      deps.profiles.getUser({ lookup: { $case: 'id', id } }),
      loadReviews(deps, id),
    ]);
    if (!user.user) throw AppError.notFound('user');
    return c.html(
      <ReviewSection user={user.user} reviews={reviews} notice={notice} ctx={c.get('view')} />,
    );
  });

  return app;
}
