import { describe, expect, it } from 'vitest';
import { CAPS, isQuestion, measureSignals, responseTimeScore } from './signals.js';
import type { Speaker, Turn } from './turn.js';

const t0 = Date.UTC(2026, 10, 30, 9, 0);
let n = 0;
const turn = (speaker: Speaker, minute: number, text = 'ok', failed = false): Turn => ({
  id: `m${++n}`,
  speaker,
  at: new Date(t0 + minute * 60_000),
  text,
  failed,
});

describe('signals', () => {
  it('measures first and median reply time per customer turn', () => {
    const s = measureSignals([
      turn('customer', 0),
      turn('customer', 1), // same turn: it started at 0
      turn('agent', 2),
      turn('customer', 10),
      turn('agent', 14),
      turn('customer', 20),
      turn('agent', 30),
    ]);
    expect(s.firstResponseMs).toBe(2 * 60_000);
    expect(s.medianResponseMs).toBe(4 * 60_000);
    expect(s.inboundMessages).toBe(4);
    expect(s.outboundMessages).toBe(3);
    expect(s.scoreCap).toBe(100);
    expect(s.capReasons).toEqual([]);
  });

  it('counts questions after the last delivered reply and caps the score', () => {
    const s = measureSignals([
      turn('customer', 0, 'Wo ist mein Paket?'),
      turn('agent', 1, 'Unterwegs.'),
      turn('customer', 2, '¿Y cuándo llega?'),
      turn('customer', 3, 'هل يمكن التوصيل غدا؟'),
      turn('agent', 4, 'Morgen.', true), // not delivered: does not answer them
    ]);
    expect(s.unansweredQuestions).toBe(2);
    expect(s.failedDeliveries).toBe(1);
    expect(s.scoreCap).toBe(CAPS.unansweredFirst - CAPS.unansweredStep);
    expect(s.capReasons).toEqual([
      '2 customer questions are unanswered',
      'a reply was not delivered',
    ]);
  });

  it('caps a conversation nobody answered hardest', () => {
    const s = measureSignals([turn('customer', 0, 'Hallo?')]);
    expect(s.firstResponseMs).toBeUndefined();
    expect(s.scoreCap).toBe(CAPS.noReply);
    expect(responseTimeScore(s)).toEqual({ score: 0, reason: 'no customer message got a reply' });
  });

  it('counts a human stepping in once per takeover', () => {
    const s = measureSignals([
      turn('customer', 0),
      turn('agent', 1),
      turn('customer', 2),
      turn('human', 3),
      turn('human', 4),
      turn('agent', 5),
      turn('human', 6),
    ]);
    expect(s.humanTakeovers).toBe(2);
  });

  it('scores reply time in bands', () => {
    const at = (ms: number) => responseTimeScore({ ...measureSignals([]), medianResponseMs: ms });
    expect(at(30_000).score).toBe(10);
    expect(at(4 * 60_000).score).toBe(8);
    expect(at(50 * 60_000).score).toBe(4);
    expect(at(3 * 86_400_000).score).toBe(0);
    expect(at(4 * 60_000).reason).toBe('median reply time 4 min');
  });

  it('knows question marks of several scripts', () => {
    for (const q of ['Why?', '¿Qué?', 'لماذا؟', '本当？']) expect(isQuestion(q)).toBe(true);
    expect(isQuestion('Thanks.')).toBe(false);
  });
});
