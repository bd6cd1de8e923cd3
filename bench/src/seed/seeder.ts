// Bulk seeding with the raw driver straight into profiles' database: users with their
// identities, messages and follow-ups, cloned from real documents (documents.ts), in unordered
// batches, building the next chunk while the last one is written. Topping up from one size to
// the next adds users (and their messages) only.
import type { Db } from 'mongodb';
import type { PageSize } from '../config.js';
import { log } from '../progress.js';
import { pick, type Rng } from '../random.js';
import { fmtDuration, fmtInt } from '../stats.js';
import { buildUserDocs, type UserDocs } from './documents.js';
import { messageCounts, planUser, vocabulary } from './plan.js';
import type { Doc, DocTemplates } from './records.js';

/** Seeded people are numbered from here (people.ts). */
export const SEED_BASE = 500_000_000;
const CHUNK = 1000;
const BATCH = 2000;
/** Chunks being written while the next one is built (more did not help on 2 cores). */
const IN_FLIGHT = 1;

export interface SeededUser {
  id: string;
  n: number;
}

/** A uniform sample of the users seeded so far, across top-ups. */
export class Reservoir {
  readonly items: SeededUser[] = [];
  private seen = 0;
  constructor(
    private readonly size: number,
    private readonly rng: Rng,
  ) {}
  offer(u: SeededUser): void {
    this.seen += 1;
    if (this.items.length < this.size) this.items.push(u);
    else {
      const i = pick(this.rng, this.seen);
      if (i < this.size) this.items[i] = u;
    }
  }
}

export interface SeedResult {
  users: number;
  messages: number;
  ms: number;
}

async function insertAll(db: Db, name: string, docs: Doc[]): Promise<void> {
  for (let i = 0; i < docs.length; i += BATCH)
    await db.collection<Doc>(name).insertMany(docs.slice(i, i + BATCH), { ordered: false });
}

/** One chunk: the collections are independent, so they are written side by side. */
async function write(db: Db, chunk: UserDocs[]): Promise<void> {
  const logs = chunk.flatMap((c) => c.logEntries);
  await Promise.all([
    insertAll(
      db,
      'users',
      chunk.map((c) => c.user),
    ),
    insertAll(
      db,
      'identities',
      chunk.flatMap((c) => c.identities),
    ),
    insertAll(
      db,
      'messages',
      chunk.flatMap((c) => c.messages),
    ),
    logs.length ? insertAll(db, 'log_entries', logs) : Promise.resolve(),
  ]);
}

export async function seedDatabase(o: {
  db: Db;
  templates: DocTemplates;
  from: PageSize;
  to: PageSize;
  rng: Rng;
  now: number;
  sample: Reservoir;
  /** First person number (default SEED_BASE). */
  base?: number;
}): Promise<SeedResult> {
  const users = o.to.users - o.from.users;
  const counts = messageCounts({
    rng: o.rng,
    users,
    messages: o.to.messages - o.from.messages,
  });
  const vocab = vocabulary();
  const t0 = performance.now();
  let messages = 0;
  const inFlight: Promise<void>[] = [];
  let nextReport = 0.1;
  for (let start = 0; start < users; start += CHUNK) {
    const chunk: UserDocs[] = [];
    for (let i = start; i < Math.min(users, start + CHUNK); i++) {
      const n = (o.base ?? SEED_BASE) + o.from.users + i;
      const plan = planUser({ rng: o.rng, vocab, n, count: counts[i]!, now: o.now });
      const docs = buildUserDocs(o.templates, plan);
      chunk.push(docs);
      messages += docs.messages.length;
      o.sample.offer({ id: docs.user._id, n });
    }
    if (inFlight.length >= IN_FLIGHT) await inFlight.shift();
    const pending = write(o.db, chunk);
    // Marked handled now; the awaits (above, or below at the end) still see a failure.
    pending.catch(() => {});
    inFlight.push(pending);
    const done = Math.min(users, start + CHUNK) / users;
    if (done >= nextReport) {
      const elapsed = performance.now() - t0;
      log(
        `  seeding ${Math.round(done * 100)} %: ${fmtInt(o.from.users + start + chunk.length)} users, ${fmtInt(o.from.messages + messages)} messages (${fmtDuration(elapsed)})`,
      );
      nextReport += 0.1;
    }
  }
  await Promise.all(inFlight);
  return { users, messages, ms: performance.now() - t0 };
}
