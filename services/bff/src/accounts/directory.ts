// Account names for every page: ListAccounts kept for 30 s (or until an admin changes one), so a
// page of 50 rows costs no extra call. When profiles cannot list them, the last list stays in use
// (empty at first) and labels fall back to the channel and the id's last digits: a page never
// fails because of a name.
import type { Logger } from '@ue/kit';
import type { Account, PeopleRules } from '@ue/proto';
import type { ProfilesApi } from '../clients/profiles.js';

export const ACCOUNTS_TTL_MS = 30_000;

/** Accounts by id. */
export type AccountIndex = ReadonlyMap<string, Account>;

export interface AccountDirectory {
  /** The accounts by id, at most ACCOUNTS_TTL_MS old; never throws. */
  index(): Promise<AccountIndex>;
  /**
   * Fresh from profiles (the accounts page shows counts and health, and the people rules
   * profiles runs); refreshes the cache.
   */
  list(): Promise<{ accounts: Account[]; peopleRules: PeopleRules | undefined }>;
  /** Forget the cached list (an admin just changed an account). */
  invalidate(): void;
}

export function createAccountDirectory(deps: {
  profiles: Pick<ProfilesApi, 'listAccounts'>;
  log: Pick<Logger, 'warn'>;
  /** Milliseconds now (tests move it). */
  clock?: () => number;
}): AccountDirectory {
  const now = deps.clock ?? Date.now;
  let cached: AccountIndex = new Map();
  let fetchedAt = -Infinity;
  let generation = 0;
  let inflight: Promise<AccountIndex> | undefined;

  const store = (accounts: Account[], gen: number): AccountIndex => {
    const index = new Map(accounts.map((a) => [a.id, a]));
    // An invalidate() while the call was out means the answer may predate the change.
    if (gen === generation) [cached, fetchedAt] = [index, now()];
    return index;
  };

  const load = async () => {
    const gen = generation;
    const { accounts, peopleRules } = await deps.profiles.listAccounts({});
    return { accounts, peopleRules, index: store(accounts, gen) };
  };

  const refresh = async (): Promise<AccountIndex> => {
    try {
      return (await load()).index;
    } catch (err) {
      // Asked again only after the TTL, not on every request while profiles cannot answer.
      fetchedAt = now();
      deps.log.warn({ err }, 'accounts not listed; showing fallback labels');
    }
    return cached;
  };

  return {
    index() {
      if (now() - fetchedAt < ACCOUNTS_TTL_MS) return Promise.resolve(cached);
      if (inflight) return inflight;
      const asked = refresh().finally(() => {
        if (inflight === asked) inflight = undefined;
      });
      return (inflight = asked);
    },
    list: async () => {
      const { accounts, peopleRules } = await load();
      return { accounts, peopleRules };
    },
    invalidate() {
      generation += 1;
      fetchedAt = -Infinity;
      // A call already out may answer from before the change: the next page asks again.
      inflight = undefined;
    },
  };
}
