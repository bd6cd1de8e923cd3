// Rendering views in tests, and the check that hostile data came out as inert text: no script
// but our own files, no event handler, no image or frame from data, no javascript: URL.
import { expect } from 'vitest';

export async function render(el: unknown): Promise<string> {
  return String(await (el as Promise<string>));
}

/** Every attribute of every tag; exact because hono/jsx always double-quotes and escapes values. */
export function attributes(html: string): { tag: string; name: string; value: string }[] {
  const out: { tag: string; name: string; value: string }[] = [];
  for (const t of html.matchAll(/<([a-zA-Z][\w-]*)((?:\s+[^\s=>"']+(?:="[^"]*")?)*)\s*\/?>/g)) {
    for (const a of (t[2] ?? '').matchAll(/\s+([^\s=>"']+)(?:="([^"]*)")?/g))
      out.push({ tag: t[1]!.toLowerCase(), name: a[1]!.toLowerCase(), value: a[2] ?? '' });
  }
  return out;
}

export function assertInert(html: string): void {
  // The only scripts are our own files: vendored htmx + SSE extension, and app.js.
  const scripts = html.match(/<script[^>]*>/gi) ?? [];
  for (const s of scripts)
    expect(s).toMatch(/^<script src="\/dev\/ue\/static\/(vendor\/[a-z.]+|app)\.js"( defer="")?>$/);
  // No tag carries an event handler attribute, no element is an image/svg/iframe from data.
  const attrs = attributes(html);
  expect(attrs.length).toBeGreaterThan(5);
  expect(attrs.filter((a) => a.name.startsWith('on') || a.name.startsWith('hx-on'))).toEqual([]);
  expect(
    attrs.filter((a) => ['img', 'iframe', 'object', 'embed', 'image'].includes(a.tag)),
  ).toEqual([]);
  // No link or resource points to javascript:, and no user data reaches hx-vals or style.
  expect(attrs.filter((a) => /^\s*javascript:/i.test(a.value))).toEqual([]);
  expect(attrs.filter((a) => a.name === 'hx-vals' || a.name === 'style')).toEqual([]);
  for (const a of attrs.filter((x) => x.tag === 'script' && x.name === 'src'))
    expect(a.value).toMatch(/^\/dev\/ue\/static\/(vendor\/[a-z.]+|app)\.js$/);
  // The hostile text is there, escaped.
  expect(html).toContain('&lt;script&gt;');
}
