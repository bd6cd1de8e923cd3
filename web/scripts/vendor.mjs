/* global process */
// Copy htmx and its SSE extension from node_modules into public/vendor so the bff serves them
// from our own origin (CSP script-src 'self', no CDN).
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'vendor');
mkdirSync(out, { recursive: true });
const htmxDir = dirname(require.resolve('htmx.org/package.json'));
const sseDir = dirname(require.resolve('htmx-ext-sse/package.json'));
copyFileSync(join(htmxDir, 'dist', 'htmx.min.js'), join(out, 'htmx.min.js'));
copyFileSync(join(sseDir, 'sse.js'), join(out, 'sse.js'));
process.stdout.write(`vendored htmx + htmx-ext-sse into ${out}\n`);
