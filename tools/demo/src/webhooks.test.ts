import { describe, expect, it } from 'vitest';
import { ACCOUNTS, demoPlan } from './dataset.js';
import { inboundBody, statusBody } from './webhooks.js';

const plan = demoPlan(1_795_000_000);

describe('demo webhook bodies', () => {
  it('are written the way Meta writes them: compact, non-ASCII and "/" escaped', () => {
    const named = plan.inbound.find((i) => /[\u0080-\uffff]/.test(i.persona.name ?? ''))!;
    const bytes = inboundBody(named).toString('latin1');
    expect(bytes).toMatch(/^[\x20-\x7e]+$/);
    expect(bytes).not.toMatch(/[^\\]\//);
    expect(bytes).toMatch(/\\u[0-9a-f]{4}/);
    const body = JSON.parse(bytes) as {
      entry: { changes: { value: { metadata: { phone_number_id: string } } }[] }[];
    };
    expect(body.entry[0]!.changes[0]!.value.metadata.phone_number_id).toBe(
      ACCOUNTS[named.persona.account].id,
    );
  });

  it('put all statuses of one user into one delivery, without contacts when all failed', () => {
    const outs = plan.outbound.filter((o) => o.statuses.length > 0);
    const first = outs.filter((o) => o.persona === outs[0]!.persona);
    const value = (b: Buffer) =>
      (
        JSON.parse(b.toString()) as {
          entry: { changes: { value: { statuses: unknown[]; contacts?: unknown[] } }[] }[];
        }
      ).entry[0]!.changes[0]!.value;
    expect(value(statusBody(first)).statuses).toHaveLength(
      first.reduce((n, o) => n + o.statuses.length, 0),
    );
    const failed = outs.find((o) => o.statuses.every((s) => s.status === 'failed'))!;
    expect(value(statusBody([failed])).contacts).toBeUndefined();
    expect(value(statusBody(first)).contacts).toHaveLength(1);
  });
});
