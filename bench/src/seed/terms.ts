// Search terms exactly as profiles computes them: its own domain functions (the built package),
// so the seeded documents cannot drift from what profiles writes; the warm-up still compares them
// with a document profiles itself wrote (warmup.ts).
import { MAX_USER_TERMS } from '@ue/profiles/dist/domain/limits.js';
import { e164FromWaId, phoneTerms } from '@ue/profiles/dist/domain/phone.js';
import { textTerms } from '@ue/profiles/dist/domain/search.js';

export { MAX_USER_TERMS, textTerms };

/** The phone terms profiles gives a user known by this wa_id. */
export function profileTerms(waId: string): string[] {
  return phoneTerms(e164FromWaId(waId), waId);
}
