import { Channel } from '@ue/proto';
import { describe, expect, it } from 'vitest';
import {
  customerBody,
  DEMO_ACCOUNTS,
  META_PERSONAS,
  metaLines,
  receiptBodies,
} from './channels.js';
import { PERSONAS } from './dataset.js';

const NOW = 1_795_000_000;

describe('demo accounts and Messenger / Instagram conversations', () => {
  it('covers all three channels, every account named, one business', () => {
    expect(new Set(DEMO_ACCOUNTS.map((a) => a.channel))).toEqual(
      new Set([Channel.WHATSAPP, Channel.MESSENGER, Channel.INSTAGRAM]),
    );
    expect(DEMO_ACCOUNTS.every((a) => a.name.length > 0)).toBe(true);
    expect(new Set(DEMO_ACCOUNTS.map((a) => a.businessId)).size).toBe(1);
    expect(new Set(META_PERSONAS.map((p) => p.channel))).toEqual(
      new Set(['messenger', 'instagram']),
    );
  });

  it('links one Messenger customer to the WhatsApp persona of the same name', () => {
    const linked = META_PERSONAS.filter((p) => p.sameAs);
    expect(linked).toHaveLength(1);
    const wa = PERSONAS.find((p) => p.key === linked[0]!.sameAs);
    expect(wa?.name).toBe(linked[0]!.name);
  });

  it('uses the same message ids whatever "now" is, so loading again adds nothing', () => {
    const a = metaLines(NOW).map((l) => l.mid);
    const b = metaLines(NOW + 86_400).map((l) => l.mid);
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(a.length);
  });

  it('ends every conversation before now, customer first, in order', () => {
    for (const p of META_PERSONAS) {
      const lines = metaLines(NOW).filter((l) => l.persona === p);
      expect(lines[0]!.fromCustomer).toBe(true);
      expect(lines.at(-1)!.at).toBeLessThan(NOW * 1000);
      expect(lines.map((l) => l.at)).toEqual([...lines.map((l) => l.at)].sort((x, y) => x - y));
    }
  });

  it('shapes deliveries like the Messenger Platform: page or instagram object, one entry', () => {
    const [first] = metaLines(NOW);
    const body = customerBody(first!, 'http://127.0.0.1:7209') as {
      object: string;
      entry: { id: string; messaging: { sender: { id: string }; message: { mid: string } }[] }[];
    };
    expect(body.object).toBe('page');
    expect(body.entry[0]!.messaging[0]!.sender.id).toBe(first!.persona.scopedId);
    expect(body.entry[0]!.messaging[0]!.message.mid).toBe(first!.mid);
    const receipts = receiptBodies(metaLines(NOW), NOW);
    expect(new Set(receipts.map((r) => r.channel))).toEqual(new Set(['messenger', 'instagram']));
  });
});
