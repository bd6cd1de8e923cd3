import { describe, expect, it } from 'vitest';
import { decodeCursors, encodeCursors } from './events.js';

describe('SSE ids of a person timeline', () => {
  it('keep profiles’ plain cursor for one conversation', () => {
    expect(encodeCursors(new Map([['u1', '1700000000000-3']]))).toBe('1700000000000-3');
    expect(decodeCursors('1700000000000-3', ['u1'])).toEqual(new Map([['u1', '1700000000000-3']]));
  });

  it('hold each identity’s cursor, so each watch resumes where it was', () => {
    const id = encodeCursors(
      new Map([
        ['u1', '17-1'],
        ['u2', '19-0'],
      ]),
    );
    expect(id).toBe('u1=17-1,u2=19-0');
    expect(decodeCursors(id, ['u1', 'u2', 'u3'])).toEqual(
      new Map([
        ['u1', '17-1'],
        ['u2', '19-0'],
        ['u3', ''],
      ]),
    );
  });

  it('start every identity from a plain cursor (a page that switched to all channels)', () => {
    expect(decodeCursors('17-1', ['u1', 'u2'])).toEqual(
      new Map([
        ['u1', '17-1'],
        ['u2', '17-1'],
      ]),
    );
    expect(decodeCursors('', ['u1'])).toEqual(new Map([['u1', '']]));
  });
});
