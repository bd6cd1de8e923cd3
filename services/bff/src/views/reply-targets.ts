// Which of a person's identities can get a message now, and which one a reply goes to by
// default. WhatsApp: within the 24 h customer-service window only (templates after it).
// Messenger and Instagram: within 24 h as a normal reply, and up to 7 days after the person's
// last message when a person (not a bot) answers, with the HUMAN_AGENT tag (profiles picks
// the tag and says so in SendMessageResponse.tag).
import { Channel, type User } from '@ue/proto';
import { shownChannel } from './accounts-format.js';

export const HUMAN_AGENT_WINDOW_MS = 7 * 86400_000;

export interface ReplyTarget {
  user: User;
  /** Outside the 24 h window: the send carries the HUMAN_AGENT tag. */
  humanAgent: boolean;
  /** Until when a reply is possible this way. */
  until: Date;
}

function targetOf(u: User, now: Date): ReplyTarget | undefined {
  if (u.erasedAt) return undefined;
  if (u.serviceWindowExpiresAt && u.serviceWindowExpiresAt > now)
    return { user: u, humanAgent: false, until: u.serviceWindowExpiresAt };
  const tagged = shownChannel(u.channel) !== Channel.WHATSAPP && u.lastInboundAt;
  if (!tagged) return undefined;
  const until = new Date(u.lastInboundAt!.getTime() + HUMAN_AGENT_WINDOW_MS);
  return until > now ? { user: u, humanAgent: true, until } : undefined;
}

/** The identities a reply can go to now, the one the person wrote from last first. */
export function replyTargets(identities: User[], now: Date): ReplyTarget[] {
  const last = (t: ReplyTarget): number => t.user.lastInboundAt?.getTime() ?? 0;
  return identities
    .map((u) => targetOf(u, now))
    .filter((t): t is ReplyTarget => t !== undefined)
    .sort((a, b) => last(b) - last(a));
}

/** The preferred identity when it can get a message, else the one the person last wrote from. */
export function defaultTarget(
  targets: ReplyTarget[],
  preferred: string | undefined,
): ReplyTarget | undefined {
  return targets.find((t) => t.user.id === preferred) ?? targets[0];
}

/** Which identities are reachable, as one string: the reply box is redrawn when it changes. */
export function reachableKey(identities: User[], now: Date): string {
  return replyTargets(identities, now)
    .map((t) => `${t.user.id}:${t.humanAgent ? 'tag' : 'open'}`)
    .sort()
    .join(',');
}
