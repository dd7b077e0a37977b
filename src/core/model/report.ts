/**
 * The validate-node report (NFD pkg/client-nfd/compat/node-validator), JSON field names as NFD's
 * `json.Marshal` output (NFD v0.19.0 pkg/client-nfd/compat/node-validator/node-validator.go).
 */
import type { MatchExpression } from './rules.ts';

/** Which matcher produced a report row (NFD's `MatcherType`). */
export type MatcherType = 'matchExpression' | 'matchName';

/** One report row: an expression of a rule, the feature it tested and whether it matched. */
export interface MatchedExpression {
  feature: string;
  name: string;
  expression: MatchExpression;
  matcherType: MatcherType;
  isMatch: boolean;
}

/** The rows of one `matchAny` element of a rule. */
export interface MatchAnyElemStatus {
  /** `null` when the element had no terms (no omitempty there in NFD). */
  matchedExpressions: MatchedExpression[] | null;
}

/** One rule's result in NFD's report: its name, whether it matched, and its rows. */
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
