// Search terms as profiles computes them (services/profiles/src/domain/search.ts textTerms and
// domain/phone.ts phoneTerms), mirrored for the seeder; the warm-up checks the result against a
// document profiles itself wrote (warmup.ts), so a change there shows up as a warning.

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const EXTRA_FOLDS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};
const MAX_TERM_LENGTH = 40;
const MAX_TERMS_PER_TEXT = 60;
/** profiles stops adding message words to a user at this many terms. */
export const MAX_USER_TERMS = 3000;

function foldText(text: string): string {
  const decomposed = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
  let out = '';
  for (const ch of decomposed) out += EXTRA_FOLDS[ch] ?? ch;
  return out;
}

function wordTerms(word: string): string[] {
  if (!CJK.test(word)) return [word.slice(0, MAX_TERM_LENGTH)];
  const terms: string[] = [];
  let latin = '';
  const chars = [...word];
  chars.forEach((ch, i) => {
    if (CJK.test(ch)) {
      if (latin) terms.push(latin.slice(0, MAX_TERM_LENGTH));
      latin = '';
      terms.push(ch);
      const next = chars[i + 1];
      if (next && CJK.test(next)) terms.push(ch + next);
    } else latin += ch;
  });
  if (latin) terms.push(latin.slice(0, MAX_TERM_LENGTH));
  return terms;
}

/** Terms of a free text (the seeder's texts use ASCII digits only). */
export function textTerms(text: string, limit = MAX_TERMS_PER_TEXT): string[] {
  const words = foldText(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  const out = new Set<string>();
  for (const w of words) {
    for (const t of wordTerms(w)) {
      if (out.size >= limit) return [...out];
      out.add(t);
    }
  }
  return [...out];
}

/**
 * Digit forms of a German mobile wa_id (people.ts makes only those): the wa_id (= E.164
 * digits), the national number and the national number with its trunk 0.
 */
export function germanMobileTerms(waId: string): string[] {
  const national = waId.slice(2);
  return [waId, national, `0${national}`];
}
