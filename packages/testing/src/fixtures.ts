// The project's own WhatsApp Cloud API webhook bodies (packages/testing/fixtures/whatsapp/,
// described in its README.md). Read them as bytes: the bytes on disk are the bytes signed.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the fixture folder; src/ and dist/ both sit one level below the package. */
export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/whatsapp', import.meta.url));

/** Every fixture file name (*.json), sorted. */
export function fixtureNames(): string[] {
  return readdirSync(FIXTURES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
}

/** The exact bytes of one fixture, e.g. fixture('text-basic.json'). */
export function fixture(name: string): Buffer {
  if (basename(name) !== name) throw new Error(`fixture name must be a file name: ${name}`);
  return readFileSync(join(FIXTURES_DIR, name));
}
