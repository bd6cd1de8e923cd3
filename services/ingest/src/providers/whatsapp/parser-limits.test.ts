// Hostile and out-of-limit input: prototype names as provider strings, items profiles would
// refuse, nesting deeper than the shared reader takes. The rest of a delivery always survives.
import { MessageType, type WebhookEvent } from '@ue/proto';
import { fixture } from '@ue/testing';
import { describe, expect, it } from 'vitest';
import { profilesRefusal } from '../../../test/profiles-rules.js';
import { MAX_JSON_DEPTH, readJson } from './json.js';
import { parseWhatsappDelivery, type ParsedDelivery } from './parser.js';

const RECEIVED = new Date('2026-11-05T12:30:00Z');
const WAMID = 'wamid.HBgNNDkxNzY0MDI4NjE1MxUCABIYFDNBNjAxNTgyOUFGRkZEQjhBN0ZCAA==';
/** constructor, toString, valueOf, hasOwnProperty, __proto__, isPrototypeOf, __defineGetter__, … */
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);

type Body = { entry: Array<{ changes: Array<{ value: Record<string, unknown> }> }> };
type Item = Record<string, unknown>;

/** A fixture as an object whose first value can be edited, and back to text. */
function edit(name: string, change: (value: Record<string, unknown>) => void): string {
  const body = JSON.parse(fixture(name).toString('utf8')) as Body;
  change(body.entry[0]!.changes[0]!.value);
  return JSON.stringify(body);
}

const items = (v: Record<string, unknown>, key: string): Item[] => v[key] as Item[];

function parse(body: string): ParsedDelivery {
  const p = parseWhatsappDelivery(body, RECEIVED);
  // The property every case below rests on: nothing profiles would refuse is ever emitted.
  expect(p.events.map(profilesRefusal).filter(Boolean)).toEqual([]);
  return p;
}

const cases = (p: ParsedDelivery) => p.events.map((e) => e.event?.$case);
const inbound = (p: ParsedDelivery) =>
  p.events.flatMap((e: WebhookEvent) =>
    e.event?.$case === 'inboundMessage' ? [e.event.inboundMessage] : [],
  );
const seen = (p: ParsedDelivery) =>
  p.events.flatMap((e) => (e.event?.$case === 'userSeen' ? [e.event.userSeen] : []));

describe('provider strings that are Object.prototype names (D1)', () => {
  it.each(PROTOTYPE_NAMES)('message type %s is stored as unsupported with its raw JSON', (n) => {
    const p = parse(
      edit('text-basic.json', (v) => {
        const m = items(v, 'messages')[0]!;
        m.type = n;
        // An own key of that name too: the content object is looked up as an own property.
        Object.defineProperty(m, n, { value: { body: 'x' }, enumerable: true });
      }),
    );
    expect(cases(p)).toEqual(['userSeen', 'inboundMessage']);
    const m = inbound(p)[0]!;
    expect(m.content).toMatchObject({ type: MessageType.UNSUPPORTED, unsupportedType: n });
    expect(JSON.parse(m.rawJson)).toMatchObject({ type: n });
    expect(p.unknownTypes).toEqual([n]);
    expect(p.problems).toEqual([]);
  });

  it.each(PROTOTYPE_NAMES)('status %s is an unknown status, not an event', (n) => {
    const p = parse(edit('status-read.json', (v) => (items(v, 'statuses')[0]!.status = n)));
    expect(cases(p)).toEqual(['userSeen']);
    expect(p.unknownTypes).toEqual([`status:${n}`]);
  });
});

