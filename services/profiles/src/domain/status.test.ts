import { describe, expect, it } from 'vitest';
import { mergeStatus, statusRank, type DeliveryState } from './status.js';

const ALL: DeliveryState[] = ['pending', 'sent', 'delivered', 'read', 'played', 'failed'];

describe('delivery state machine', () => {
  it('never moves back, whatever the order', () => {
    expect(
      ['read', 'sent', 'delivered'].reduce<DeliveryState | undefined>(
        (s, n) => mergeStatus(s, n as DeliveryState),
        undefined,
      ),
    ).toBe('read');
    expect(mergeStatus('read', 'sent')).toBe('read');
    for (const a of ALL) for (const b of ALL) expect(mergeStatus(a, b)).toBe(mergeStatus(b, a));
  });
  it('keeps failed only over pending and sent', () => {
    expect(mergeStatus('sent', 'failed')).toBe('failed');
    expect(mergeStatus('failed', 'delivered')).toBe('delivered');
    expect(statusRank('failed')).toBeLessThan(statusRank('delivered'));
  });
});
