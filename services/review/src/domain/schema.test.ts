import { describe, expect, it } from 'vitest';
import {
  ANSWER_JSON_SCHEMA,
  CRITERIA,
  GRAMMAR_JSON_SCHEMA,
  InvalidAnswer,
  JUDGED_KEYS,
  parseAnswer,
} from './schema.js';

const good = {
  summary: 'The customer asked where the parcel is. The agent said tomorrow.',
  conversation_language: 'de',
  topics: ['delivery'],
  sentiment: 'neutral',
  sentiment_trend: 'improving',
  action_items: [{ text: 'Check the tracking', owner: 'human' }],
  criteria: Object.fromEntries(JUDGED_KEYS.map((k) => [k, { score: 8, reason: 'fine' }])),
};

describe('answer schema', () => {
  it('accepts a complete answer', () => {
    expect(parseAnswer(JSON.stringify(good)).criteria.tone.score).toBe(8);
  });

  it('names what is wrong', () => {
    expect(() => parseAnswer('{')).toThrow(InvalidAnswer);
    const bad = { ...good, criteria: { ...good.criteria, tone: { score: 100, reason: 'x' } } };
    expect(() => parseAnswer(JSON.stringify(bad))).toThrow(/criteria\.tone\.score/);
    expect(() => parseAnswer(JSON.stringify({ ...good, sentiment: 'angry' }))).toThrow(/sentiment/);
  });

  it('weights sum to 100 and the JSON Schema asks for every judged criterion', () => {
    expect(CRITERIA.reduce((a, c) => a + c.weight, 0)).toBe(100);
    expect(ANSWER_JSON_SCHEMA.properties.criteria.required).toEqual(JUDGED_KEYS);
  });

  it('gives the grammar length limits the API schema leaves out', () => {
    const g = GRAMMAR_JSON_SCHEMA as typeof ANSWER_JSON_SCHEMA & {
      properties: { summary: { maxLength?: number }; topics: { items: { maxLength?: number } } };
    };
    expect(g.properties.summary.maxLength).toBeGreaterThan(100);
    expect(g.properties.topics.items.maxLength).toBe(30);
    expect(JSON.stringify(ANSWER_JSON_SCHEMA)).not.toContain('maxLength');
  });
});
