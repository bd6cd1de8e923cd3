// Messages between the review service and the local model's process (local-runner.ts).
import type { Prompt } from '../domain/prompt.js';
import type { ModelAnswer } from '../domain/schema.js';
import type { LocalOptions } from './local.js';

export type RunnerRequest =
  | {
      type: 'start';
      options: Omit<LocalOptions, 'log'>;
      nice: number;
      logLevel: string;
    }
  | { type: 'review'; id: number; prompt: Prompt }
  | { type: 'close' };

export type RunnerReply =
  | { type: 'ready' }
  | { type: 'answer'; id: number; answer: ModelAnswer }
  | { type: 'error'; id?: number; message: string };
