import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FIXTURES_DIR, fixture, fixtureNames } from './fixtures.js';

interface Item {
  id: string;
  from?: string;
  type?: string;
  context?: { id?: string };
  reaction?: { message_id: string; emoji?: string };
  edit?: { original_message_id: string };
  revoke?: { original_message_id: string };
  system?: { wa_id?: string };
}
interface Value {
  contacts?: { wa_id?: string }[];
  messages?: Item[];
  statuses?: Item[];
}

const values = (name: string): Value[] =>
  (
    JSON.parse(fixture(name).toString('utf8')) as { entry: { changes: { value: Value }[] }[] }
  ).entry.flatMap((e) => e.changes.map((c) => c.value));
const messages = (name: string): Item[] => values(name).flatMap((v) => v.messages ?? []);
const statuses = (name: string): Item[] => values(name).flatMap((v) => v.statuses ?? []);
const only = <T>(items: T[]): T => {
  expect(items).toHaveLength(1);
  return items[0]!;
};

describe('webhook fixtures', () => {
  it('live in this package and are listed sorted', () => {
    expect(isAbsolute(FIXTURES_DIR)).toBe(true);
    expect(FIXTURES_DIR).toBe(fileURLToPath(new URL('../fixtures/whatsapp', import.meta.url)));
    const names = fixtureNames();
    expect(names.length).toBeGreaterThanOrEqual(30);
    expect(names).toEqual([...names].sort());
    expect(names).toContain('wire-format-escaped-unicode.json');
    expect(() => fixture('../package.json')).toThrow(/file name/);
  });

  it('are complete webhook bodies without a trailing newline', () => {
    for (const name of fixtureNames()) {
      const bytes = fixture(name);
      expect(bytes.at(-1), name).toBe('}'.charCodeAt(0));
      expect(JSON.parse(bytes.toString('utf8')), name).toMatchObject({
        object: 'whatsapp_business_account',
        entry: expect.any(Array) as unknown[],
      });
    }
  });

  it('wire-format-escaped-unicode is compact, ASCII only, with \\u escapes and \\/', () => {
    const text = fixture('wire-format-escaped-unicode.json').toString('latin1');
    expect(text).toMatch(/^[\x20-\x7e]+$/);
    expect(text).not.toMatch(/[^\\]\//);
    expect(text).toMatch(/\\ud83[cde]\\u[0-9a-f]{4}/);
    expect(text).not.toMatch(/\\u(?![0-9a-f]{4})/);
    const rewritten = JSON.stringify(JSON.parse(text))
      .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
      .replace(/\//g, '\\/');
    expect(rewritten).toBe(text);
  });

  it('keep their cross-file relations', () => {
    // sent → delivered → read of one outbound message, which the reply quotes.
    const reminder = only(statuses('status-sent.json')).id;
    expect(only(statuses('status-delivered.json')).id).toBe(reminder);
    expect(only(statuses('status-read.json')).id).toBe(reminder);
    const reply = only(messages('text-reply-with-context.json'));
    expect(reply.context?.id).toBe(reminder);
    // The edit changes that reply; the revoke deletes a message of its own POST.
    const [edit, text, revoke] = messages('edit-and-revoke.json');
    expect(edit?.edit?.original_message_id).toBe(reply.id);
    expect([text?.type, revoke?.revoke?.original_message_id]).toEqual(['text', text?.id]);
    // The removal clears the reaction that was added, on the same target.
    const added = only(messages('reaction-added.json')).reaction!;
    const removed = only(messages('reaction-removed.json')).reaction!;
    expect([removed.message_id, removed.emoji]).toEqual([added.message_id, '']);
    expect([...(added.emoji ?? '')].length).toBeGreaterThan(1);
    // The number change moves the sender of the shared contact cards.
    const cards = only(messages('contacts-vcard.json'));
    const change = only(messages('system-user-changed-number.json'));
    expect(change.from).toBe(cards.from);
    expect(change.system?.wa_id).not.toBe(cards.from);
    expect(values('system-user-changed-number.json')[0]?.contacts).toBeUndefined();
  });
});
