import { describe, expect, it } from 'vitest';
import { PERSONAS, demoPlan } from './dataset.js';

const NOW = 1_795_000_000;

describe('demo data set', () => {
  it('has dozens of users on both business numbers, in many languages', () => {
    const plan = demoPlan(NOW);
    expect(plan.users.length).toBeGreaterThanOrEqual(40);
    expect(new Set(PERSONAS.map((p) => p.account))).toEqual(new Set(['A', 'B']));
    expect(new Set(PERSONAS.map((p) => p.lang)).size).toBeGreaterThanOrEqual(7);
    expect(new Set(plan.inbound.map((i) => i.message.type))).toEqual(
      new Set([
        'text',
        'image',
        'document',
        'audio',
        'sticker',
        'location',
        'reaction',
        'unsupported',
      ]),
    );
    expect(plan.outbound.some((o) => o.statuses.some((s) => s.status === 'failed'))).toBe(true);
    expect(
      plan.users.filter((u) => u.logs.some((l) => l.kind === 'follow_up' && (l.dueAt ?? 0) < NOW))
        .length,
    ).toBeGreaterThan(0);
  });

  it('spans several days and ends in the past, close to now', () => {
    const times = [
      ...demoPlan(NOW).inbound.map((i) => i.at),
      ...demoPlan(NOW).outbound.flatMap((o) => o.statuses.map((s) => s.at)),
    ];
    expect(Math.max(...times)).toBeLessThanOrEqual(NOW);
    expect(Math.max(...times)).toBeGreaterThan(NOW - 600);
    expect(Math.min(...times)).toBeLessThan(NOW - 5 * 86_400);
  });

  it('uses the same ids whenever it runs, so a second load adds nothing', () => {
    const a = demoPlan(NOW);
    const b = demoPlan(NOW + 3 * 86_400);
    expect(b.inbound.map((i) => i.message.id)).toEqual(a.inbound.map((i) => i.message.id));
    expect(b.outbound.map((o) => o.wamid)).toEqual(a.outbound.map((o) => o.wamid));
    const all = [...a.inbound.map((i) => i.message.id), ...a.outbound.map((o) => o.wamid)];
    expect(new Set(all).size).toBe(all.length);
  });
});
