// What the seeded world looks like: how many messages each user has (heavy-tailed, averaging
// messages/users), when they wrote, in which direction, with which words (a Zipf-like
// vocabulary, so some words are everywhere and some rare), and the users' statuses, tags,
// pauses and follow-ups in realistic shares. Pure: a seeded random source and a clock.
import { pick, type Rng } from '../random.js';
import { ACCOUNT_A, ACCOUNT_B, WABA_OF } from '../people.js';
import type { PlannedMessage, UserPlan } from './documents.js';

const DAY = 86_400_000;
const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ren',
  'tus',
  'bel',
  'dor',
  'fin',
  'gar',
  'hal',
  'ist',
  'jun',
  'kel',
  'lim',
  'mon',
  'nor',
  'pel',
  'quo',
  'ras',
  'sen',
  'tor',
  'uli',
  'ven',
  'wal',
  'xe',
  'yor',
  'zan',
  'ber',
];
const COMMON = [
  'hallo',
  'paket',
  'bestellung',
  'lieferung',
  'danke',
  'frage',
  'rechnung',
  'termin',
  'heute',
  'morgen',
  'bitte',
  'wann',
  'kommt',
  'mein',
  'ihre',
  'nummer',
  'adresse',
  'zahlung',
  'retoure',
  'gutschein',
  'preis',
  'angebot',
  'problem',
  'hilfe',
];

/** A vocabulary: common words first, then pseudo-words (rarer the later they come). */
export function vocabulary(size = 4000): string[] {
  const words = [...COMMON];
  const s = SYLLABLES.length;
  for (let i = 0; words.length < size; i++) {
    const w =
      SYLLABLES[i % s]! + SYLLABLES[Math.floor(i / s) % s]! + SYLLABLES[Math.floor(i / s / s) % s]!;
    if (!words.includes(w)) words.push(w);
  }
  return words;
}

/** Word rank r is drawn with probability ~ r^-0.6 (a long tail of rare words). */
export function pickWord(rng: Rng, vocab: readonly string[]): string {
  return vocab[Math.min(vocab.length - 1, Math.floor(vocab.length * rng() ** 2.5))]!;
}

export function sentence(rng: Rng, vocab: readonly string[]): string {
  const n = 4 + pick(rng, 10);
  const words = Array.from({ length: n }, () => pickWord(rng, vocab));
  if (rng() < 0.3) words.push(`#${1000 + pick(rng, 9000)}`);
  const s = words.join(' ');
  return `${s[0]!.toUpperCase()}${s.slice(1)}${rng() < 0.4 ? '?' : '.'}`;
}

/** Message counts for `users` users summing to exactly `messages` (each at least 1). */
export function messageCounts(o: { rng: Rng; users: number; messages: number }): number[] {
  const { rng, users } = o;
  const total = Math.max(users, o.messages);
  const raw = Array.from({ length: users }, () => -Math.log(1 - rng() * 0.9999));
  const sum = raw.reduce((a, b) => a + b, 0);
  const extra = total - users;
  const counts = raw.map((r) => 1 + Math.floor((r / sum) * extra));
  let left = total - counts.reduce((a, b) => a + b, 0);
  while (left > 0) {
    counts[pick(rng, users)]! += 1;
    left -= 1;
  }
  return counts;
}

function messagesOf(o: {
  rng: Rng;
  vocab: readonly string[];
  count: number;
  now: number;
}): PlannedMessage[] {
  const { rng, count, now } = o;
  // Recent activity is likelier: the last message within hours for some, months ago for others.
  const last = now - rng() ** 2 * 90 * DAY - pick(rng, 3600_000);
  const span = Math.min(120 * DAY, count * (0.5 + rng()) * 6 * 3600_000);
  const times = Array.from({ length: count }, (_, i) =>
    i === count - 1 ? last : last - rng() * span,
  ).sort((a, b) => a - b);
  return times.map((t, i) => ({
    at: new Date(Math.round(t / 1000) * 1000),
    inbound: i === 0 || rng() < 0.6,
    text: sentence(rng, o.vocab),
  }));
}

export const STATUS_SHARE = 0.45;
export const TAG_SHARES: Record<string, number> = {
  vip: 0.08,
  b2b: 0.06,
  returns: 0.04,
  newsletter: 0.1,
};
export const PAUSED_SHARE = 0.03;
export const FOLLOW_UP_SHARE = 0.06;

export function planUser(o: {
  rng: Rng;
  vocab: readonly string[];
  n: number;
  count: number;
  now: number;
}): UserPlan {
  const { rng, now } = o;
  const accountId = rng() < 0.8 ? ACCOUNT_A : ACCOUNT_B;
  const tags = Object.entries(TAG_SHARES).flatMap(([t, share]) => (rng() < share ? [t] : []));
  return {
    n: o.n,
    accountId,
    wabaId: WABA_OF[accountId]!,
    messages: messagesOf({ rng, vocab: o.vocab, count: o.count, now }),
    status: rng() < STATUS_SHARE ? 1 + pick(rng, 10) : 0,
    tags,
    paused: rng() < PAUSED_SHARE,
    ...(rng() < FOLLOW_UP_SHARE
      ? { followUpDue: new Date(now - 3 * DAY + Math.round(rng() * 10 * DAY)) }
      : {}),
  };
}
