// What a model must answer, twice over: as JSON Schema (sent to OpenAI-compatible servers as
// response_format, and turned into a grammar for the local model) and as zod (which every
// answer is validated with, whatever the server promised). The criteria the model judges and
// the one measured from signals, with their weights, are here too.
import { z } from 'zod';

export const SENTIMENTS = ['positive', 'neutral', 'negative'] as const;
export const TRENDS = ['improving', 'stable', 'worsening'] as const;
export const OWNERS = ['agent', 'human', 'customer'] as const;

/** Criteria of the quality score: key, weight (sum 100), and whether the model judges it. */
export const CRITERIA = [
  { key: 'answered_questions', weight: 25, judged: true },
  { key: 'correct_information', weight: 25, judged: true },
  { key: 'tone', weight: 15, judged: true },
  { key: 'escalation', weight: 15, judged: true },
  { key: 'response_time', weight: 20, judged: false },
] as const;

export type JudgedKey = Extract<(typeof CRITERIA)[number], { judged: true }>['key'];
export const JUDGED_KEYS: JudgedKey[] = CRITERIA.flatMap((c) => (c.judged ? [c.key] : []));

const judged = z.object({
  score: z.number().int().min(0).max(10),
  reason: z.string().trim().min(1).max(400),
});

export const modelAnswer = z.object({
  summary: z.string().trim().min(10).max(1200),
  conversation_language: z.string().trim().min(2).max(20),
  topics: z.array(z.string().trim().min(1).max(60)).min(1).max(6),
  sentiment: z.enum(SENTIMENTS),
  sentiment_trend: z.enum(TRENDS),
  action_items: z
    .array(z.object({ text: z.string().trim().min(1).max(300), owner: z.enum(OWNERS) }))
    .max(8),
  criteria: z.object(
    Object.fromEntries(JUDGED_KEYS.map((k) => [k, judged])) as Record<JudgedKey, typeof judged>,
  ),
});

export type ModelAnswer = z.output<typeof modelAnswer>;

const judgedSchema = {
  type: 'object',
  properties: {
    // An enum rather than minimum/maximum: every grammar and strict server understands it.
    score: { type: 'integer', enum: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10] },
    reason: { type: 'string' },
  },
  required: ['score', 'reason'],
  additionalProperties: false,
} as const;

/** The same shape as JSON Schema (the subset both OpenAI structured outputs and GBNF take). */
export const ANSWER_JSON_SCHEMA = {
  type: 'object',
  properties: {
    summary: { type: 'string' },
    conversation_language: { type: 'string' },
    topics: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 6 },
    sentiment: { type: 'string', enum: [...SENTIMENTS] },
    sentiment_trend: { type: 'string', enum: [...TRENDS] },
    action_items: {
      type: 'array',
      maxItems: 8,
      items: {
        type: 'object',
        properties: {
          text: { type: 'string' },
          owner: { type: 'string', enum: [...OWNERS] },
        },
        required: ['text', 'owner'],
        additionalProperties: false,
      },
    },
    criteria: {
      type: 'object',
      properties: Object.fromEntries(JUDGED_KEYS.map((k) => [k, judgedSchema])),
      required: [...JUDGED_KEYS],
      additionalProperties: false,
    },
  },
  required: [
    'summary',
    'conversation_language',
    'topics',
    'sentiment',
    'sentiment_trend',
    'action_items',
    'criteria',
  ],
  additionalProperties: false,
} as const;

/** Parse a model's text answer: JSON, then the schema. Throws a short, loggable reason. */
export function parseAnswer(text: string): ModelAnswer {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InvalidAnswer(`not JSON (${text.length} characters)`);
  }
  const r = modelAnswer.safeParse(json);
  if (!r.success) {
    const first = r.error.issues[0]!;
    throw new InvalidAnswer(`${first.path.join('.') || '(root)'}: ${first.message}`);
  }
  return r.data;
}

export class InvalidAnswer extends Error {
  override readonly name = 'InvalidAnswer';
  constructor(reason: string) {
    super(`the model's answer is invalid: ${reason}`);
  }
}

/**
 * The schema with length limits on every string, for the local model's grammar: a small model
 * may otherwise write until its token budget runs out. (Kept out of ANSWER_JSON_SCHEMA, since
 * some servers' strict structured outputs refuse maxLength.)
 */
export const GRAMMAR_JSON_SCHEMA = (() => {
  const limits: Record<string, number> = {
    summary: 360,
    conversation_language: 8,
    topics: 30,
    text: 140,
    reason: 140,
  };
  const walk = (node: unknown, key?: string): unknown => {
    if (Array.isArray(node)) return node.map((n) => walk(n));
    if (!node || typeof node !== 'object') return node;
    const o = node as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) {
      if (k === 'properties') {
        out[k] = Object.fromEntries(
          Object.entries(v as Record<string, unknown>).map(([p, s]) => [p, walk(s, p)]),
        );
      } else if (k === 'items') out[k] = walk(v, key);
      else out[k] = v;
    }
    if (o.type === 'string' && !o.enum && key && limits[key]) out.maxLength = limits[key];
    return out;
  };
  return walk(ANSWER_JSON_SCHEMA);
})();
