import { describe, expect, it } from 'vitest';
import { Profile } from '@ue/proto';
import {
  absoluteTime,
  activityOf,
  displayName,
  formatPhone,
  initials,
  parseLocalDateTime,
  relativeTime,
  safeUrl,
  waitLabel,
} from './format.js';

const now = new Date('2026-11-21T12:00:00Z');
const ago = (ms: number): Date => new Date(now.getTime() - ms);

describe('activity marker', () => {
  it('is green under 10 minutes, yellow under an hour, red when paused', () => {
    expect(activityOf({ paused: false, lastInteractionAt: ago(9 * 60_000) }, now)).toBe('live');
    expect(activityOf({ paused: false, lastInteractionAt: ago(10 * 60_000) }, now)).toBe('recent');
    expect(activityOf({ paused: false, lastInteractionAt: ago(59 * 60_000) }, now)).toBe('recent');
    expect(activityOf({ paused: false, lastInteractionAt: ago(61 * 60_000) }, now)).toBe('idle');
    expect(activityOf({ paused: true, lastInteractionAt: ago(1000) }, now)).toBe('paused');
    expect(activityOf({ paused: false, lastInteractionAt: undefined }, now)).toBe('idle');
  });
});

describe('relative time', () => {
  it('speaks in the largest whole unit', () => {
    expect(relativeTime(ago(10_000), now)).toBe('now');
    expect(relativeTime(ago(5 * 60_000), now)).toBe('5 min. ago');
    expect(relativeTime(ago(3 * 3600_000), now)).toBe('3 hr. ago');
    expect(relativeTime(ago(86400_000), now)).toBe('yesterday');
    expect(relativeTime(new Date(now.getTime() + 2 * 3600_000), now)).toBe('in 2 hr.');
  });
});

describe('names and phones', () => {
  it('formats E.164 for humans and falls back through the profile', () => {
    expect(formatPhone('+4915112345678')).toBe('+49 1511 2345678');
    expect(
      displayName({
        profile: Profile.fromPartial({ displayName: 'Ana', name: 'x' }),
        waId: '1',
        bsuid: '',
        scopedId: '',
      }),
    ).toBe('Ana');
    expect(
      displayName({
        profile: Profile.fromPartial({ phoneE164: '+14155550123' }),
        waId: '1',
        bsuid: '',
        scopedId: '',
      }),
    ).toBe('+1 415 555 0123');
    expect(displayName({ profile: undefined, waId: '', bsuid: 'US.1', scopedId: '' })).toBe('US.1');
    // A Messenger or Instagram identity nobody named yet: never its whole scoped id.
    expect(
      displayName({ profile: undefined, waId: '', bsuid: '', scopedId: '6500000000000101' }),
    ).toBe('User …0101');
    expect(initials('José  Álvarez')).toBe('JÁ');
    expect(initials('"><img')).toBe('I');
  });

  it('links only http(s) URLs on the allow-list', () => {
    expect(safeUrl('javascript:alert(1)', ['x.com'])).toBeUndefined();
    expect(safeUrl('https://evil.com/a', ['x.com'])).toBeUndefined();
    expect(safeUrl('https://x.com/a', ['x.com'])).toBe('https://x.com/a');
  });

  it('reads a datetime-local value in the display zone', () => {
    expect(parseLocalDateTime('2026-07-01T10:30', 'Europe/Berlin')?.toISOString()).toBe(
      '2026-07-01T08:30:00.000Z',
    );
    expect(parseLocalDateTime('2026-01-01T10:30', 'Europe/Berlin')?.toISOString()).toBe(
      '2026-01-01T09:30:00.000Z',
    );
    expect(parseLocalDateTime('2026-01-01T10:30', 'UTC')?.toISOString()).toBe(
      '2026-01-01T10:30:00.000Z',
    );
    expect(parseLocalDateTime('tomorrow', 'UTC')).toBeUndefined();
  });
});

describe('wait label', () => {
  it('says a wait in the unit a person would, rounded up', () => {
    expect(waitLabel(1)).toBe('1 second');
    expect(waitLabel(30)).toBe('30 seconds');
    expect(waitLabel(60)).toBe('1 minute');
    expect(waitLabel(61)).toBe('2 minutes');
    expect(waitLabel(3600)).toBe('1 hour');
    expect(waitLabel(86400)).toBe('24 hours');
  });
});

describe('kept formatters', () => {
  it('format each time zone with its own formatter, also when asked again', () => {
    const at = new Date('2026-07-01T12:00:00Z');
    for (let i = 0; i < 2; i++) {
      expect(absoluteTime(at, 'Europe/Berlin')).toMatch(/14:00/);
      expect(absoluteTime(at, 'Asia/Tokyo')).toMatch(/21:00/);
      expect(absoluteTime(at, 'UTC')).toMatch(/12:00/);
    }
  });

  it('give the same phone text from the cache as from parsing, and keep unparsable input', () => {
    expect(formatPhone('+4915112345678')).toBe(formatPhone('+4915112345678'));
    expect(formatPhone('+819012345678')).toBe('+81 90 1234 5678');
    expect(formatPhone('+819012345678')).toBe('+81 90 1234 5678');
    expect(formatPhone('not a number')).toBe('not a number');
  });
});
