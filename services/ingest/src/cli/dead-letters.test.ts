import { describe, expect, it } from 'vitest';
import { parseArgs } from './dead-letters.js';

describe('dead-letters arguments', () => {
  it('reads list / replay with ids, --all and --queue', () => {
    expect(parseArgs(['list'])).toEqual({
      command: 'list',
      queue: 'webhooks',
      ids: [],
      all: false,
    });
    expect(parseArgs(['replay', 'wa-1', 'wa-2', '--queue', 'outbound'])).toEqual({
      command: 'replay',
      queue: 'outbound',
      ids: ['wa-1', 'wa-2'],
      all: false,
    });
    expect(parseArgs(['replay', '--all'])).toMatchObject({ all: true });
  });

  it('explains what is wrong instead of guessing', () => {
    expect(parseArgs([])).toMatch(/^usage:/);
    expect(parseArgs(['replay'])).toBe('replay needs job ids or --all');
    expect(parseArgs(['list', '--queue', 'nope'])).toMatch(/unknown queue/);
  });
});
