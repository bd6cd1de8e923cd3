import { describe, expect, it } from 'vitest';
import { dueAt } from './loops.js';

describe('open-loop schedule', () => {
  it('spaces calls evenly by the rate', () => {
    expect([0, 1, 2, 200].map((i) => dueAt(i, 200))).toEqual([0, 5, 10, 1000]);
    expect(dueAt(1, 1000)).toBe(1);
  });
});
