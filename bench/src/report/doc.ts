// docs/BENCHMARKS.md keeps hand-written history; the harness owns only the block between these
// markers (under the "Last run" heading) and replaces it on every run.
import { readFileSync, writeFileSync } from 'node:fs';

export const BLOCK_START = '<!-- bench:last-run:start -->';
export const BLOCK_END = '<!-- bench:last-run:end -->';

/** The document with the generated block replaced; throws when the markers are missing. */
export function replaceBlock(doc: string, block: string): string {
  const start = doc.indexOf(BLOCK_START);
  const end = doc.indexOf(BLOCK_END);
  if (start < 0 || end < start)
    throw new Error(`docs/BENCHMARKS.md has no ${BLOCK_START} … ${BLOCK_END} block`);
  return `${doc.slice(0, start + BLOCK_START.length)}\n${block.trim()}\n${doc.slice(end)}`;
}

export function writeBlock(path: string, block: string): void {
  writeFileSync(path, replaceBlock(readFileSync(path, 'utf8'), block));
}
