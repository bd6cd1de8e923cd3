// Accounts (channel endpoints: a WhatsApp number, a Facebook Page, an Instagram professional
// account): registered by the webhooks that name them, named and given a retention policy by
// UpdateAccount, listed with their users' counts by ListAccounts.
import { AppError } from '@ue/kit';
import {
  Channel,
  type Actor,
  type ListAccountsRequest,
  type ProviderError,
  type RetentionPolicy,
  type UpdateAccountRequest,
  type WebhookEvent,
} from '@ue/proto';
import { optionalString, requireString } from '../domain/limits.js';
import { channelOf } from './channels.js';
import { checkEnum, ENUMS } from './enums.js';
import { newAccountRecord } from './new-account.js';
import type { AccountSighting, AccountUsage, Ports, RetentionDays } from './ports.js';
import type { AccountRecord } from './records.js';

type AccountPorts = Pick<Ports, 'accounts' | 'now'>;

/** An account as listed: its document (or what its users say of it) and their counts. */
export interface AccountView {
  account: AccountRecord;
  usage?: AccountUsage;
}

/** The accounts a batch names, once each (ingest's own send reports are no webhook deliveries). */
export function accountSightings(events: WebhookEvent[]): AccountSighting[] {
  const byId = new Map<string, AccountSighting>();
  for (const e of events) {
    if (e.event?.$case === 'sendResult') continue;
    const seen = byId.get(e.accountId);
    byId.set(e.accountId, {
      accountId: e.accountId,
      channel: seen?.channel ?? channelOf(e.channel),
      wabaId: seen?.wabaId || e.wabaId,
      display: seen?.display || e.accountDisplay,
    });
  }
  return [...byId.values()];
}

/** What an account's health keeps of provider errors: codes and titles, never customer text. */
export function errorSummary(errors: ProviderError[]): string {
  return errors
    .slice(0, 3)
    .map((e) => `${e.code} ${e.title}`.trim())
    .join('; ')
    .slice(0, 300);
}

/** A provider error or a refused send: the account's latest problem. */
export async function noteAccountError(
  deps: Pick<Ports, 'accounts'>,
  e: { accountId: string; at: Date; errors: ProviderError[] },
): Promise<void> {
  if (e.errors.length === 0) return;
  await deps.accounts.noteError(e.accountId, { at: e.at, error: errorSummary(e.errors) });
}

const byChannelNameId = (a: AccountView, b: AccountView): number => {
  const [x, y] = [a.account, b.account];
  if (x.channel !== y.channel) return x.channel - y.channel;
  if (x.name !== y.name) return x.name < y.name ? -1 : 1;
  return x._id < y._id ? -1 : x._id > y._id ? 1 : 0;
};

/**
 * Every account (optionally of one channel) with its users' counts; accounts whose users were
 * stored before accounts had documents are listed too, as WhatsApp numbers without a name.
 */
export async function listAccounts(
  deps: Pick<Ports, 'accounts'>,
  req: ListAccountsRequest,
): Promise<AccountView[]> {
  const channel = checkEnum('channel', ENUMS.channel, req.channel);
  const [docs, usage] = await Promise.all([deps.accounts.list(), deps.accounts.usage()]);
  const usageOf = new Map(usage.map((u) => [u.accountId, u]));
  const rows: AccountView[] = docs.map((account) => ({ account, usage: usageOf.get(account._id) }));
  const documented = new Set(docs.map((d) => d._id));
  for (const u of usage) if (!documented.has(u.accountId)) rows.push(undocumented(u));
  return rows
    .filter((r) => channel === Channel.UNSPECIFIED || r.account.channel === channel)
    .sort(byChannelNameId);
}

function undocumented(u: AccountUsage): AccountView {
  const record = newAccountRecord(
    { accountId: u.accountId, channel: Channel.WHATSAPP, wabaId: u.wabaId, display: '' },
    u.firstSeenAt ?? new Date(0),
  );
  return { account: record, usage: u };
}

const RETENTION_FIELDS: [keyof RetentionDays, string][] = [
  ['messagesDays', 'messages_days'],
  ['mediaDays', 'media_days'],
  ['deliveriesDays', 'deliveries_days'],
  ['reviewTextsDays', 'review_texts_days'],
];

/** Each period 0 (keep) up to 100 years. */
function checkRetention(r: RetentionPolicy): RetentionDays {
  const out = {} as RetentionDays;
  for (const [key, field] of RETENTION_FIELDS) {
    const v = r[key];
    if (!Number.isInteger(v) || v < 0 || v > 36_500)
      throw AppError.invalid(`retention.${field}`, 'days from 0 (keep forever) to 36500');
    out[key] = v;
  }
  return out;
}

const optionalField = (field: string, v: string | undefined, max: number) =>
  v === undefined ? undefined : optionalString(field, v, max);

/**
 * UpdateAccount: create the account (channel required) or change it (the channel never
 * changes). Every field is checked before anything is written; no live event.
 */
export async function updateAccount(
  deps: AccountPorts,
  req: UpdateAccountRequest,
  actor: Actor,
): Promise<AccountView> {
  const accountId = requireString('account_id', req.accountId, 64);
  const channel = checkEnum('channel', ENUMS.channel, req.channel);
  const change = {
    accountId,
    name: optionalField('name', req.name?.trim(), 80),
    displayId: optionalField('display_id', req.displayId, 200),
    businessId: optionalField('business_id', req.businessId, 200),
    credentialsRef: optionalField('credentials_ref', req.credentialsRef, 200),
    retention: req.retention ? checkRetention(req.retention) : undefined,
    changed: { by: actor, at: deps.now() },
  };
  const existing = await deps.accounts.find(accountId);
  if (!existing && channel === Channel.UNSPECIFIED)
    throw AppError.invalid('channel', 'required when the account does not exist yet');
  if (existing && channel !== Channel.UNSPECIFIED && channel !== existing.channel)
    throw new AppError(
      'FAILED_PRECONDITION',
      `the channel of an account cannot change (it is ${Channel[existing.channel]})`,
    );
  const account = await deps.accounts.upsert({
    ...change,
    channel: existing?.channel ?? channel,
  });
  const [usage] = await deps.accounts.usage(accountId);
  return { account, usage };
}
