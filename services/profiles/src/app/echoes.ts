// Echoes of our own sends (Messenger / Instagram): ingest passes `ue:<message id>` to the Send
// API as metadata and the provider reports the sent message back with it. Such an echo is that
// message's send result (its provider id), never a second message, whichever of the two arrives
// first. An echo we did not send is the page's own message (apply-bulk.ts stores it).
import { Direction, EventKind, type InboundMessageEvent } from '@ue/proto';
import { applyBulk } from './apply-bulk.js';
import { markSent } from './apply-message-updates.js';
import { identityOf, type Outcome } from './identity.js';
import type { Applying } from './inbound-doc.js';
import type { EventPorts } from './ports.js';
import { publishMessage } from './publish.js';
import type { MessageRecord } from './records.js';

export async function applyOurEcho(
  deps: EventPorts,
  a: Applying,
  echo: { m: InboundMessageEvent; messageId: string },
): Promise<Outcome> {
  const msg = await deps.messages.findById(echo.messageId);
  // Ours, but the message is gone (its user was erased): nothing to attach it to, nothing stored.
  if (!msg) return 'orphaned';
  if (!(await sentTo(deps, a, { msg, m: echo.m })))
    return (await applyBulk(deps, [{ index: 0, e: a.e }])).get(0) ?? 'duplicate';
  const changed = await markSent(deps, msg, { wamid: echo.m.wamid, at: a.at });
  if (changed) await publishMessage(deps, EventKind.STATUS_CHANGED, msg._id);
  return changed ? 'applied' : 'duplicate';
}

/** The metadata names an outbound message of this account to this echo's user. */
async function sentTo(
  deps: Pick<EventPorts, 'users'>,
  a: Applying,
  o: { msg: MessageRecord; m: InboundMessageEvent },
): Promise<boolean> {
  if (o.msg.direction !== Direction.OUTBOUND || o.msg.accountId !== a.e.accountId) return false;
  return (await deps.users.lookupIdentity(identityOf(a.e, o.m.from))) === o.msg.userId;
}
