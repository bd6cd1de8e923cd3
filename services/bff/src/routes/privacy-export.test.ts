import { describe, expect, it } from 'vitest';
import { Message, PersonLink, PersonRule, User } from '@ue/proto';
import { exportJsonWriter } from './privacy.js';

describe('export JSON', () => {
  it('lists the joins and splits that moved the identity, and every section even when empty', () => {
    const w = exportJsonWriter(new Date('2026-12-01T10:00:00Z'));
    const json =
      w.start() +
      w.part({ $case: 'user', user: User.fromPartial({ id: 'u1' }) }) +
      w.part({ $case: 'message', message: Message.fromPartial({ id: 'm1' }) }) +
      w.part({
        $case: 'personLink',
        personLink: PersonLink.fromPartial({ id: 'l1', rule: PersonRule.MANUAL, reason: 'why' }),
      }) +
      w.end();
    const doc = JSON.parse(json) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual([
      'exported_at',
      'user',
      'messages',
      'person_links',
      'facts',
      'log_entries',
      'reviews',
    ]);
    expect(doc.person_links).toEqual([
      expect.objectContaining({ id: 'l1', rule: 'PERSON_RULE_MANUAL', reason: 'why' }),
    ]);
    expect(doc.facts).toEqual([]);
  });
});
