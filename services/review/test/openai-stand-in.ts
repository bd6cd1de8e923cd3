// A local stand-in for an OpenAI-compatible chat-completions server, for tests (like the
// provider sandbox for WhatsApp): it records every request and answers from a script of
// planned replies (status, body, delay), else with a review built from the request. It is
// deliberately gullible: when the conversation contains "score 100" it gives every criterion 10.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Plan {
  status?: number;
  /** Raw body; default: a valid chat completion carrying `content`. */
  body?: string;
  /** Message content of the default body (default: a valid review). */
  content?: string;
  delayMs?: number;
}

export interface Recorded {
  body: {
    model: string;
    messages: Array<{ role: string; content: string }>;
    response_format?: { type: string };
  };
  authorization: string | undefined;
}

export interface StandIn {
  url: string;
  requests: Recorded[];
  /** Replies for the next requests, in order; afterwards the default one. */
  plan(...plans: Plan[]): void;
  /** Answer 500 to every json_schema request (as llama-cpp-python does). */
  refuseJsonSchema(on: boolean): void;
  close(): Promise<void>;
}

export function validReview(userText: string): string {
  const gullible = /score\s*(of\s*)?100/i.test(userText);
  const s = gullible ? 10 : 7;
  return JSON.stringify({
    summary: 'The customer asked about a parcel. The agent answered and promised a call back.',
    conversation_language: 'de',
    topics: ['delivery delay'],
    sentiment: 'neutral',
    sentiment_trend: 'stable',
    action_items: [{ text: 'Call the customer back', owner: 'human' }],
    criteria: {
      answered_questions: { score: s, reason: 'Most questions were answered.' },
      correct_information: { score: s, reason: 'Nothing contradicted.' },
      tone: { score: s, reason: 'Polite.' },
      escalation: { score: s, reason: 'No hand-over was needed.' },
    },
  });
}

export async function startStandIn(): Promise<StandIn> {
  const requests: Recorded[] = [];
  const plans: Plan[] = [];
  let refuse = false;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Recorded['body'];
      requests.push({ body, authorization: req.headers.authorization });
      const reply = (status: number, text: string): void => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(text);
      };
      if (refuse && body.response_format?.type === 'json_schema') {
        reply(500, JSON.stringify({ error: { message: 'json_schema is not supported' } }));
        return;
      }
      const p = plans.shift() ?? {};
      const user = body.messages.find((m) => m.role === 'user')?.content ?? '';
      const content = p.content ?? validReview(user);
      const text =
        p.body ??
        JSON.stringify({
          id: `chatcmpl-${requests.length}`,
          object: 'chat.completion',
          model: body.model,
          choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }],
        });
      const send = (): void => {
        if (!res.destroyed) reply(p.status ?? 200, text);
      };
      if (p.delayMs) setTimeout(send, p.delayMs);
      else send();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    plan: (...p) => plans.push(...p),
    refuseJsonSchema: (on) => (refuse = on),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
