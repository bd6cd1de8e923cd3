// The shapes the seeder and the raw baselines work with.
import type { IndexDescription } from 'mongodb';

/** A stored document as the seeder sees it: the fields it sets, the rest cloned as is. */
export type Doc = Record<string, unknown> & { _id: string };

export interface DocTemplates {
  user: Doc;
  identities: Doc[];
  inbound: Doc;
  outbound: Doc;
  delivery: Doc;
  followUp: Doc;
  /** Index specs of profiles' collections, to give raw baselines the same indexes. */
  indexes: Record<string, IndexDescription[]>;
  /** Differences between what the seeder computes and what profiles stored. */
  warnings: string[];
}
