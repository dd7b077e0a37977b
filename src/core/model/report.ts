/**
 * The validate-node report (NFD pkg/client-nfd/compat/node-validator), JSON field names as NFD's
 * `json.Marshal` output (nfd-rules.md §10.4-10.5).
 */
import type { MatchExpression } from './rules.ts';

export type MatcherType = 'matchExpression' | 'matchName';

export interface MatchedExpression {
  feature: string;
  name: string;
  expression: MatchExpression;
  matcherType: MatcherType;
  isMatch: boolean;
}

export interface MatchAnyElemStatus {
  /** `null` when the element had no terms (no omitempty there in NFD). */
  matchedExpressions: MatchedExpression[] | null;
}

export interface ProcessedRuleStatus {
  name: string;
  isMatch: boolean;
  matchedExpressions?: MatchedExpression[];
  matchedAny?: MatchAnyElemStatus[];
}

/** Key order is NFD's struct order: rules, description, weight, tag. `rules` is null for a set with none. */
export interface CompatibilityStatus {
  rules: ProcessedRuleStatus[] | null;
  description?: string;
  weight?: number;
  tag?: string;
}
