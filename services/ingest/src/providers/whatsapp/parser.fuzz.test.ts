// The parser against hostile input: every field of every fixture replaced by a wrong-typed value,
// every Object.prototype name in every string field, then seeded random bodies. It never
// throws, and every event it emits is one profiles accepts (test/profiles-rules.ts).
import fc from 'fast-check';
import { fixtureNames } from '@ue/testing';
import { describe, expect, it } from 'vitest';
import {
  ODD_NAMES,
  WRONG_VALUES,
  assertWithSeed,
  fixtureJson,
  fuzzSeed,
  hostileBody,
  pathsOf,
  replaced,
  toText,
  type JsonValue,
} from '../../../test/fuzz-arbitraries.js';
import { profilesRefusal } from '../../../test/profiles-rules.js';
import { parseWhatsappDelivery } from './parser.js';

const RECEIVED = new Date('2026-11-05T12:30:00Z');

/** What is wrong with the parser's answer to body (empty when nothing is). */
function faults(body: string | Uint8Array): string[] {
  let parsed;
  try {
    parsed = parseWhatsappDelivery(body, RECEIVED);
  } catch (err) {
    return [`threw: ${(err as Error).message}`];
  }
  return parsed.events.flatMap((e) => {
    const why = profilesRefusal(e);
    return why ? [`${e.event?.$case}: ${why}`] : [];
  });
}

/** Each fixture with the value at each path replaced by each of `values`. */
function everyReplacement(values: JsonValue[], where: (v: JsonValue) => boolean): string[] {
  const found: string[] = [];
  for (const name of fixtureNames()) {
    const body = fixtureJson(name);
    for (const path of pathsOf(body)) {
      const current = path.reduce<JsonValue>(
        (v, k) => (v as Record<string | number, JsonValue>)[k]!,
        body,
      );
      if (!where(current)) continue;
      for (const value of values) {
        for (const f of faults(toText(replaced(body, path, value))))
          found.push(`${name} ${path.join('.')} = ${toText(value).slice(0, 40)}: ${f}`);
      }
    }
  }
  return found;
}

describe('parser fuzz', () => {
  // Thousands of parses: a fixed amount of work, given room on a loaded machine (not a timing).
  it(
    'every field of every fixture, replaced by a value of the wrong type',
    { timeout: 60_000 },
    () => {
      expect(everyReplacement(WRONG_VALUES, () => true)).toEqual([]);
    },
  );

  it('every Object.prototype name and unknown type name in every string field', () => {
    expect(everyReplacement(ODD_NAMES, (v) => typeof v === 'string')).toEqual([]);
  });

  it('seeded random bodies: mutated fixtures, bytes, bad UTF-8, deep nesting, huge arrays', async () => {
    await assertWithSeed(
      fc.property(hostileBody, (body) => {
        expect(faults(body.bytes)).toEqual([]);
      }),
      { seed: fuzzSeed(), numRuns: 150 },
    );
  });
});
