// The account form (accounts page) read and checked before UpdateAccount: what the admin typed
// is kept to show it again with the problems next to their fields.
import type { AppError } from '@ue/kit';
import type { RetentionPolicy } from '@ue/proto';
import { ACCOUNT_FIELDS, type AccountForm } from '../views/accounts-page.js';

/** A retention period beyond 100 years is a typo, not a policy. */
const MAX_DAYS = 36500;
const MAX_LENGTH: Record<'name' | 'business_id' | 'credentials_ref', number> = {
  name: 100,
  business_id: 64,
  credentials_ref: 128,
};

export type FieldErrors = Partial<Record<keyof AccountForm | '', string>>;

export interface AccountChange {
  name: string;
  businessId: string;
  credentialsRef: string;
  retention: RetentionPolicy;
}

export function readAccountForm(body: Record<string, unknown>): AccountForm {
  const text = (k: keyof AccountForm): string => {
    const v = body[k];
    return typeof v === 'string' ? v.trim() : '';
  };
  return Object.fromEntries(ACCOUNT_FIELDS.map((f) => [f, text(f)])) as unknown as AccountForm;
}

function days(v: string): number | undefined {
  if (v === '') return 0;
  if (!/^\d{1,6}$/.test(v)) return undefined;
  const n = Number(v);
  return n <= MAX_DAYS ? n : undefined;
}

/** The change to send, or the problems by field. */
export function checkAccountForm(
  form: AccountForm,
): { change: AccountChange; errors?: undefined } | { change?: undefined; errors: FieldErrors } {
  const errors: FieldErrors = {};
  for (const [f, max] of Object.entries(MAX_LENGTH) as [keyof typeof MAX_LENGTH, number][])
    if (form[f].length > max) errors[f] = `at most ${max} characters`;
  if (/\s/.test(form.credentials_ref))
    errors.credentials_ref = 'a configuration name (no spaces), never the secret itself';
  const retention = {
    messagesDays: days(form.messages_days),
    mediaDays: days(form.media_days),
    deliveriesDays: days(form.deliveries_days),
    reviewTextsDays: days(form.review_texts_days),
  };
  const dayFields: [keyof AccountForm, number | undefined][] = [
    ['messages_days', retention.messagesDays],
    ['media_days', retention.mediaDays],
    ['deliveries_days', retention.deliveriesDays],
    ['review_texts_days', retention.reviewTextsDays],
  ];
  for (const [f, n] of dayFields)
    if (n === undefined) errors[f] = `a whole number of days from 0 (keep) to ${MAX_DAYS}`;
  if (Object.keys(errors).length > 0) return { errors };
  return {
    change: {
      name: form.name,
      businessId: form.business_id,
      credentialsRef: form.credentials_ref,
      retention: retention as RetentionPolicy,
    },
  };
}

/**
 * Profiles' INVALID_ARGUMENT next to the field it names ("retention.media_days" is the form's
 * "media_days"); a field the form does not have goes above the form.
 */
export function fieldErrorOf(err: AppError): FieldErrors {
  const field = (err.field ?? '').split('.').pop() ?? '';
  if (!(ACCOUNT_FIELDS as readonly string[]).includes(field)) return { '': err.message };
  return { [field]: err.message.replace(`${err.field}: `, '') };
}
