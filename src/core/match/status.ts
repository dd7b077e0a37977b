/**
 * What the engine records while matching (nfd-rules.md §4 and §6.3): matched elements, the template
 * data built from them, and the per-matcher status the validate-node report is built from.
 */

import type { FeatureMatcherTerm } from '../model/rules.ts';

/**
 * One matched element, NFD's `MatchedElement` (`map[string]string`): `{Name}` for a flag,
 * `{Name, Value}` for an attribute, and the instance's own attribute map for an instance.
 */
export type MatchedElement = Record<string, string>;

/** NFD's `matchedFeatures`: domain → feature → matched elements. This is the templates' dot. */
export type TemplateData = Record<string, Record<string, MatchedElement[]>>;

/** NFD's `MatchFeatureStatus`: the outcome of one `matchFeatures` list. */
export interface MatchFeatureStatus {
  /** Template data built from the terms (keys keep the term's spelling; nfd-rules.md §5 step 1). */
  matchedFeatures: TemplateData;
  /**
   * The terms that held at least partly: `feature` lower-cased, `matchExpressions` = the subset of
   * expressions that held, `matchName` present iff it matched (§5 step 7).
   */
  matchedFeaturesTerms: FeatureMatcherTerm[];
}

/**
 * NFD's `MatchStatus`. `matchFeatureStatus` is absent when `matchFeatures` was not evaluated, or when
 * a term named a missing feature under fail-fast (Go's nil status). `matchAny` holds one status per
 * evaluated `matchAny` element; a nil Go status (missing feature under fail-fast) is represented by an
 * empty status so that indexes stay aligned with the rule's `matchAny` list.
 */
export interface MatchStatus {
  isMatch: boolean;
  matchFeatureStatus?: MatchFeatureStatus;
  matchAny: MatchFeatureStatus[];
}

/** The Go nil `*MatchFeatureStatus` as stored in `MatchStatus.matchAny`. */
export function emptyMatchFeatureStatus(): MatchFeatureStatus {
  return { matchedFeatures: {}, matchedFeaturesTerms: [] };
}
