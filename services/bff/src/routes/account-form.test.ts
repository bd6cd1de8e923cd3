import { describe, expect, it } from 'vitest';
import { AppError } from '@ue/kit';
import { checkAccountForm, fieldErrorOf, readAccountForm } from './account-form.js';

const form = (over: Record<string, string> = {}) =>
  readAccountForm({
    name: ' Berlin store ',
    business_id: 'waba-1',
    credentials_ref: 'WHATSAPP_TOKEN_BERLIN',
    messages_days: '30',
    media_days: '',
    deliveries_days: '0',
    review_texts_days: '90',
    ...over,
  });

describe('account form', () => {
  it('turns the fields into the change, empty days meaning keep', () => {
    expect(checkAccountForm(form())).toEqual({
      change: {
        name: 'Berlin store',
        businessId: 'waba-1',
        credentialsRef: 'WHATSAPP_TOKEN_BERLIN',
        retention: { messagesDays: 30, mediaDays: 0, deliveriesDays: 0, reviewTextsDays: 90 },
      },
    });
  });

  it('names every field it refuses', () => {
    const { errors } = checkAccountForm(
      form({
        name: 'x'.repeat(101),
        credentials_ref: 'sk_live 123',
        messages_days: '-1',
        media_days: '1.5',
        deliveries_days: '36501',
        review_texts_days: 'forever',
      }),
    );
    expect(Object.keys(errors ?? {}).sort()).toEqual([
      'credentials_ref',
      'deliveries_days',
      'media_days',
      'messages_days',
      'name',
      'review_texts_days',
    ]);
    expect(errors?.messages_days).toBe('a whole number of days from 0 (keep) to 36500');
  });

  it("puts profiles' INVALID_ARGUMENT next to the field it names", () => {
    expect(fieldErrorOf(AppError.invalid('retention.media_days', 'too long'))).toEqual({
      media_days: 'too long',
    });
    expect(fieldErrorOf(AppError.invalid('credentials_ref', 'not a config name'))).toEqual({
      credentials_ref: 'not a config name',
    });
    expect(fieldErrorOf(AppError.invalid('account_id', 'unknown'))).toEqual({
      '': 'account_id: unknown',
    });
  });
});
