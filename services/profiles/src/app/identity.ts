// The identity an event names a user by: account plus wa_id and/or BSUID.
import type { UserRef, WebhookEvent } from '@ue/proto';
import type { Identity } from './ports.js';

export function identityOf(e: WebhookEvent, ref: UserRef | undefined): Identity {
  return {
    accountId: e.accountId,
    wabaId: e.wabaId,
    waId: ref?.waId ?? '',
    bsuid: ref?.bsuid ?? '',
    parentBsuid: ref?.parentBsuid ?? '',
  };
}

/** What applying one event did: changed something, changed nothing, or waits for its message. */
export type Outcome = 'applied' | 'duplicate' | 'orphaned';