describe('items profiles would refuse, inside an otherwise valid delivery (D4)', () => {
  it('a profile name over 256 characters is cut at a character boundary; the message is kept', () => {
    const name = `${'a'.repeat(255)}😀${'b'.repeat(100)}`;
    const p = parse(
      edit('text-basic.json', (v) => {
        (items(v, 'contacts')[0]!.profile as Item).name = name;
        (items(v, 'contacts')[0]!.profile as Item).username = `@${'u'.repeat(400)}`;
      }),
    );
    expect(cases(p)).toEqual(['userSeen', 'inboundMessage']);
    expect(seen(p)[0]!.name).toBe('a'.repeat(255));
    expect(seen(p)[0]!.username).toBe(`@${'u'.repeat(255)}`);
    expect(inbound(p)[0]!.wamid).toBe(WAMID);
  });

  it('a wa_id with letters is not a wa_id: the sender is known by its BSUID', () => {
    const p = parse(
      edit('text-basic.json', (v) => {
        items(v, 'contacts')[0]!.wa_id = '49176402861ab';
        items(v, 'messages')[0]!.from = '49176402861ab';
      }),
    );
    expect(cases(p)).toEqual(['userSeen', 'inboundMessage']);
    const bsuidOnly = { waId: '', bsuid: 'DE.5830194726350817264', parentBsuid: '', scopedId: '' };
    expect(seen(p)[0]!.user).toEqual(bsuidOnly);
    expect(inbound(p)[0]!.from).toEqual(bsuidOnly);
  });

  it('a contact with no usable id is left out, listed; the message from a valid number is kept', () => {
    const p = parse(
      edit('text-basic.json', (v) => {
        items(v, 'contacts').unshift({ profile: { name: 'x' }, wa_id: 'abc', user_id: '' });
      }),
    );
    expect(cases(p)).toEqual(['userSeen', 'inboundMessage']);
    expect(p.unsupported).toEqual([
      'entry[0].changes[0].value.contacts[0]: no wa_id or user_id profiles accepts',
    ]);
    expect(p.problems).toEqual([]);
  });

  it('a message whose only sender id is not a wa_id is listed; its neighbours are kept', () => {
    const p = parse(
      edit('text-basic.json', (v) => {
        const good = items(v, 'messages')[0]!;
        items(v, 'messages').unshift({
          ...good,
          id: 'wamid.other',
          from: '12ab',
          from_user_id: '',
        });
      }),
    );
    expect(inbound(p).map((m) => m.wamid)).toEqual([WAMID]);
    expect(p.problems).toEqual([
      'entry[0].changes[0].value.messages[0]: message wamid.other without from / from_user_id',
    ]);
  });

  it('a text over 64 Ki characters is stored as unsupported, with the rest of the delivery', () => {
    const p = parse(
      edit('text-basic.json', (v) => {
        const m = items(v, 'messages')[0]!;
        items(v, 'messages').push({ ...m, id: 'wamid.long', text: { body: 'x'.repeat(70_000) } });
      }),
    );
    const [kept, long] = inbound(p);
    expect(kept!.content?.type).toBe(MessageType.TEXT);
    expect(long!.content).toMatchObject({ type: MessageType.UNSUPPORTED, text: '' });
    expect(long!.content?.unsupportedType).toBe('text');
  });

  it('a reaction whose emoji or target is beyond the limits is stored as unsupported', () => {
    const p = parse(
      edit('reaction-added.json', (v) => {
        const r = items(v, 'messages')[0]!.reaction as Item;
        r.emoji = '👍'.repeat(40);
      }),
    );
    expect(inbound(p)[0]!.content).toMatchObject({
      type: MessageType.UNSUPPORTED,
      unsupportedType: 'reaction',
    });
    expect(JSON.parse(inbound(p)[0]!.rawJson)).toMatchObject({ type: 'reaction' });
  });

  it('numbers out of range: an error code beyond int32 is 0, a timestamp past 9999 is the receipt time', () => {
    const p = parse(
      edit('unsupported-message.json', (v) => {
        const m = items(v, 'messages')[0]!;
        (m.errors as Item[])[0]!.code = 1e20;
        m.timestamp = '999999999999';
      }),
    );
    expect(inbound(p)[0]!.errors[0]!.code).toBe(0);
    expect(p.events.at(-1)!.occurredAt).toEqual(RECEIVED);
  });

  it('ids too long for profiles: the item is listed, never sent', () => {
    const longId = edit('text-basic.json', (v) => (items(v, 'messages')[0]!.id = 'w'.repeat(300)));
    expect(cases(parse(longId))).toEqual(['userSeen']);
    const longAccount = edit('text-basic.json', (v) => {
      (v.metadata as Item).phone_number_id = '1'.repeat(65);
    });
    expect(parse(longAccount).problems).toEqual([
      'entry[0].changes[0].value: value without metadata.phone_number_id',
    ]);
  });
});

describe('nesting depth (D5)', () => {
  const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

  it(`reads up to ${MAX_JSON_DEPTH} levels, and no deeper`, () => {
    expect(readJson(nested(MAX_JSON_DEPTH)).ok).toBe(true);
    expect(readJson(nested(MAX_JSON_DEPTH + 1))).toEqual({
      ok: false,
      problem: `nested deeper than ${MAX_JSON_DEPTH} levels`,
    });
    // Brackets inside strings (and escaped quotes) are text, not nesting.
    expect(readJson(JSON.stringify({ s: `\\"${'['.repeat(1000)}` })).ok).toBe(true);
  });

  it('a delivery nested 10,000 levels deep is reported, not thrown on', () => {
    const deep = `{"object":"whatsapp_business_account","entry":[${nested(10_000)}]}`;
    expect(parseWhatsappDelivery(deep, RECEIVED).problems).toEqual([
      `body is nested deeper than ${MAX_JSON_DEPTH} levels`,
    ]);
  });

  it('keeps integers beyond 2^53 as their exact digits', () => {
    expect(readJson('{"id": 12345678901234567890, "n": 12}')).toEqual({
      ok: true,
      value: { id: '12345678901234567890', n: 12 },
    });
  });
});
