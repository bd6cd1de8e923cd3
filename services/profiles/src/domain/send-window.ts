// Messenger and Instagram send rules (Meta's messaging policy; these channels have no templates):
// within 24 h of the person's last message a reply is a standard RESPONSE; after that a human may
// still answer for 7 days with the HUMAN_AGENT message tag; later nothing may be sent until the
// person writes again.
import { SERVICE_WINDOW_MS } from './limits.js';

export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;
export const HUMAN_AGENT_TAG = 'HUMAN_AGENT';

/** The message tag a send uses ('' is messaging_type RESPONSE), or why it may not be sent. */
export type MetaSend = { tag: '' | typeof HUMAN_AGENT_TAG } | { refused: string };

export function metaSendRule(o: { lastInboundAt?: Date; now: Date; human: boolean }): MetaSend {
  if (!o.lastInboundAt)
    return { refused: 'the person has not written yet: nothing can be sent until they do' };
  const since = o.now.getTime() - o.lastInboundAt.getTime();
  if (since < SERVICE_WINDOW_MS) return { tag: '' };
  if (since < HUMAN_AGENT_WINDOW_MS && o.human) return { tag: HUMAN_AGENT_TAG };
  if (since < HUMAN_AGENT_WINDOW_MS)
    return {
      refused: 'outside the 24 h window; a person may answer for 7 days with the HUMAN_AGENT tag',
    };
  return {
    refused:
      'outside the 24 h window and the 7 days a person may answer with the HUMAN_AGENT tag: nothing can be sent until the person writes again',
  };
}
