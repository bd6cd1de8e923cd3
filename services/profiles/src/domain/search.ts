// Search terms: normalized words stored on users in a multikey array, matched by exact term or
// anchored prefix. Accents are folded (NFKD + strip marks), case is folded, digits of any script
// become ASCII, and CJK runs are split into single characters and bigrams (no spaces there).

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

export const MAX_TERM_LENGTH = 40;
export const MAX_TERMS_PER_TEXT = 60;

/** Lowercase, accent-free, ASCII digits. */
export function foldText(text: string): string {
  const decomposed = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
  let out = '';
  for (const ch of decomposed) {
    const fold = EXTRA_FOLDS[ch];
    if (fold) out += fold;
    else if (/\p{Nd}/u.test(ch) && !/[0-9]/.test(ch)) out += digitValue(ch);
    else out += ch;
  }
  return out;
}

// Zero code points of the decimal digit blocks people type phone numbers and prices in
// (Arabic-Indic, Persian, Devanagari, Bengali, Thai); fullwidth digits are folded by NFKD.
const DIGIT_ZEROS = [0x660, 0x6f0, 0x966, 0x9e6, 0xe50];

function digitValue(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  const zero = DIGIT_ZEROS.find((z) => code >= z && code <= z + 9);
  return zero === undefined ? ch : String(code - zero);
}

/** Split one folded word into terms: CJK runs become characters and bigrams. */
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

/** Terms for free text (names, message texts, fact values), deduplicated, bounded. */
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

/** An email is searchable as a whole and by its parts. */
export function emailTerms(email: string): string[] {
  const e = email.trim().toLowerCase();
  return e ? [...new Set([e.slice(0, MAX_TERM_LENGTH), ...textTerms(e)])] : [];
}

export type SearchQuery =
  { kind: 'phone'; digits: string } | { kind: 'words'; terms: string[] } | { kind: 'empty' };

/** A query is a phone number when it is mostly digits and separators; otherwise words. */
export function parseSearchQuery(query: string): SearchQuery {
  const q = foldText(query.trim());
  if (!q) return { kind: 'empty' };
  if (/^[+\d\s\-()./]+$/.test(q)) {
    let digits = q.replace(/\D/g, '');
    if (digits.startsWith('00')) digits = digits.slice(2);
    if (digits.length >= 4) return { kind: 'phone', digits };
  }
  const email = /^[^\s@]+@[^\s@]+$/.test(q) ? [q.slice(0, MAX_TERM_LENGTH)] : [];
  const terms = email.length ? email : queryWordTerms(q);
  return terms.length ? { kind: 'words', terms } : { kind: 'empty' };
}

/** Query words: CJK runs of 2+ characters match as bigrams (all of them), single chars as is. */
function queryWordTerms(q: string): string[] {
  const words = q.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const out = new Set<string>();
  for (const w of words) {
    const terms = wordTerms(w);
    const bigrams = terms.filter((t) => [...t].length === 2 && CJK.test(t));
    const latin = terms.filter((t) => !CJK.test(t));
    const singles = terms.filter((t) => [...t].length === 1 && CJK.test(t));
    for (const t of [...latin, ...(bigrams.length ? bigrams : singles)]) out.add(t);
  }
  return [...out].slice(0, 8);
}

export function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
