import { describe, expect, it } from 'vitest';
import { metaSendRule } from './send-window.js';

const now = new Date(Date.UTC(2026, 10, 20, 12));
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);

describe('Messenger / Instagram send rules', () => {
  it('answer within 24 h of the last inbound message without a tag, agents and people alike', () => {
    for (const human of [false, true]) {
      expect(metaSendRule({ lastInboundAt: hoursAgo(23.9), now, human })).toEqual({ tag: '' });
      expect(metaSendRule({ lastInboundAt: hoursAgo(0), now, human })).toEqual({ tag: '' });
    }
  });

  it('let only a person answer from 24 h to 7 days, with the HUMAN_AGENT tag', () => {
    expect(metaSendRule({ lastInboundAt: hoursAgo(24), now, human: true })).toEqual({
      tag: 'HUMAN_AGENT',
    });
    expect(metaSendRule({ lastInboundAt: hoursAgo(167.9), now, human: true })).toEqual({
      tag: 'HUMAN_AGENT',
    });
    expect(metaSendRule({ lastInboundAt: hoursAgo(24), now, human: false })).toEqual({
      refused: 'outside the 24 h window; a person may answer for 7 days with the HUMAN_AGENT tag',
    });
  });

  it('refuse everyone after 7 days, and before the person ever wrote', () => {
    for (const human of [false, true]) {
      const late = metaSendRule({ lastInboundAt: hoursAgo(168), now, human });
      expect(late).toHaveProperty('refused');
      expect((late as { refused: string }).refused).toMatch(/7 days/);
      expect(metaSendRule({ now, human })).toHaveProperty('refused');
    }
  });
});
