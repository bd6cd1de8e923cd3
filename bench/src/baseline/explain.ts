// What the server does for a query, from explain("executionStats"): the winning plan's stages
// (IXSCAN on which index, FETCH, in-memory SORT, COLLSCAN) and how much it read.
import type { FindCursor } from 'mongodb';

export interface PlanSummary {
  /** e.g. "LIMIT ← FETCH ← IXSCAN searchTerms_1", or why there is none. */
  stages: string;
  keysExamined: number;
  docsExamined: number;
  returned: number;
  collscan: boolean;
  inMemorySort: boolean;
}

interface PlanNode {
  stage?: string;
  indexName?: string;
  inputStage?: PlanNode;
  inputStages?: PlanNode[];
}

function chain(node: PlanNode | undefined): string[] {
  if (!node?.stage) return [];
  const label = node.indexName ? `${node.stage} ${node.indexName}` : node.stage;
  if (node.inputStages?.length)
    return [`${label}(${node.inputStages.map((n) => chain(n).join(' ← ')).join(' + ')})`];
  return [label, ...chain(node.inputStage)];
}

function get(o: unknown, path: string[]): unknown {
  let v = o;
  for (const k of path)
    v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

export async function explainFind(cursor: FindCursor): Promise<PlanSummary | string> {
  try {
    const e: unknown = await cursor.explain('executionStats');
    const plan = get(e, ['queryPlanner', 'winningPlan']) as PlanNode | undefined;
    const stages = chain(plan);
    if (!stages.length) return 'explain returned no plan';
    const num = (k: string): number => Number(get(e, ['executionStats', k]) ?? Number.NaN);
    return {
      stages: stages.join(' ← '),
      keysExamined: num('totalKeysExamined'),
      docsExamined: num('totalDocsExamined'),
      returned: num('nReturned'),
      collscan: stages.some((s) => s.includes('COLLSCAN')),
      inMemorySort: stages.some((s) => s === 'SORT'),
    };
  } catch (err) {
    return `explain not supported: ${err instanceof Error ? err.message : String(err)}`;
  }
}
