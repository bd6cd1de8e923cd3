import { describe, expect, it } from 'vitest';
import { currentReactions, editHistory, previewText } from './message-views.js';

const at = (m: number) => new Date(Date.UTC(2026, 10, 10, 9, m));

describe('currentReactions', () => {
  it('drops removed reactions and orders the rest by provider time', () => {
    const slots = {
      b: { emoji: '👍', key: `${at(5).toISOString()}|w2` },
      a: { emoji: '❤️', key: `${at(1).toISOString()}|w1` },
      c: { emoji: '', key: `${at(9).toISOString()}|w3` },
    };
    expect(currentReactions(slots).map((r) => r.emoji)).toEqual(['❤️', '👍']);
    expect(currentReactions(undefined)).toEqual([]);
  });
});

describe('editHistory', () => {
  it('applies edits by time whatever order they were stored in', () => {
    const v1 = { text: 'second', editedAt: at(2), editWamid: 'e1' };
    const v2 = { text: 'third', editedAt: at(3), editWamid: 'e2' };
    const forward = editHistory('first', [v1, v2]);
    expect(editHistory('first', [v2, v1])).toEqual(forward);
    expect(forward.text).toBe('third');
    expect(forward.edits.map((e) => e.previousText)).toEqual(['first', 'second']);
  });

  it('orders edits with the same time by wamid, and says when there was none', () => {
    const a = { text: 'A', editedAt: at(2), editWamid: 'a' };
    const b = { text: 'B', editedAt: at(2), editWamid: 'b' };
    expect(editHistory('x', [b, a]).text).toBe('B');
    expect(editHistory('x', [])).toEqual({ text: undefined, edits: [] });
  });
});

describe('previewText', () => {
  it('takes the first non-empty candidate', () => {
    expect(previewText([undefined, '', 'caption', 'label'])).toBe('caption');
    expect(previewText([undefined, ''])).toBe('');
  });

  it('cuts long texts by code points, never inside a surrogate pair', () => {
    const text = '😀'.repeat(200);
    const cut = previewText([text]);
    expect([...cut]).toHaveLength(160);
    expect(cut).toBe('😀'.repeat(160));
  });
});
