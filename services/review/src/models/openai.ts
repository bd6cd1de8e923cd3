// Any OpenAI-compatible chat-completions endpoint: OpenAI, Azure OpenAI, vLLM, Ollama,
// llama.cpp's server. Structured output with response_format json_schema; a server that
// refuses it (llama-cpp-python answers 500, others 400/422) is asked again with json_object
// and the schema in the prompt, and stays in that mode. 429, 5xx and timeouts are retried with
// backoff (p-retry); every answer is validated with zod whatever the server promised.
import pRetry, { AbortError } from 'p-retry';
import type { Logger } from '@ue/kit';
import { buildPromptText } from './prompt-text.js';
import type { Prompt } from '../domain/prompt.js';
import { ANSWER_JSON_SCHEMA, parseAnswer, type ModelAnswer } from '../domain/schema.js';
import { TransientModelError, type ReviewModel } from './model.js';

export interface OpenAiOptions {
  baseUrl: string;
  apiKey?: string;
  model: string;
  timeoutMs: number;
  /** Retries of one request after 429/5xx/timeouts (default 3). */
  retries?: number;
  /** First backoff, ms (default 1000; doubles). */
  minTimeoutMs?: number;
  log: Logger;
}

type Mode = 'json_schema' | 'json_object';

class HttpError extends Error {
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(`the model server answered ${status}: ${body.slice(0, 200)}`);
  }
}

const REFUSALS = new Set([400, 404, 415, 422, 500, 501]);

export function createOpenAiModel(o: OpenAiOptions): ReviewModel {
  let mode: Mode = 'json_schema';
  const url = `${o.baseUrl.replace(/\/+$/, '')}/chat/completions`;

  const once = async (prompt: Prompt, m: Mode, signal?: AbortSignal): Promise<string> => {
    const user = m === 'json_object' ? buildPromptText(prompt) : prompt.user;
    const body = {
      model: o.model,
      temperature: 0,
      messages: [
        { role: 'system', content: prompt.system },
        { role: 'user', content: user },
      ],
      response_format:
        m === 'json_schema'
          ? {
              type: 'json_schema',
              json_schema: {
                name: 'conversation_review',
                strict: true,
                schema: ANSWER_JSON_SCHEMA,
              },
            }
          : { type: 'json_object' },
    };
    const timeout = AbortSignal.timeout(o.timeoutMs);
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(o.apiKey ? { authorization: `Bearer ${o.apiKey}` } : {}),
        },
        body: JSON.stringify(body),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (err) {
      if (signal?.aborted) throw new AbortError('cancelled');
      const why = timeout.aborted ? `no answer within ${o.timeoutMs} ms` : String(err);
      throw new TransientModelError(`the model server is unreachable: ${why}`);
    }
    const text = await res.text();
    if (!res.ok) throw new HttpError(res.status, text);
    const json = JSON.parse(text) as { choices?: Array<{ message?: { content?: string } }> };
    const content = json.choices?.[0]?.message?.content;
    if (typeof content !== 'string') throw new HttpError(res.status, 'no message content');
    return content;
  };

  const request = (prompt: Prompt, signal?: AbortSignal): Promise<string> =>
    pRetry(
      async () => {
        try {
          return await once(prompt, mode, signal);
        } catch (err) {
          if (err instanceof HttpError && mode === 'json_schema' && REFUSALS.has(err.status)) {
            o.log.warn(
              { status: err.status },
              'model server refused json_schema; using json_object with the schema in the prompt',
            );
            mode = 'json_object';
            return await once(prompt, mode, signal);
          }
          throw err;
        }
      },
      {
        retries: o.retries ?? 3,
        minTimeout: o.minTimeoutMs ?? 1000,
        factor: 2,
        shouldRetry: ({ error }) =>
          error instanceof TransientModelError ||
          (error instanceof HttpError && (error.status === 429 || error.status >= 500)),
        ...(signal ? { signal } : {}),
      },
    ).catch((err: unknown) => {
      if (err instanceof HttpError && (err.status === 429 || err.status >= 500))
        throw new TransientModelError(err.message);
      throw err;
    });

  return {
    provider: 'openai',
    name: o.model,
    start: () => Promise.resolve(),
    async review(prompt, signal): Promise<ModelAnswer> {
      return parseAnswer(await request(prompt, signal));
    },
    close: () => Promise.resolve(),
  };
}
