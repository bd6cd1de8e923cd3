// A fixed set of provider deliveries (each one ApplyWebhookEvents batch) over three
// conversations, and the reader's view of the resulting state, for the order-independence
// properties (src/app/order-independence.test.ts on the fakes, test/order-independence.int.test.ts
// on the real server). Applied in any order, any number of times, they must end in one state.
import fc from 'fast-check';
import {
  ApplyWebhookEventsRequest,
  DeliveryStatus,
  MessageContent,
  MessageType,
  RecordOutboundMessageRequest,
} from '@ue/proto';
import { currentReactions, editHistory } from '../src/domain/message-views.js';
import type { MessageRecord, OrphanRecord, UserRecord } from '../src/app/records.js';
import {
  ACCOUNT,
  edit,
  inboundText,
  numberChange,
  reaction,
  ref,
  revoke,
  seen,
  status,
  t,
} from './events.js';

const ANA = ref('4915112345678');
const BEN = ref('447700900123');
const CEM = ref('905321112233');
const CEM_NEW = ref('905329998877');

/** The agent's reply to Ana, recorded before the deliveries (what the statuses are about). */
export const REPLY = RecordOutboundMessageRequest.fromPartial({
  recipient: { accountId: ACCOUNT, user: ANA },
  wamid: 'wamid.O1',
  content: MessageContent.fromPartial({ type: MessageType.TEXT, text: 'Ja, morgen.' }),
  sentAt: t(2),
});

const batch = (...events: ApplyWebhookEventsRequest['events']) =>
  ApplyWebhookEventsRequest.fromPartial({ events });

/** Inbound messages, edits, revokes, reactions, statuses and a number change. */
export const DELIVERIES: ApplyWebhookEventsRequest[] = [
  batch(seen(ANA, 'Ana', t(1)), inboundText('wamid.A1', ANA, 'Ist meine Bestellung da?', t(1))),
  batch(
    status('wamid.O1', DeliveryStatus.SENT, t(2)),
    status('wamid.O1', DeliveryStatus.DELIVERED, t(3)),
  ),
  batch(inboundText('wamid.A2', ANA, 'Um wie viel Uhr?', t(4))),
  batch(edit('wamid.E1', ANA, 'wamid.A2', 'Um wie viel Uhr genau?', t(5))),
  batch(
    status('wamid.O1', DeliveryStatus.READ, t(6)),
    reaction('wamid.R1', ANA, 'wamid.O1', '👍', t(7)),
  ),
  batch(reaction('wamid.R2', ANA, 'wamid.O1', '❤️', t(8))),
  batch(seen(BEN, 'Ben', t(1)), inboundText('wamid.B1', BEN, 'Hello', t(1))),
  batch(inboundText('wamid.B2', BEN, 'Wrong chat, sorry', t(2))),
  batch(revoke('wamid.V1', BEN, 'wamid.B2', t(3))),
  batch(reaction('wamid.R3', BEN, 'wamid.B1', '😂', t(4))),
  batch(inboundText('wamid.C1', CEM, 'Merhaba', t(1))),
  batch(numberChange('wamid.N1', CEM, CEM_NEW, t(6))),
  // About a message that never arrives: it waits as an orphan, the same one in every order.
  batch(status('wamid.O404', DeliveryStatus.DELIVERED, t(4))),
];

/**
 * An order of application with repetitions, in waves: the batches of one wave are applied
 * concurrently, waves one after another.
 */
export const schedules = fc
  .array(fc.nat({ max: DELIVERIES.length - 1 }), { maxLength: 10 })
  .chain((extra) => {
    const all = [...DELIVERIES.keys(), ...extra];
    return fc.tuple(
      fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }),
      fc.array(fc.integer({ min: 1, max: 3 }), { minLength: all.length, maxLength: all.length }),
    );
  })
  .map(([order, sizes]) => {
    const waves: number[][] = [];
    let i = 0;
    for (const size of sizes) {
      if (i >= order.length) break;
      waves.push(order.slice(i, i + size));
      i += size;
    }
    return waves;
  });

export async function applySchedule(
  waves: number[][],
  apply: (req: ApplyWebhookEventsRequest) => Promise<unknown>,
): Promise<void> {
  for (const wave of waves) await Promise.all(wave.map((i) => apply(DELIVERIES[i]!)));
}

/**
 * What a reader of the API sees, independent of how the stored form was written: the text after
 * edits and the edit history, the current reaction per reactor, sets as sorted lists. Times the
 * server takes from its own clock (when a message or orphan was received) are left out.
 */
export function view(s: {
  users: UserRecord[];
  messages: MessageRecord[];
  orphans: OrphanRecord[];
}) {
  const byId = <T extends { _id: string }>(a: T, b: T) => (a._id < b._id ? -1 : 1);
  const users = s.users.map(
    ({ searchTerms, followUpsVersion: _v, ...u }: UserRecord & { followUpsVersion?: number }) => ({
      ...u,
      searchTerms: [...searchTerms].sort(),
    }),
  );
  const messages = s.messages.map(({ editVersions, terms, reactionsBy, receivedAt: _r, ...m }) => ({
    ...m,
    ...editHistory(m.originalText ?? '', editVersions ?? []),
    reactions: currentReactions(reactionsBy),
    terms: [...(terms ?? [])].sort(),
  }));
  const orphans = s.orphans.map(({ storedAt: _s, keys, ...o }) => ({
    ...o,
    keys: [...(keys ?? [])].sort(),
  }));
  return { users: users.sort(byId), messages: messages.sort(byId), orphans: orphans.sort(byId) };
}
