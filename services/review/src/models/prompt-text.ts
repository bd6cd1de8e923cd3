// The user message with the answer's JSON Schema appended, for servers that take no schema of
// their own (json_object mode). The local model needs none: its grammar is the schema.
import type { Prompt } from '../domain/prompt.js';
import { ANSWER_JSON_SCHEMA } from '../domain/schema.js';

export function buildPromptText(prompt: Prompt): string {
  return `${prompt.user}\n\nAnswer with JSON matching this JSON Schema:\n${JSON.stringify(ANSWER_JSON_SCHEMA)}`;
}
