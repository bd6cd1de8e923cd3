// The accounts page: one card per channel endpoint (a WhatsApp number, a Page, an Instagram
// account) with its counts, webhook health, retention and credentials reference, and a form
// that changes its name, business, credentials reference and retention (UpdateAccount).
import type { Account, AccountHealth, PeopleRules } from '@ue/proto';
import {
  accountLabel,
  channelLabel,
  retentionNotice,
  retentionSummary,
} from './accounts-format.js';
import { ChannelIcon } from './channel-icon.js';
import { href, type ViewCtx } from './context.js';
import { absoluteTime, relativeTime } from './format.js';
import { Layout } from './layout.js';
import { Time } from './time.js';

/** The form's fields, as the admin typed them (kept when a value is refused). */
export interface AccountForm {
  name: string;
  business_id: string;
  credentials_ref: string;
  messages_days: string;
  media_days: string;
  deliveries_days: string;
  review_texts_days: string;
}

export const ACCOUNT_FIELDS = [
  'name',
  'business_id',
  'credentials_ref',
  'messages_days',
  'media_days',
  'deliveries_days',
  'review_texts_days',
] as const satisfies readonly (keyof AccountForm)[];

export function accountFormOf(a: Account): AccountForm {
  const r = a.retention;
  return {
    name: a.name,
    business_id: a.businessId,
    credentials_ref: a.credentialsRef,
    messages_days: String(r?.messagesDays ?? 0),
    media_days: String(r?.mediaDays ?? 0),
    deliveries_days: String(r?.deliveriesDays ?? 0),
    review_texts_days: String(r?.reviewTextsDays ?? 0),
  };
}

export type HealthState = 'none' | 'healthy' | 'error';

/** No delivery yet; an error newer than the last delivery; or healthy. */
export function healthState(h: AccountHealth | undefined): HealthState {
  if (!h?.lastDeliveryAt && !h?.lastErrorAt) return 'none';
  if (h.lastErrorAt && (!h.lastDeliveryAt || h.lastErrorAt >= h.lastDeliveryAt)) return 'error';
  return 'healthy';
}

/** "21 Nov 2026, 12:00 CET (5 min. ago)": the time and its age. */
function TimeAndAge(props: { at: Date; ctx: ViewCtx }) {
  const { at, ctx } = props;
  return (
    <time datetime={at.toISOString()}>
      {absoluteTime(at, ctx.timeZone)} ({relativeTime(at, ctx.now)})
    </time>
  );
}

function Health(props: { health: AccountHealth | undefined; ctx: ViewCtx }) {
  const h = props.health;
  const state = healthState(h);
  return (
    <div class="health">
      <p>
        <span class={`badge health-${state}`}>
          {state === 'none' ? 'No delivery yet' : state === 'healthy' ? 'Healthy' : 'Error'}
        </span>
      </p>
      {h?.lastDeliveryAt ? (
        <p class="small">
          Last delivery <TimeAndAge at={h.lastDeliveryAt} ctx={props.ctx} />
        </p>
      ) : null}
      {h?.lastErrorAt ? (
        <p class={`small ${state === 'error' ? 'error-text' : 'muted'}`}>
          Last error <TimeAndAge at={h.lastErrorAt} ctx={props.ctx} />:{' '}
          <bdi>{h.lastError || 'no details'}</bdi>
        </p>
      ) : null}
    </div>
  );
}

function Retention(props: { account: Account }) {
  const notice = retentionNotice(props.account.retention);
  return (
    <>
      <ul class="retention">
        {retentionSummary(props.account.retention).map(([what, kept]) => (
          <li>
            {what}: {kept}
          </li>
        ))}
      </ul>
      {notice ? <p class="small muted">{notice}</p> : null}
    </>
  );
}

const LABELS: Record<keyof AccountForm, string> = {
  name: 'Name',
  business_id: 'Business id',
  credentials_ref: 'Credentials reference (a configuration name, never the secret)',
  messages_days: 'Keep messages (days, 0 = keep)',
  media_days: 'Keep media files (days, 0 = keep)',
  deliveries_days: 'Keep raw deliveries (days, 0 = keep)',
  review_texts_days: 'Keep review texts (days, 0 = keep)',
};

function FormField(props: {
  id: string;
  field: keyof AccountForm;
  value: string;
  error: string | undefined;
}) {
  const { id, field, error } = props;
  const days = field.endsWith('_days');
  const errId = `${id}-${field}-error`;
  return (
    <label>
      {LABELS[field]}
      <input
        type={days ? 'number' : 'text'}
        name={field}
        value={props.value}
        {...(days
          ? { min: '0', max: '36500', step: '1', inputmode: 'numeric' }
          : { maxlength: field === 'name' ? 100 : 128 })}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? errId : undefined}
        autocomplete="off"
      />
      {error ? (
        <span class="error-text small" id={errId}>
          {error}
        </span>
      ) : null}
    </label>
  );
}

