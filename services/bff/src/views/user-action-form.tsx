// Every action on a user page is a form that posts to one of the user's paths and replaces a
// panel (the card, the log or the review) with the fragment the server answers.
import type { Child } from 'hono/jsx';
import type { User } from '@ue/proto';
import type { ViewCtx } from './context.js';
import { userPath } from './user-path.js';

export function UserActionForm(props: {
  ctx: ViewCtx;
  user: Pick<User, 'id'>;
  /** Path under the user, e.g. "/tags". */
  path: string;
  panel: '#user-card' | '#log' | '#review';
  class?: string;
  children?: Child;
}) {
  return (
    <form
      class={props.class}
      hx-post={userPath(props.ctx, props.user, props.path)}
      hx-target={props.panel}
      hx-swap="outerHTML"
    >
      {props.children}
    </form>
  );
}
