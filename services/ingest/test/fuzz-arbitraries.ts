// Generators of hostile webhook bodies (fast-check), shared by the parser's property test and the
// endpoint fuzz test: the project's real fixtures with fields replaced by wrong types, prototype
// names and unknown types; random bytes; invalid UTF-8; deep nesting; huge arrays.
import fc from 'fast-check';
import { fixture, fixtureNames } from '@ue/testing';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };
export type Path = Array<string | number>;

/** constructor, toString, valueOf, hasOwnProperty, __proto__, isPrototypeOf, __defineGetter__, … */
export const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);

/** Raw JSON numbers JSON.stringify cannot write (1e999 parses as Infinity). */
const RAW = '\u0000raw:';
const rawNumber = (text: string): string => `${RAW}${text}`;

const nest = (depth: number): JsonValue => {
  let v: JsonValue = 'deep';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { k: v };
  return v;
};

/** A value of some other type than the field had, or one that stretches its type. */
export const WRONG_VALUES: JsonValue[] = [
  null,
  true,
  0,
  -1,
  1.5,
  2 ** 53 + 2,
  rawNumber('1e999'),
  rawNumber('-1e999'),
  rawNumber('123456789012345678901234567890'),
  '',
  ' ',
  '12ab',
  '\ud800',
  'x'.repeat(300),
  'y'.repeat(70_000),
  '😀'.repeat(200),
  [],
  [1, 'two', null],
  {},
  // An own "__proto__" key (what JSON.parse makes of one), not a prototype.
  JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {}}}') as JsonValue,
  nest(40),
  Array.from({ length: 2000 }, () => ({})),
];

/** Message/status/field names this parser does not know, and names of JavaScript internals. */
export const ODD_NAMES = [...PROTOTYPE_NAMES, 'hologram', 'poll_creation', 'x'.repeat(500), ''];

/** JSON text, with the raw numbers written as they are. */
export function toText(v: unknown): string {
  return JSON.stringify(v).replace(/"\\u0000raw:([^"]*)"/g, '$1');
}

export function fixtureJson(name: string): JsonValue {
  return JSON.parse(fixture(name).toString('utf8')) as JsonValue;
}

/** Every path below the root of a JSON value. */
export function pathsOf(v: JsonValue, prefix: Path = []): Path[] {
  if (v === null || typeof v !== 'object') return [];
  const keys: Array<string | number> = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
  return keys.flatMap((k) => {
    const path = [...prefix, k];
    const child = (v as Record<string | number, JsonValue>)[k]!;
    return [path, ...pathsOf(child, path)];
  });
}

/** A copy of root with the value at path replaced. */
export function replaced(root: JsonValue, path: Path, value: JsonValue): JsonValue {
  const copy = JSON.parse(JSON.stringify(root)) as JsonValue;
  let at = copy as Record<string | number, JsonValue>;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, JsonValue>;
  Object.defineProperty(at, path.at(-1)!, { value, enumerable: true, writable: true });
  return copy;
}

const hostileValue: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.constantFrom(...WRONG_VALUES),
  fc.constantFrom(...ODD_NAMES),
  fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<JsonValue>,
  fc.string({ unit: 'binary', maxLength: 40 }),
);

/** A real fixture with one to four of its fields (anywhere) replaced by hostile values. */
export const mutatedFixture: fc.Arbitrary<string> = fc
  .record({
    name: fc.constantFrom(...fixtureNames()),
    edits: fc.array(fc.tuple(fc.nat(), hostileValue), { minLength: 1, maxLength: 4 }),
  })
  .map(({ name, edits }) => {
    let body = fixtureJson(name);
    for (const [pick, value] of edits) {
      const paths = pathsOf(body);
      if (paths.length > 0) body = replaced(body, paths[pick % paths.length]!, value);
    }
    return toText(body);
  });

const envelope = (valueText: string): string =>
  `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":${valueText}}]}]}`;

/** Arrays and objects nested `depth` levels inside a messages value. */
export const deepNesting: fc.Arbitrary<string> = fc
  .integer({ min: 1, max: 10_000 })
  .map((depth) =>
    envelope(
      `{"metadata":{"phone_number_id":"1"},"messages":${'['.repeat(depth)}${']'.repeat(depth)}}`,
    ),
  );

/** One list of the envelope with up to ~2.5 MB of small items. */
export const hugeArray: fc.Arbitrary<string> = fc
  .record({
    key: fc.constantFrom('messages', 'statuses', 'contacts', 'errors'),
    item: fc.constantFrom('0', '{}', '"x"', '[]', 'null', '{"id":""}'),
    count: fc.integer({ min: 1000, max: 400_000 }),
  })
  .map(({ key, item, count }) =>
    envelope(
      `{"metadata":{"phone_number_id":"1"},"${key}":[${Array(count).fill(item).join(',')}]}`,
    ),
  );

/** A valid fixture's bytes with bytes that are never UTF-8 (0xff, a cut sequence) inserted. */
export const invalidUtf8: fc.Arbitrary<Buffer> = fc
  .record({
    name: fc.constantFrom(...fixtureNames()),
    at: fc.nat(),
    bad: fc.constantFrom([0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80]),
  })
  .map(({ name, at, bad }) => {
    const b = fixture(name);
    const i = at % b.length;
    return Buffer.concat([b.subarray(0, i), Buffer.from(bad), b.subarray(i)]);
  });

/** A generated body, printed short (kind, size, first bytes) when fast-check reports it. */
export interface FuzzBody {
  kind: string;
  bytes: Buffer;
}

const labelled =
  (kind: string) =>
  (bytes: Buffer): FuzzBody =>
    Object.assign(
      { kind, bytes },
      {
        [fc.toStringMethod]: () =>
          `${kind} (${bytes.length} bytes): ${JSON.stringify(bytes.subarray(0, 160).toString('latin1'))}`,
      },
    );

/** Any body the fuzz tests send. */
export const hostileBody: fc.Arbitrary<FuzzBody> = fc.oneof(
  { weight: 6, arbitrary: mutatedFixture.map((t) => labelled('mutated fixture')(Buffer.from(t))) },
  {
    weight: 1,
    arbitrary: fc
      .uint8Array({ maxLength: 2048 })
      .map((u) => labelled('random bytes')(Buffer.from(u))),
  },
  { weight: 1, arbitrary: invalidUtf8.map(labelled('invalid UTF-8')) },
  { weight: 2, arbitrary: deepNesting.map((t) => labelled('deep nesting')(Buffer.from(t))) },
  { weight: 1, arbitrary: hugeArray.map((t) => labelled('huge array')(Buffer.from(t))) },
  {
    weight: 1,
    arbitrary: fc
      .json({ maxDepth: 6 })
      .map((t) => labelled('random JSON value')(Buffer.from(envelope(t)))),
  },
);

/** The seed of a fuzz run: FUZZ_SEED to replay one, otherwise a fresh one (printed on failure). */
export function fuzzSeed(): number {
  const fixed = Number(process.env.FUZZ_SEED);
  return Number.isInteger(fixed) ? fixed : Math.floor(Math.random() * 2 ** 31);
}

/** fc.assert, naming the seed to replay when it fails. */
export async function assertWithSeed<Ts extends [unknown, ...unknown[]]>(
  property: fc.IRawProperty<Ts>,
  params: fc.Parameters<Ts> & { seed: number },
): Promise<void> {
  try {
    await fc.assert(property, params);
  } catch (err) {
    throw new Error(
      `fuzz failed; replay with FUZZ_SEED=${params.seed}\n${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}
