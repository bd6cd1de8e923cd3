import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publicDir } from './index.js';

describe('web assets', () => {
  it('exports the absolute folder holding the stylesheet', () => {
    expect(publicDir.startsWith('/')).toBe(true);
    expect(existsSync(join(publicDir, 'app.css'))).toBe(true);
  });

  it('styles without anything CSP style-src self would block (no imports from other origins)', () => {
    const css = readFileSync(join(publicDir, 'app.css'), 'utf8');
    expect(css).not.toMatch(/@import|url\(\s*["']?https?:/);
  });
});
