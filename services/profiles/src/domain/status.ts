// Outbound delivery state machine. Ranks only grow: a late or repeated status never moves a
// message back. FAILED sits between SENT and DELIVERED: a failure after "sent" wins, but a
// delivered/read/played seen for the same message is better evidence and is kept.
export type DeliveryState = 'pending' | 'sent' | 'delivered' | 'read' | 'played' | 'failed';

const RANK: Record<DeliveryState, number> = {
  pending: 10,
  sent: 20,
  failed: 25,
  delivered: 30,
  read: 40,
  played: 50,
};

export function statusRank(s: DeliveryState): number {
  return RANK[s];
}

/** The state to keep when `next` arrives while `current` is stored. */
export function mergeStatus(
  current: DeliveryState | undefined,
  next: DeliveryState,
): DeliveryState {
  if (!current) return next;
  return RANK[next] > RANK[current] ? next : current;
}

/** The field of status_times recording when a state was first seen. */
export function statusTimeField(s: DeliveryState): string {
  return `${s}At`;
}
