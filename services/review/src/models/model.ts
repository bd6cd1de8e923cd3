// One interface for every model: a prompt in, a validated answer out (or an error saying why).
import type { Prompt } from '../domain/prompt.js';
import type { ModelAnswer } from '../domain/schema.js';

export interface ReviewModel {
  /** "local" or "openai": shown beside every review. */
  readonly provider: string;
  /** The model's name as recorded with the review. */
  readonly name: string;
  /** Load weights or check the server; called once before the first review. */
  start(): Promise<void>;
  review(prompt: Prompt, signal?: AbortSignal): Promise<ModelAnswer>;
  close(): Promise<void>;
}

/** A model that can be stopped and continued where it was (the local one, for the CPU gate). */
export interface Pausable {
  pause(): void;
  resume(): void;
}

/** A failure worth another attempt later (rate limit, server error, timeout). */
export class TransientModelError extends Error {
  override readonly name = 'TransientModelError';
}