/** An id-derived element id (provider ids are digits, but nothing is assumed). */
export const accountDomId = (id: string): string => `account-${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;

export function AccountCard(props: {
  account: Account;
  ctx: ViewCtx;
  /** Shown instead of the stored values (a refused submission). */
  form?: AccountForm;
  /** Errors by form field; '' holds one not tied to a field. */
  errors?: Partial<Record<keyof AccountForm | '', string>>;
  notice?: string;
}) {
  const { account: a, ctx } = props;
  const domId = accountDomId(a.id);
  // From this (fresh) account, not the cached index: the card shows what was just saved.
  const label = accountLabel({ accountId: a.id, channel: a.channel }, new Map([[a.id, a]]));
  const form = props.form ?? accountFormOf(a);
  const errors = props.errors ?? {};
  return (
    <article class="card account" id={domId} aria-labelledby={`${domId}-h`}>
      <header class="account-head">
        <ChannelIcon channel={a.channel} />
        <h2 id={`${domId}-h`} dir="auto">
          {label}
        </h2>
        {a.displayId && a.displayId !== label ? (
          <span class="muted" dir="auto">
            {a.displayId}
          </span>
        ) : null}
      </header>
      {props.notice ? (
        <p class="notice small" role="status">
          {props.notice}
        </p>
      ) : null}
      <dl class="fields">
        <dt>Channel</dt>
        <dd>{channelLabel(a.channel)}</dd>
        <dt>Provider id</dt>
        <dd>
          <code>{a.id}</code>
        </dd>
        <dt>Users</dt>
        <dd>{a.users}</dd>
        <dt>Messages</dt>
        <dd>
          {a.inboundMessages} received · {a.outboundMessages} sent
        </dd>
        <dt>Last activity</dt>
        <dd>
          <Time at={a.lastActivityAt} ctx={ctx} />
        </dd>
        <dt>Webhooks</dt>
        <dd>
          <Health health={a.health} ctx={ctx} />
        </dd>
        <dt>Retention</dt>
        <dd>
          <Retention account={a} />
        </dd>
        <dt>Credentials</dt>
        <dd>
          {a.credentialsRef ? <code>{a.credentialsRef}</code> : <span class="muted">not set</span>}
        </dd>
        <dt>Business</dt>
        <dd>{a.businessId || <span class="muted">—</span>}</dd>
      </dl>
      <details class="account-edit" open={Object.keys(errors).length > 0}>
        <summary>Edit {label}</summary>
        <form
          class="stack"
          hx-post={href(ctx, `/accounts/${encodeURIComponent(a.id)}`)}
          hx-target={`#${domId}`}
          hx-swap="outerHTML"
        >
          {errors[''] ? (
            <p class="error small" role="alert">
              {errors['']}
            </p>
          ) : null}
          <div class="account-form">
            {ACCOUNT_FIELDS.map((f) => (
              <FormField id={domId} field={f} value={form[f]} error={errors[f]} />
            ))}
          </div>
          <button type="submit">Save {label}</button>
        </form>
      </details>
    </article>
  );
}

/** What profiles runs to bring identities together (PEOPLE_SAME_PHONE_JOIN, PEOPLE_SUGGEST). */
function PeopleRulesCard(props: { rules: PeopleRules }) {
  const r = props.rules;
  const rows: [string, string][] = [
    [
      'Same phone on WhatsApp numbers of one business',
      r.samePhoneJoin ? 'joined automatically' : 'off',
    ],
    ['Same email in profiles or facts', r.suggestSameEmail ? 'suggested to an admin' : 'off'],
    [
      'A phone in facts equal to another conversation’s phone',
      r.suggestPhoneInFacts ? 'suggested to an admin' : 'off',
    ],
    ['By hand (an admin, an agent’s LinkIdentities)', 'always, with a reason'],
  ];
  return (
    <section class="card people-rules" aria-labelledby="people-rules-title">
      <h2 id="people-rules-title">How conversations become one person</h2>
      <dl class="fields">
        {rows.map(([rule, state]) => (
          <>
            <dt>{rule}</dt>
            <dd>{state}</dd>
          </>
        ))}
      </dl>
      <p class="muted">
        Accounts with the same business (below) are one business. Every join can be undone on the
        person’s page. A change of the automatic rule or of an account’s business applies to
        conversations that start afterwards; suggestions always follow the current rules.
      </p>
    </section>
  );
}

export function AccountsPage(props: {
  accounts: Account[];
  rules?: PeopleRules | undefined;
  ctx: ViewCtx;
}) {
  const { ctx } = props;
  return (
    <Layout title="Accounts" ctx={ctx} area="accounts">
      <div class="page-head">
        <h1>Accounts</h1>
        <p class="muted">
          WhatsApp numbers, Facebook Pages and Instagram accounts this business uses
        </p>
      </div>
      {props.accounts.length === 0 ? (
        <p class="card muted">No accounts yet: one appears with its first webhook.</p>
      ) : null}
      <div class="accounts">
        {props.accounts.map((a) => (
          <AccountCard account={a} ctx={ctx} />
        ))}
      </div>
      {props.rules ? <PeopleRulesCard rules={props.rules} /> : null}
    </Layout>
  );
}
