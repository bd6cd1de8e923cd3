// The prompt: a versioned instruction file (prompts/review-vN.md) as the system message, and the
// conversation as quoted data in the user message. Customer and agent text is JSON-encoded,
// one object per line, with < and > escaped, so nothing a customer writes can close the
// data block, add a line of its own or pass for an instruction (docs/review.md, "Prompt").
import type { Signals } from './signals.js';
import { formatDuration } from './signals.js';
import type { Turn } from './turn.js';

export interface Prompt {
  version: string;
  system: string;
  user: string;
}

/** JSON text with every < > & escaped (still valid JSON, same value). */
export function quote(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export function conversationBlock(turns: readonly Turn[], maxChars: number): string {
  const lines = turns.map((t, i) =>
    quote({
      n: i + 1,
      role: t.speaker,
      at: t.at.toISOString(),
      text: t.text.length > maxChars ? `${t.text.slice(0, maxChars)}…` : t.text,
      ...(t.failed ? { delivery: 'failed' } : {}),
    }),
  );
  return `<conversation>\n${lines.join('\n')}\n</conversation>`;
}

function signalLines(s: Signals): string[] {
  const d = (ms: number | undefined): string => (ms === undefined ? 'none' : formatDuration(ms));
  return [
    `- first reply after: ${d(s.firstResponseMs)}`,
    `- median reply time: ${d(s.medianResponseMs)}`,
    `- customer questions with no reply after them: ${s.unansweredQuestions}`,
    `- replies not delivered: ${s.failedDeliveries}`,
    `- times a team member stepped in: ${s.humanTakeovers}`,
  ];
}

export function buildPrompt(o: {
  version: string;
  instructions: string;
  turns: readonly Turn[];
  signals: Signals;
  displayLanguage: string;
  maxChars: number;
}): Prompt {
  const user = [
    `Display language: ${o.displayLanguage}`,
    '',
    'Measured signals:',
    ...signalLines(o.signals),
    '',
    conversationBlock(o.turns, o.maxChars),
  ].join('\n');
  return { version: o.version, system: o.instructions.trim(), user };
}
