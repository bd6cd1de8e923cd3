// The Messenger and Instagram webhook fixtures (packages/testing/fixtures/messenger/ and
// instagram/, described in their README.md), read as bytes beside the WhatsApp ones.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { FIXTURES_DIR } from '@ue/testing';

export type MetaFolder = 'messenger' | 'instagram';

const folder = (f: MetaFolder): string => join(FIXTURES_DIR, '..', f);

/** Every fixture file name of a folder (*.json), sorted. */
export function metaFixtureNames(f: MetaFolder): string[] {
  return readdirSync(folder(f))
    .filter((n) => n.endsWith('.json'))
    .sort();
}

/** The exact bytes of one fixture, e.g. metaFixture('messenger', 'text-basic.json'). */
export function metaFixture(f: MetaFolder, name: string): Buffer {
  if (basename(name) !== name) throw new Error(`fixture name must be a file name: ${name}`);
  return readFileSync(join(folder(f), name));
}

/** Every Messenger and Instagram fixture as [folder, name]. */
export function allMetaFixtures(): Array<[MetaFolder, string]> {
  return (['messenger', 'instagram'] as const).flatMap((f) =>
    metaFixtureNames(f).map((n): [MetaFolder, string] => [f, n]),
  );
}
