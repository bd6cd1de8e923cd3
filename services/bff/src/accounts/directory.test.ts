import { describe, expect, it } from 'vitest';
import { AppError } from '@ue/kit';
import { Account, type ListAccountsResponse } from '@ue/proto';
import { ACCOUNTS_TTL_MS, createAccountDirectory } from './directory.js';

function setup(answers: (() => Promise<ListAccountsResponse>)[]) {
  let now = 1_000_000;
  const warnings: unknown[] = [];
  let calls = 0;
  const dir = createAccountDirectory({
    profiles: {
      listAccounts: () => {
        const answer = answers[Math.min(calls, answers.length - 1)]!;
        calls += 1;
        return answer();
      },
    },
    log: { warn: (o: unknown) => void warnings.push(o) } as never,
    clock: () => now,
  });
  return {
    dir,
    warnings,
    calls: () => calls,
    advance: (ms: number) => void (now += ms),
  };
}

const list =
  (...names: string[]) =>
  () =>
    Promise.resolve({
      accounts: names.map((name, i) => Account.fromPartial({ id: `a${i}`, name })),
      peopleRules: undefined,
    });

describe('account directory', () => {
  it('asks profiles once per 30 s, however many pages are drawn', async () => {
    const t = setup([list('Berlin'), list('Berlin store')]);
    const [a, b] = await Promise.all([t.dir.index(), t.dir.index()]);
    expect(a).toBe(b);
    expect(a.get('a0')?.name).toBe('Berlin');
    t.advance(ACCOUNTS_TTL_MS - 1);
    expect((await t.dir.index()).get('a0')?.name).toBe('Berlin');
    expect(t.calls()).toBe(1);
    t.advance(1);
    expect((await t.dir.index()).get('a0')?.name).toBe('Berlin store');
    expect(t.calls()).toBe(2);
  });

  it('asks again at once after a change', async () => {
    const t = setup([list('Berlin'), list('Hamburg')]);
    await t.dir.index();
    t.dir.invalidate();
    expect((await t.dir.index()).get('a0')?.name).toBe('Hamburg');
  });

  it('keeps the last list when profiles cannot answer, and does not ask on every request', async () => {
    const t = setup([
      list('Berlin'),
      () => Promise.reject(new AppError('UNAVAILABLE', 'profiles unreachable')),
      list('Munich'),
    ]);
    await t.dir.index();
    t.advance(ACCOUNTS_TTL_MS);
    expect((await t.dir.index()).get('a0')?.name).toBe('Berlin');
    expect(t.warnings).toHaveLength(1);
    await t.dir.index();
    expect(t.calls()).toBe(2);
    t.advance(ACCOUNTS_TTL_MS);
    expect((await t.dir.index()).get('a0')?.name).toBe('Munich');
  });

  it('starts empty when the first call fails, and list() says what went wrong', async () => {
    const t = setup([() => Promise.reject(new AppError('UNAVAILABLE', 'down'))]);
    expect((await t.dir.index()).size).toBe(0);
    await expect(t.dir.list()).rejects.toThrow('down');
  });

  it('does not keep an answer that started before a change', async () => {
    let release!: () => void;
    const slow = () =>
      new Promise<ListAccountsResponse>((resolve) => {
        release = () =>
          resolve({
            accounts: [Account.fromPartial({ id: 'a0', name: 'old' })],
            peopleRules: undefined,
          });
      });
    const t = setup([slow, list('new')]);
    const first = t.dir.index();
    t.dir.invalidate();
    const second = t.dir.index();
    release();
    expect((await first).get('a0')?.name).toBe('old');
    expect((await second).get('a0')?.name).toBe('new');
    expect((await t.dir.index()).get('a0')?.name).toBe('new');
    expect(t.calls()).toBe(2);
  });
});
