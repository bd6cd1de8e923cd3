// An account as the first webhook naming it (or UpdateAccount) creates it. One definition for
// the store (adapters/mongo/account-repo.ts), the listing of accounts stored before accounts had
// documents, and the unit tests' fakes.
import { Channel } from '@ue/proto';
import { channelOf } from './channels.js';
import type { RetentionDays } from './ports.js';
import type { AccountRecord } from './records.js';

/** 0 keeps a data class forever (the default). */
export const KEEP_FOREVER: RetentionDays = {
  messagesDays: 0,
  mediaDays: 0,
  deliveriesDays: 0,
  reviewTextsDays: 0,
};

/** Where ingest's sender finds the account's secret unless an admin names another place. */
export function defaultCredentialsRef(channel: Channel, accountId: string): string {
  if (channel === Channel.MESSENGER) return `MESSENGER_PAGE_TOKENS:${accountId}`;
  if (channel === Channel.INSTAGRAM) return `INSTAGRAM_TOKENS:${accountId}`;
  return 'WHATSAPP_ACCESS_TOKEN';
}

export function newAccountRecord(
  a: { accountId: string; channel: Channel; wabaId: string; display: string },
  at: Date,
): AccountRecord {
  const channel = channelOf(a.channel);
  return {
    _id: a.accountId,
    channel,
    name: '',
    displayId: a.display,
    wabaId: a.wabaId,
    // The accounts of one business; a WhatsApp number's is its WABA.
    businessId: a.wabaId || a.accountId,
    credentialsRef: defaultCredentialsRef(channel, a.accountId),
    retention: { ...KEEP_FOREVER },
    health: {},
    createdAt: at,
  };
}
