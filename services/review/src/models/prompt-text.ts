// The user message with the answer's JSON Schema appended, for servers (or models) that take
// no schema of their own: json_object mode, and the local model's prompt.
import type { Prompt } from '../domain/prompt.js';
import { ANSWER_JSON_SCHEMA } from '../domain/schema.js';

export function buildPromptText(prompt: Prompt): string {
  return `${prompt.user}\n\nAnswer with JSON matching this JSON Schema:\n${JSON.stringify(ANSWER_JSON_SCHEMA)}`;
}
