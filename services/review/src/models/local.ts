// The local model: node-llama-cpp (its prebuilt CPU binaries come from npm) running the GGUF
// file ./dev provisions (Qwen2.5-Coder-1.5B-Instruct Q4_K_M, NOTICE). No key, no network. The
// answer is constrained by a grammar made from the same JSON Schema the zod check mirrors, so
// it is valid JSON of the right shape; zod still checks ranges and lengths. One review at a
// time on one context sequence kept for the process: a new chat session per review, and the
// sequence keeps the evaluated tokens, so the instructions every prompt starts with (about 550
// tokens, some 10 s of CPU here) are evaluated once, not per review.
import type { Logger } from '@ue/kit';
// Types only: the native add-on itself is imported in start(), so the openai provider never loads it.
import type {
  Llama,
  LlamaContext,
  LlamaContextSequence,
  LlamaGrammar as Grammar,
  LlamaModel,
} from 'node-llama-cpp';
import type { Prompt } from '../domain/prompt.js';
import { GRAMMAR_JSON_SCHEMA, parseAnswer, type ModelAnswer } from '../domain/schema.js';
import type { ReviewModel } from './model.js';

export interface LocalOptions {
  modelPath: string;
  threads: number;
  contextTokens: number;
  /** Upper bound on the answer's length. */
  maxTokens?: number;
  log: Logger;
}

export function createLocalModel(o: LocalOptions): ReviewModel {
  let llama: Llama | undefined;
  let model: LlamaModel | undefined;
  let context: LlamaContext | undefined;
  let grammar: Grammar | undefined;
  let sequence: LlamaContextSequence | undefined;
  const name = o.modelPath
    .split('/')
    .pop()!
    .replace(/\.gguf$/, '');

  return {
    provider: 'local',
    name,
    async start() {
      // Loaded lazily so that the openai provider never loads the native addon.
      const lib = await import('node-llama-cpp');
      llama = await lib.getLlama({ gpu: false, build: 'never', logLevel: lib.LlamaLogLevel.error });
      model = await llama.loadModel({ modelPath: o.modelPath });
      context = await model.createContext({
        contextSize: o.contextTokens,
        threads: o.threads,
        sequences: 1,
        // Small evaluation batches. (They do not make an abort land sooner: node-llama-cpp
        // finishes the evaluation it has queued. The CPU gate pauses the model's process
        // instead, local-process.ts.)
        batchSize: 64,
      });
      grammar = await llama.createGrammarForJsonSchema(GRAMMAR_JSON_SCHEMA as never);
      sequence = context.getSequence();
      o.log.info({ model: name, threads: o.threads }, 'local review model loaded');
    },
    async review(prompt: Prompt, signal?: AbortSignal): Promise<ModelAnswer> {
      if (!sequence || !grammar) throw new Error('the local model is not loaded');
      const lib = await import('node-llama-cpp');
      const session = new lib.LlamaChatSession({
        contextSequence: sequence,
        systemPrompt: prompt.system,
      });
      try {
        const text = await session.prompt(prompt.user, {
          grammar,
          temperature: 0,
          // Small models loop on a sentence at temperature 0; penalise repeats.
          repeatPenalty: { penalty: 1.15, frequencyPenalty: 0.2, lastTokens: 128 },
          maxTokens: o.maxTokens ?? 900,
          ...(signal ? { signal } : {}),
        });
        return parseAnswer(text);
      } finally {
        session.dispose({ disposeSequence: false });
      }
    },
    async close() {
      await sequence?.dispose();
      await context?.dispose();
      await model?.dispose();
      await llama?.dispose();
    },
  };
}
