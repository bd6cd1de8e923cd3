import { describe, expect, it } from 'vitest';
import { BLOCK_END, BLOCK_START, replaceBlock } from './doc.js';
import { renderTable, verdict } from './markdown.js';

describe('replaceBlock', () => {
  const doc = `# Benchmarks\n\n## Last run\n\n${BLOCK_START}\nold\n${BLOCK_END}\n\n## History\n\nkept\n`;

  it('replaces only what is between the markers', () => {
    const out = replaceBlock(doc, 'new report\n');
    expect(out).toBe(
      `# Benchmarks\n\n## Last run\n\n${BLOCK_START}\nnew report\n${BLOCK_END}\n\n## History\n\nkept\n`,
    );
    expect(replaceBlock(out, 'again')).toContain(`${BLOCK_START}\nagain\n${BLOCK_END}`);
  });

  it('refuses a document without the block', () => {
    expect(() => replaceBlock('# Benchmarks\n', 'x')).toThrow(/no .* block/);
  });
});

describe('markdown', () => {
  it('renders a table and escapes pipes', () => {
    expect(renderTable({ header: ['a', 'b'], rows: [['1', 'x|y']] })).toBe(
      '| a | b |\n|---|---|\n| 1 | x\\|y |',
    );
  });

  it('names the verdict', () => {
    expect([verdict(true), verdict(false), verdict(undefined)]).toEqual([
      'met',
      '**not met**',
      '–',
    ]);
  });
});
