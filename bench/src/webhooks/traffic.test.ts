import { describe, expect, it } from 'vitest';
import { seededRng } from '../random.js';
import { compileTemplate } from './templates.js';
import { createTraffic, type TrafficOptions } from './traffic.js';

const text = compileTemplate(
  'text.json',
  JSON.stringify({
    contacts: [{ profile: { name: 'x' }, wa_id: '1' }],
    messages: [{ from: '1', id: 'w', timestamp: '1', text: { body: 'hi' } }],
  }),
);
const status = compileTemplate(
  'status.json',
  JSON.stringify({ statuses: [{ id: 'w', status: 'read', recipient_id: '1', timestamp: '1' }] }),
);

const options = (o: Partial<TrafficOptions> = {}): TrafficOptions => ({
  mix: { inbound: [{ item: text, weight: 1 }], statuses: [status] },
  secret: 'secret',
  rng: seededRng(1),
  userBase: 1000,
  newUserShare: 0.3,
  statusShare: 0.1,
  duplicateShare: 0.02,
  tag: 't',
  nowSeconds: () => 1_800_000_000,
  ...o,
});

describe('createTraffic', () => {
  it('makes every non-duplicate body unique and repeats duplicates byte for byte', () => {
    const t = createTraffic(options());
    const seen = new Map<string, string>();
    let dups = 0;
    let statuses = 0;
    for (let i = 0; i < 5000; i++) {
      const d = t.next();
      if (d.kind === 'duplicate') {
        dups += 1;
        expect(seen.get(d.body)).toBe(d.signature);
        expect(d.wamids).toEqual([]);
        continue;
      }
      if (d.kind === 'status') statuses += 1;
      expect(seen.has(d.body)).toBe(false);
      seen.set(d.body, d.signature);
    }
    expect(dups / 5000).toBeGreaterThan(0.01);
    expect(dups / 5000).toBeLessThan(0.03);
    expect(statuses / 5000).toBeGreaterThan(0.08);
    expect(statuses / 5000).toBeLessThan(0.12);
  });

  it('mixes new and returning users from its own number range', () => {
    const t = createTraffic(options({ statusShare: 0, duplicateShare: 0 }));
    const people = Array.from({ length: 1000 }, () => t.next().people[0]!);
    expect(Math.min(...people)).toBe(1000);
    expect(t.usersCreated()).toBeGreaterThan(250);
    expect(t.usersCreated()).toBeLessThan(350);
    expect(t.messages()).toBe(1000);
    expect(new Set(people).size).toBe(t.usersCreated());
  });

  it('never sends duplicates when asked not to', () => {
    const t = createTraffic(options({ duplicateShare: 0 }));
    for (let i = 0; i < 500; i++) expect(t.next().kind).not.toBe('duplicate');
  });
});
