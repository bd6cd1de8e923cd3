// What profiles' ApplyWebhookEvents accepts in an event (services/profiles/src/app/apply-batch.ts
// checkEvent and checkRef, services/profiles/src/domain/limits.ts). Profiles validates a batch
// all or nothing, so a parser shapes every event to fit these before emitting it: one odd item
// must never make profiles refuse the delivery it came in (or the batch it was coalesced into).
import type { UserRef } from '@ue/proto';

export const EVENT_LIMITS = {
  accountId: 64,
  wamid: 256,
  bsuid: 128,
  name: 256,
  text: 65_536,
  rawJson: 64 * 1024,
  emoji: 64,
  /** Messenger PSID / Instagram IGSID (digits in practice; profiles keys the user by it). */
  scopedId: 128,
  /** How the provider shows the account (WhatsApp's display_phone_number). */
  accountDisplay: 200,
} as const;

const WA_ID = /^\d{4,20}$/;

/** A WhatsApp id as profiles keys users: 4–20 digits, nothing else. */
export function isWaId(s: string): boolean {
  return WA_ID.test(s);
}

/** A required id: not blank, at most max UTF-16 units. */
export function isId(s: string, max: number): boolean {
  return s.trim() !== '' && s.length <= max;
}

/**
 * s cut to at most max UTF-16 units (profiles counts String.length) at a code point boundary,
 * so an emoji is kept whole or dropped, never split into a lone surrogate.
 */
export function fitText(s: string, max: number): string {
  if (s.length <= max) return s;
  let out = '';
  for (const cp of s) {
    if (out.length + cp.length > max) break;
    out += cp;
  }
  return out;
}

/** Only the parts of a user reference profiles can key by; waId and bsuid may both end up empty. */
export function cleanRef(ref: UserRef): UserRef {
  return {
    waId: isWaId(ref.waId) ? ref.waId : '',
    bsuid: isId(ref.bsuid, EVENT_LIMITS.bsuid) ? ref.bsuid : '',
    parentBsuid: isId(ref.parentBsuid, EVENT_LIMITS.bsuid) ? ref.parentBsuid : '',
    scopedId: isId(ref.scopedId, EVENT_LIMITS.scopedId) ? ref.scopedId : '',
  };
}

export function hasIdentity(ref: UserRef): boolean {
  return ref.waId !== '' || ref.bsuid !== '' || ref.scopedId !== '';
}
