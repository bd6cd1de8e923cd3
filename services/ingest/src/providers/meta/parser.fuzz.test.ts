// The Messenger / Instagram parser against hostile input, as the WhatsApp one is tested: every
// field of every fixture replaced by a wrong-typed value, every Object.prototype name in every
// string field, then seeded random bodies. It never throws, and every event it emits is one
// profiles accepts (test/profiles-rules.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ODD_NAMES,
  WRONG_VALUES,
  assertWithSeed,
  fuzzSeed,
  pathsOf,
  replaced,
  toText,
  type JsonValue,
} from '../../../test/fuzz-arbitraries.js';
import { allMetaFixtures, metaFixture } from '../../../test/meta-fixtures.js';
import { profilesRefusal } from '../../../test/profiles-rules.js';
import { parseMetaDelivery } from './parser.js';

const RECEIVED = new Date('2026-11-06T12:00:00Z');
const FIXTURES = allMetaFixtures().map(
  ([folder, name]) =>
    [`${folder}/${name}`, JSON.parse(metaFixture(folder, name).toString('utf8'))] as [
      string,
      JsonValue,
    ],
);

/** What is wrong with the parser's answer to body (empty when nothing is). */
function faults(body: string | Uint8Array): string[] {
  let parsed;
  try {
    parsed = parseMetaDelivery(body, RECEIVED);
  } catch (err) {
    return [`threw: ${(err as Error).message}`];
  }
  return parsed.events.flatMap((e) => {
    const why = profilesRefusal(e);
    return why ? [`${e.event?.$case}: ${why}`] : [];
  });
}

function everyReplacement(values: JsonValue[], where: (v: JsonValue) => boolean): string[] {
  const found: string[] = [];
  for (const [name, body] of FIXTURES) {
    for (const path of pathsOf(body)) {
      const current = path.reduce<JsonValue>(
        (v, k) => (v as Record<string | number, JsonValue>)[k]!,
        body,
      );
      if (!where(current)) continue;
      for (const value of values)
        for (const f of faults(toText(replaced(body, path, value))))
          found.push(`${name} ${path.join('.')} = ${toText(value).slice(0, 40)}: ${f}`);
    }
  }
  return found;
}

const hostileValue: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.constantFrom(...WRONG_VALUES),
  fc.constantFrom(...ODD_NAMES),
  fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<JsonValue>,
);

const mutated: fc.Arbitrary<string> = fc
  .record({
    pick: fc.nat(FIXTURES.length - 1),
    edits: fc.array(fc.tuple(fc.nat(), hostileValue), { minLength: 1, maxLength: 4 }),
  })
  .map(({ pick, edits }) => {
    let body = FIXTURES[pick]![1];
    for (const [at, value] of edits) {
      const paths = pathsOf(body);
      if (paths.length > 0) body = replaced(body, paths[at % paths.length]!, value);
    }
    return toText(body);
  });

const envelope = (messaging: string, object = 'page'): string =>
  `{"object":"${object}","entry":[{"id":"1029384756","time":1793955600000,"messaging":${messaging}}]}`;

const body: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  { weight: 6, arbitrary: mutated },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2048 }) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 5000 })
      .map((d) => envelope(`${'['.repeat(d)}${']'.repeat(d)}`)),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({
        item: fc.constantFrom('0', '{}', '"x"', '{"sender":{"id":"1"},"message":{}}'),
        count: fc.integer({ min: 100, max: 50_000 }),
      })
      .map(({ item, count }) => envelope(`[${Array(count).fill(item).join(',')}]`)),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ item: fc.json({ maxDepth: 5 }), object: fc.constantFrom('page', 'instagram') })
      .map(({ item, object }) => envelope(`[${item}]`, object)),
  },
);

describe('Messenger / Instagram parser fuzz', () => {
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

  it('seeded random bodies: mutated fixtures, bytes, deep nesting, huge lists, random items', async () => {
    await assertWithSeed(
      fc.property(body, (b) => {
        expect(faults(b)).toEqual([]);
      }),
      { seed: fuzzSeed(), numRuns: 150 },
    );
  });
});
