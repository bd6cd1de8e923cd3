// A stream of provider deliveries for load: a weighted mix of the fixtures' shapes, new and
// returning users, delivery statuses for messages we do not know (stored as orphans) and exact
// duplicate deliveries (the same bytes and signature again), each signed like Meta signs.
import { signWebhook } from '@ue/testing';
import { bsuidOf, nameOf, waIdOf } from '../people.js';
import { pick, weighted, type Rng } from '../random.js';
import { render, type BodyUser, type Template } from './templates.js';

export interface Delivery {
  body: string;
  signature: string;
  kind: 'inbound' | 'status' | 'duplicate';
  /** wamids of the inbound messages this delivery stores for the first time. */
  wamids: string[];
  /** Person numbers (people.ts) of the users it names, in template slot order. */
  people: number[];
}

export interface TrafficMix {
  inbound: readonly { item: Template; weight: number }[];
  statuses: readonly Template[];
}

export interface TrafficOptions {
  mix: TrafficMix;
  secret: string;
  rng: Rng;
  /** User numbers of this traffic start here (people.ts derives everything from the number). */
  userBase: number;
  /** Users that exist already (returning users are drawn from them too). */
  knownUsers?: number;
  newUserShare: number;
  statusShare: number;
  duplicateShare: number;
  /** Unique per traffic stream: part of every wamid. */
  tag: string;
  nowSeconds?: () => number;
}

export interface Traffic {
  next(): Delivery;
  /** User numbers used so far: [userBase, userBase + usersCreated). */
  usersCreated(): number;
  /** Inbound messages in deliveries handed out so far (duplicates not counted). */
  messages(): number;
}

const RECENT = 512;

export function createTraffic(o: TrafficOptions): Traffic {
  let created = o.knownUsers ?? 0;
  let seq = 0;
  let messages = 0;
  const recent: Delivery[] = [];
  const now = o.nowSeconds ?? (() => Math.floor(Date.now() / 1000));

  const person = (n: number): BodyUser => ({
    waId: waIdOf(n),
    bsuid: bsuidOf(n),
    name: nameOf(n),
  });
  const user = (returningOnly: boolean): number => {
    if (created > 0 && (returningOnly || o.rng() >= o.newUserShare))
      return o.userBase + pick(o.rng, created);
    return o.userBase + created++;
  };
  const id = (): string => `wamid.HBgN${o.tag}${(seq++).toString(36).padStart(10, '0')}AA==`;

  const fresh = (t: Template, kind: 'inbound' | 'status'): Delivery => {
    const people = Array.from({ length: t.users }, () => user(kind === 'status'));
    const wamids = Array.from({ length: t.messages }, id);
    const statusIds = Array.from({ length: t.statuses }, id);
    const body = render(t, { users: people.map(person), wamids, statusIds, time: now() });
    messages += wamids.length;
    return { body, signature: signWebhook(body, o.secret), kind, wamids, people };
  };

  return {
    next() {
      const r = o.rng();
      if (r < o.duplicateShare && recent.length > 0) {
        const d = recent[pick(o.rng, recent.length)]!;
        return { ...d, kind: 'duplicate', wamids: [] };
      }
      const d =
        r < o.duplicateShare + o.statusShare && o.mix.statuses.length > 0
          ? fresh(o.mix.statuses[pick(o.rng, o.mix.statuses.length)]!, 'status')
          : fresh(weighted(o.rng, o.mix.inbound), 'inbound');
      if (recent.length < RECENT) recent.push(d);
      else recent[pick(o.rng, RECENT)] = d;
      return d;
    },
    usersCreated: () => created,
    messages: () => messages,
  };
}
