// Agent memory: append-only fact versions per (user, key); the current value is the newest
// version. Nothing is overwritten: a retraction is a new version too.
import { AppError } from '@ue/kit';
import { EventKind, type Actor, type ListFactsRequest, type UpsertFactsRequest } from '@ue/proto';
import {
  LIMITS,
  optionalString,
  optionalTime,
  requireString,
  validateFactKey,
} from '../domain/limits.js';
import { contactTerm, factContact } from '../domain/person.js';
import { textTerms } from '../domain/search.js';
import type { Ports } from './ports.js';
import type { FactRecord } from './records.js';

/** An email or phone a fact names, whole, so people suggestions find it by index (people.ts). */
function contactTerms(key: string, value: string): string[] {
  const c = factContact(key, value);
  return c ? [contactTerm(c)] : [];
}

export async function upsertFacts(
  deps: Pick<Ports, 'users' | 'facts' | 'events' | 'now'>,
  req: UpsertFactsRequest,
  author: Actor,
): Promise<FactRecord[]> {
  const userId = requireString('user_id', req.userId);
  if (req.facts.length === 0) throw AppError.invalid('facts', 'at least one fact required');
  if (req.facts.length > LIMITS.factsPerRequest)
    throw AppError.invalid('facts', `at most ${LIMITS.factsPerRequest} per call`);
  const seen = new Set<string>();
  const inputs = req.facts.map((f, i) => {
    const key = validateFactKey(`facts[${i}].key`, f.key);
    if (seen.has(key)) throw AppError.invalid(`facts[${i}].key`, 'duplicate key in one request');
    seen.add(key);
    const value = f.retract
      ? ''
      : requireString(`facts[${i}].value`, f.value, LIMITS.factValueLength);
    if (!(f.confidence >= 0 && f.confidence <= 1))
      throw AppError.invalid(`facts[${i}].confidence`, 'must be between 0 and 1');
    const source = optionalString(`facts[${i}].source_message_id`, f.sourceMessageId, 256);
    return { key, value, confidence: f.confidence, source, retract: f.retract };
  });
  const user = await deps.users.findById(userId);
  if (!user || user.erasedAt) throw AppError.notFound('user');
  const out: FactRecord[] = [];
  for (const f of inputs) {
    const doc = await insertVersion(deps, { userId, author, ...f });
    out.push(doc);
    await deps.events.publish({
      kind: EventKind.FACT_UPSERTED,
      userId,
      accountId: user.accountId,
      payload: { $case: 'fact', fact: doc },
    });
  }
  await deps.users.addTerms(
    userId,
    inputs.flatMap((f) => [...textTerms(f.value, 20), ...contactTerms(f.key, f.value)]),
  );
  return out;
}

/** Store the next version of a fact; a version found taken (the counter fell behind) is skipped. */
async function insertVersion(
  deps: Pick<Ports, 'facts' | 'now'>,
  f: {
    userId: string;
    author: Actor;
    key: string;
    value: string;
    confidence: number;
    source: string;
    retract: boolean;
  },
): Promise<FactRecord> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const version = await deps.facts.nextVersion(f.userId, f.key);
    const doc: FactRecord = {
      _id: `${f.userId}|${f.key}|${version}`,
      userId: f.userId,
      key: f.key,
      value: f.value,
      confidence: f.confidence,
      sourceMessageId: f.source,
      author: f.author,
      recordedAt: deps.now(),
      version,
      retracted: f.retract,
    };
    if (await deps.facts.insert(doc)) return doc;
  }
  throw new AppError('UNAVAILABLE', 'fact versions are being written concurrently; retry');
}

export async function listFacts(
  deps: Pick<Ports, 'users' | 'facts'>,
  req: ListFactsRequest,
): Promise<{ current: FactRecord[]; history: FactRecord[] }> {
  const userId = requireString('user_id', req.userId);
  if (req.keys.length > 100) throw AppError.invalid('keys', 'at most 100');
  const keys = req.keys.map((k, i) => validateFactKey(`keys[${i}]`, k));
  const asOf = optionalTime('as_of', req.asOf);
  if (!(await deps.users.findById(userId))) throw AppError.notFound('user');
  const all = await deps.facts.list(userId, { keys, asOf });
  const latest = new Map<string, FactRecord>();
  for (const f of all) latest.set(f.key, f);
  const current = [...latest.values()].filter((f) => req.includeRetracted || !f.retracted);
  return { current, history: req.includeHistory ? all : [] };
}
