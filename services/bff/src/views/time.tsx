import type { ViewCtx } from './context.js';
import { absoluteTime, relativeTime } from './format.js';

/** A time shown relative ("5 min. ago") with the absolute time in the display zone on hover. */
export function Time(props: { at: Date | undefined; ctx: ViewCtx; absolute?: boolean }) {
  const { at, ctx } = props;
  if (!at) return <span class="muted">—</span>;
  const abs = absoluteTime(at, ctx.timeZone);
  return (
    <time datetime={at.toISOString()} title={abs}>
      {props.absolute ? abs : relativeTime(at, ctx.now)}
    </time>
  );
}
