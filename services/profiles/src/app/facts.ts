// Agent memory: append-only fact versions per (user, key). Version numbers come from an atomic
// per-(user, key) counter; a unique (user, key, version) index backs it up. Nothing is overwritten.
import { AppError } from '@ue/kit';
import { EventKind, type Actor, type ListFactsRequest, type UpsertFactsRequest } from '@ue/proto';
import type { Filter } from 'mongodb';
import { LIMITS, optionalString, requireString, validateFactKey } from '../domain/limits.js';
import { textTerms } from '../domain/search.js';
import type { FactDoc } from '../adapters/mongo/docs.js';
import { factToProto } from '../adapters/mongo/to-proto.js';
import type { AppDeps } from './deps.js';

export async function upsertFacts(
  deps: AppDeps,
  req: UpsertFactsRequest,
  author: Actor,
): Promise<FactDoc[]> {
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
  const out: FactDoc[] = [];
  for (const f of inputs) {
    const head = await deps.cols.factHeads.findOneAndUpdate(
      { _id: `${userId}|${f.key}` },
      { $inc: { version: 1 } },
      { upsert: true, returnDocument: 'after' },
    );
    const version = head?.version ?? 1;
    const doc: FactDoc = {
      _id: `${userId}|${f.key}|${version}`,
      userId,
      key: f.key,
      value: f.value,
      confidence: f.confidence,
      sourceMessageId: f.source,
      author,
      recordedAt: deps.now(),
      version,
      retracted: f.retract,
    };
    await deps.cols.facts.insertOne(doc);
    out.push(doc);
    await deps.events.publish({
      kind: EventKind.FACT_UPSERTED,
      userId,
      accountId: user.accountId,
      payload: { $case: 'fact', fact: factToProto(doc) },
    });
  }
  await deps.users.addTerms(
    userId,
    inputs.flatMap((f) => textTerms(f.value, 20)),
  );
  return out;
}

export async function listFacts(
  deps: AppDeps,
  req: ListFactsRequest,
): Promise<{ current: FactDoc[]; history: FactDoc[] }> {
  const userId = requireString('user_id', req.userId);
  if (req.keys.length > 100) throw AppError.invalid('keys', 'at most 100');
  const keys = req.keys.map((k, i) => validateFactKey(`keys[${i}]`, k));
  if (!(await deps.users.findById(userId))) throw AppError.notFound('user');
  const filter: Filter<FactDoc> = { userId };
  if (keys.length) filter.key = { $in: keys };
  if (req.asOf) filter.recordedAt = { $lte: req.asOf };
  const all = await deps.cols.facts
    .find(filter)
    .sort({ key: 1, version: 1 })
    .limit(10_000)
    .toArray();
  const latest = new Map<string, FactDoc>();
  for (const f of all) latest.set(f.key, f);
  const current = [...latest.values()].filter((f) => req.includeRetracted || !f.retracted);
  return { current, history: req.includeHistory ? all : [] };
}
