// Phone numbers: wa_id -> E.164 and the digit forms people search with, via libphonenumber-js.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/** E.164 for a WhatsApp id (digits, country code first), or undefined when not a phone number. */
export function e164FromWaId(waId: string): string | undefined {
  if (!/^\d{6,15}$/.test(waId)) return undefined;
  const p = parsePhoneNumberFromString(`+${waId}`);
  if (p?.isPossible()) return p.number;
  // WhatsApp still writes Mexican mobiles with the pre-2019 "1" after +52 (521...): drop it.
  if (/^521\d{10}$/.test(waId)) return parsePhoneNumberFromString(`+52${waId.slice(3)}`)?.number;
  return undefined;
}

/** Digit strings under which a user can be found: international, national, national with trunk 0. */
export function phoneTerms(e164: string | undefined, waId: string): string[] {
  const out = new Set<string>();
  if (waId) out.add(waId);
  if (e164) {
    const p = parsePhoneNumberFromString(e164);
    if (p) {
      out.add(p.number.replace(/\D/g, ''));
      out.add(p.nationalNumber);
      out.add(p.formatNational().replace(/\D/g, ''));
      out.add(`0${p.nationalNumber}`);
    }
  }
  return [...out];
}

/** Normalize a written phone number to E.164; a number without country code needs a region. */
export function normalizePhone(input: string, defaultRegion?: string): string | undefined {
  let s = input.trim();
  if (!/\d/.test(s)) return undefined;
  if (s.startsWith('00')) s = `+${s.slice(2)}`;
  const region = defaultRegion ? (defaultRegion.toUpperCase() as CountryCode) : undefined;
  const p = s.startsWith('+')
    ? parsePhoneNumberFromString(s)
    : parsePhoneNumberFromString(s, region);
  if (p?.isPossible()) return p.number;
  // Written without "+" but with a country code ("49 151 ...").
  const plus = parsePhoneNumberFromString(`+${s.replace(/\D/g, '')}`);
  return plus?.isPossible() ? plus.number : undefined;
}
